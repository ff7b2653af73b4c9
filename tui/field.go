package tui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// field is a one-line text input with a static cursor. It has no timers,
// so screens stay deterministic under test, and it never sees scanner
// bursts: the root turns those into scanMsg first.
type field struct {
	prompt      string
	placeholder string
	value       []rune
	pos         int
	focused     bool
	limit       int
}

func newField(prompt, placeholder string) field {
	return field{prompt: prompt, placeholder: placeholder, limit: 256}
}

func (f *field) Value() string { return string(f.value) }

func (f *field) SetValue(s string) {
	f.value = []rune(s)
	if f.limit > 0 && len(f.value) > f.limit {
		f.value = f.value[:f.limit]
	}
	f.pos = len(f.value)
}

func (f *field) Reset()        { f.value, f.pos = nil, 0 }
func (f *field) Focus()        { f.focused = true }
func (f *field) Blur()         { f.focused = false }
func (f *field) Focused() bool { return f.focused }

// Update edits the value; it reports whether the value changed.
func (f *field) Update(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !f.focused {
		return false
	}
	before := string(f.value)
	switch k.String() {
	case "backspace", "ctrl+h":
		if f.pos > 0 {
			f.value = append(f.value[:f.pos-1], f.value[f.pos:]...)
			f.pos--
		}
	case "delete", "ctrl+d":
		if f.pos < len(f.value) {
			f.value = append(f.value[:f.pos], f.value[f.pos+1:]...)
		}
	case "left", "ctrl+b":
		f.pos = max(0, f.pos-1)
	case "right", "ctrl+f":
		f.pos = min(len(f.value), f.pos+1)
	case "home", "ctrl+a":
		f.pos = 0
	case "end", "ctrl+e":
		f.pos = len(f.value)
	case "ctrl+u":
		f.value = f.value[f.pos:]
		f.pos = 0
	case "ctrl+k":
		f.value = f.value[:f.pos]
	case "ctrl+w", "alt+backspace":
		i := f.pos
		for i > 0 && unicode.IsSpace(f.value[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(f.value[i-1]) {
			i--
		}
		f.value = append(f.value[:i], f.value[f.pos:]...)
		f.pos = i
	default:
		if printable(k) {
			f.insert(k.Text)
		}
	}
	return string(f.value) != before
}

func (f *field) insert(s string) {
	rs := []rune(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
	if f.limit > 0 && len(f.value)+len(rs) > f.limit {
		rs = rs[:max(0, f.limit-len(f.value))]
	}
	v := make([]rune, 0, len(f.value)+len(rs))
	v = append(v, f.value[:f.pos]...)
	v = append(v, rs...)
	v = append(v, f.value[f.pos:]...)
	f.value = v
	f.pos += len(rs)
}

// View renders the field in width cells.
func (f *field) View(s *Styles, width int) string {
	if lipgloss.Width(f.prompt) > width-minFieldRoom && width > minFieldRoom {
		// A prompt too long to leave room for what is typed (a check-in's,
		// at 80 columns) goes on lines of its own, the field under it.
		style := s.Dim
		if f.focused {
			style = s.Prompt
		}
		short := *f
		short.prompt = "› "
		return para(style, strings.TrimSpace(f.prompt), width) + "\n" + short.View(s, width)
	}
	prompt := s.Dim.Render(f.prompt)
	if f.focused {
		prompt = s.Prompt.Render(f.prompt)
	}
	room := width - lipgloss.Width(f.prompt) - 1
	if room < 4 {
		room = 4
	}
	if len(f.value) == 0 {
		ph := s.Dim.Render(truncate(f.placeholder, room))
		if f.focused {
			return prompt + s.Selected.Render(" ") + ph
		}
		return prompt + ph
	}
	// Scroll so that the cursor stays visible, by screen cells (a wide
	// character takes two: counted by characters, the cursor ran off).
	cellOf := func(r rune) int { return max(1, lipgloss.Width(string(r))) }
	used := 1 // the cursor's cell, at the end
	if f.pos < len(f.value) {
		used = cellOf(f.value[f.pos])
	}
	start := f.pos
	for start > 0 && used+cellOf(f.value[start-1]) <= room {
		start--
		used += cellOf(f.value[start])
	}
	end := f.pos
	if end < len(f.value) {
		end++ // (the cursor's character, counted above)
	}
	for end < len(f.value) && used+cellOf(f.value[end]) <= room {
		used += cellOf(f.value[end])
		end++
	}
	before := shown(f.value[start:f.pos])
	if !f.focused {
		return prompt + shown(f.value[start:end])
	}
	cur, after := " ", ""
	if f.pos < end {
		cur = shown(f.value[f.pos : f.pos+1])
		after = shown(f.value[f.pos+1 : end])
	}
	return prompt + before + s.Selected.Render(cur) + after
}

// shown is a field's text as its one line shows it: a line break as ⏎, a
// tab as a space (a note of several lines, edited, spilled its lines over
// the screen), each still one character of the value.
func shown(rs []rune) string {
	out := make([]rune, len(rs))
	for i, r := range rs {
		switch {
		case r == '\r' && i+1 < len(rs) && rs[i+1] == '\n':
			out[i] = ' ' // (a Windows line break: one ⏎, its line feed's)
		case r == '\n' || r == '\r':
			out[i] = '⏎'
		case r == '\t':
			out[i] = ' '
		default:
			out[i] = r
		}
	}
	return string(out)
}

// minFieldRoom is the least room a field leaves for what is typed beside
// its prompt; a longer prompt goes above it.
const minFieldRoom = 24

// lineWith returns the scanned code, clearing the field: with the field's
// text before it when the scan's first keys went there as typing a moment
// before (scanMsg.joins); otherwise what a person had half typed is
// dropped, not glued to the scan.
func lineWith(f *field, msg scanMsg) string {
	v := f.Value()
	f.Reset()
	if msg.joins {
		return v + msg.code
	}
	return msg.code
}

// joinedScan returns the whole code of a scan whose first part, cut off by
// a scanner's pause, went to f as a burst a moment before (scanMsg.lead),
// taking that part out of the field; likewise a scan whose whole code went
// there before its late Enter (scanMsg.late), taken out as check-out's due
// field does; otherwise the scan alone, the field left as it is (what a
// person typed there stays theirs).
func joinedScan(f *field, msg scanMsg) string {
	v := f.Value()
	if msg.joins && msg.lead != "" && strings.HasSuffix(v, msg.lead) {
		f.SetValue(strings.TrimSuffix(v, msg.lead))
		return msg.lead + msg.code
	}
	if msg.late && strings.HasSuffix(v, msg.code) {
		f.SetValue(strings.TrimSuffix(v, msg.code))
	}
	return msg.code
}
