package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// feed is a workflow screen's running log: one confirmation line per good
// scan, one reason per refused scan, and the list of refusals kept visible.
type feed struct {
	lines  []feedLine
	errs   []string
	good   int
	bad    int
	latest feedLine
	// setupBad is bad when a setup began (setup): what settled drops
	// are the refusals since, the setup's own.
	setupBad int
}

type feedLine struct {
	ok   bool
	warn bool // done, but worth a look: drawn with "!", not "✓"
	text string
}

const (
	feedKeep = 500
	errsKeep = 100
)

func (f *feed) ok(format string, args ...any) {
	l := feedLine{ok: true, text: fmt.Sprintf(format, args...)}
	f.good++
	f.push(l)
}

// note adds a neutral line (a setting changed) without counting it.
func (f *feed) note(format string, args ...any) {
	f.push(feedLine{ok: true, text: fmt.Sprintf(format, args...)})
}

// warn adds a line for something done that deserves a look (received
// beyond its order), without counting it.
func (f *feed) warn(format string, args ...any) {
	f.push(feedLine{ok: true, warn: true, text: fmt.Sprintf(format, args...)})
}

// refuse records a refused scan and rings the bell.
func (f *feed) refuse(format string, args ...any) tea.Cmd {
	l := feedLine{text: fmt.Sprintf(format, args...)}
	f.bad++
	f.push(l)
	f.errs = append(f.errs, l.text)
	if len(f.errs) > errsKeep {
		f.errs = f.errs[len(f.errs)-errsKeep:]
	}
	return bell()
}

// settled drops the refusals kept in view: what they refused has been
// put right since (a setup's mistyped order, found on the next try).
func (f *feed) settled() {
	// ("Refused (3)" over the one line left; the scans' refusals before
	// a trip back to the setup stay, put right by no one.)
	n := min(max(0, f.bad-f.setupBad), len(f.errs))
	f.bad -= n
	f.errs = f.errs[:len(f.errs)-n]
	f.setupBad = f.bad
}

// putRight drops the setup's refusals that start with what (a model that
// matched nothing, then chosen), from the list kept in view and the lines:
// news no longer, they would read as still wrong.
func (f *feed) putRight(what string) {
	kept := f.errs[:0]
	var dropped []string
	for i, e := range f.errs {
		// (Only those of this setup: the last bad-setupBad of the list.)
		if i >= len(f.errs)-max(0, f.bad-f.setupBad) && strings.HasPrefix(e, what) {
			dropped = append(dropped, e)
			continue
		}
		kept = append(kept, e)
	}
	f.errs, f.bad = kept, f.bad-len(dropped)
	for i := len(f.lines) - 1; i >= 0 && len(dropped) > 0; i-- {
		if l := f.lines[i]; !l.ok && l.text == dropped[len(dropped)-1] {
			f.lines = append(f.lines[:i], f.lines[i+1:]...)
			dropped = dropped[:len(dropped)-1]
		}
	}
	if len(f.lines) > 0 {
		f.latest = f.lines[len(f.lines)-1]
	}
}

// setup marks the start of a setup, whose refusals settled drops.
func (f *feed) setup() { f.setupBad = f.bad }

// amend adds more to the newest line (what its scan also did).
func (f *feed) amend(more string) {
	if len(f.lines) == 0 {
		return
	}
	f.latest.text += more
	f.lines[len(f.lines)-1] = f.latest
}

func (f *feed) push(l feedLine) {
	f.latest = l
	f.lines = append(f.lines, l)
	if len(f.lines) > feedKeep {
		f.lines = f.lines[len(f.lines)-feedKeep:]
	}
}

// view renders the newest lines (newest last) in height rows, with up to
// three recent refusals kept at the bottom.
func (f *feed) view(s *Styles, width, height int) string {
	if height <= 0 {
		return ""
	}
	var out []string
	errRows := 0
	if len(f.errs) > 0 && height >= 6 {
		errRows = min(3, len(f.errs)) + 1
	}
	logRows := height - errRows
	// The newest line, a refusal or a warning, wraps (up to three rows):
	// its end is often the reason, or what to do.
	var newest []string
	if n := len(f.lines); n > 0 && (!f.lines[n-1].ok || f.lines[n-1].warn) && logRows >= 2 {
		mark, style := "✗ ", s.Err
		if f.lines[n-1].warn {
			mark, style = "! ", s.Warn
		}
		newest = hanging(style, mark, f.lines[n-1].text, width)
		newest = newest[:min(len(newest), 3, logRows)]
	}
	rows := 1
	if len(newest) > 1 {
		rows = len(newest)
	}
	start := max(0, len(f.lines)-(logRows-rows+1))
	for i, l := range f.lines[start:] {
		if start+i == len(f.lines)-1 && len(newest) > 1 {
			out = append(out, newest...)
			continue
		}
		switch {
		case l.warn:
			out = append(out, s.Warn.Render("! "+truncate(l.text, width-2)))
		case l.ok:
			out = append(out, s.OK.Render("✓ ")+truncate(l.text, width-2))
		default:
			out = append(out, s.Err.Render("✗ "+truncate(l.text, width-2)))
		}
	}
	for len(out) < logRows {
		out = append(out, "")
	}
	if errRows > 0 {
		head := fmt.Sprintf("Refused (%d):", f.bad)
		if earlier := f.errs[:len(f.errs)-(errRows-1)]; len(earlier) > 0 {
			// Those above the last three stay named, newest first, by
			// their codes: a clerk scanning on sees what to set aside.
			codes := make([]string, 0, len(earlier))
			other := 0 // (refusals that name no code: a setup's)
			for i := len(earlier) - 1; i >= 0; i-- {
				code, _, found := strings.Cut(earlier[i], ": ")
				if !found || strings.ContainsAny(code, " \"") {
					other++
					continue
				}
				codes = append(codes, code)
			}
			if other > 0 {
				codes = append(codes, fmt.Sprintf("(+%d other)", other))
			}
			head = fmt.Sprintf("Refused (%d), before the last %d: %s", f.bad, errRows-1, strings.Join(codes, " "))
		}
		out = append(out, s.Err.Render(truncate(head, width)))
		for _, e := range f.errs[len(f.errs)-(errRows-1):] {
			out = append(out, s.Err.Render("  "+truncate(e, width-2)))
		}
	}
	return strings.Join(out, "\n")
}
