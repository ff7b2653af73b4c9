package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// kpiStore computes the dashboard figures; *store.DB has it. On a 1M-asset
// register it takes a few hundred milliseconds, so Home asks for it in its
// own command after the first paint and never waits for it.
type kpiStore interface {
	KPIs(ctx context.Context) (store.KPIs, error)
	LogMark(ctx context.Context) (int64, error)
}

var _ kpiStore = (*store.DB)(nil)

type kpisLoadedMsg struct {
	to
	kpis store.KPIs
	at   time.Time
	err  error
}

// kpiTimeout bounds the dashboard query: on a big register under load it
// takes far longer than the usual store call, and nothing waits for it.
const kpiTimeout = 2 * time.Minute

// kpiMaxAge is how long figures are reused when Home comes back to the top
// while the log has not moved (no change here, none pulled); ctrl+r always
// recomputes.
const kpiMaxAge = time.Minute

// loadKPIs reads the dashboard figures in a command; nil when the store has
// none or when a computation is already running. Unless force, recent
// figures are kept when the event log has not moved since they were read
// (the figures beside them, counts by status, are always read again: a
// stocktake just finished must not show beside "no stocktake yet").
func (h *homeScreen) loadKPIs(force bool) tea.Cmd {
	db, ok := h.c.db.(kpiStore)
	if !ok || h.kpiBusy {
		return nil
	}
	now := h.c.clock.Now()
	var keep *store.KPIs
	keepAt := h.kpiAt
	if !force && h.kpis != nil && now.Sub(h.kpiAt) < kpiMaxAge {
		keep = h.kpis
	}
	id, parent := h.id, h.c.ctx
	h.kpiBusy = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, max(h.c.timeout, kpiTimeout))
		defer cancel()
		if keep != nil {
			if mark, err := db.LogMark(ctx); err == nil && mark == keep.LogMark {
				return kpisLoadedMsg{to: to{id}, kpis: *keep, at: keepAt}
			}
		}
		k, err := db.KPIs(ctx)
		return kpisLoadedMsg{to: to{id}, kpis: k, at: now, err: err}
	}
}

// percent formats a share as 97.5%.
func percent(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

// bar is a horizontal bar of n out of most in width cells (at least one
// cell for any n > 0).
func bar(n, most, width int) string {
	if n <= 0 || most <= 0 || width <= 0 {
		return ""
	}
	cells := n * width / most
	if cells < 1 {
		cells = 1
	}
	return strings.Repeat("█", min(cells, width))
}

// kpiLines is the dashboard's figures in width cells: two lines at 80
// columns, one per figure when there is room.
func (h *homeScreen) kpiLines(width int) []string {
	s := h.c.styles
	head := s.Section.Render("Dashboard")
	if h.kpis == nil {
		switch {
		case h.kpiErr != "":
			return []string{head, s.Err.Render(truncate("  "+h.kpiErr, width))}
		case h.kpiBusy:
			return []string{head, s.Dim.Render("  computing the figures…")}
		}
		return nil
	}
	k := h.kpis
	acc := "no stocktake yet"
	switch {
	case k.StocktakeLocations > 0 && k.Expected() == 0:
		// Nothing was expected: no figure, as the CLI says, not 0.0%.
		acc = fmt.Sprintf("— (%d location(s), nothing expected)", k.StocktakeLocations)
	case k.StocktakeLocations > 0:
		acc = fmt.Sprintf("%s (%d location(s))", percent(k.InventoryAccuracy), k.StocktakeLocations)
	}
	owner := "—"
	if k.Deployed > 0 {
		owner = percent(k.OwnerShare)
	}
	items := []struct{ label, value string }{
		{"inventory accuracy", acc},
		{"deployed with an owner", owner},
		{"overdue returns", commas(k.OverdueReturns)},
		{"warranties ending ≤90d", commas(k.WarrantyEnding90)},
		{"end of life ≤90d", commas(k.EOL90)},
		{"audit due (or never audited)", commas(k.NotAudited)},
	}
	cell := func(i int) string {
		return s.Label.Render(items[i].label+" ") + s.Count.Render(items[i].value)
	}
	if width >= 100 {
		// Three columns of two.
		colW := (width - 2) / 3
		var out []string
		for r := 0; r < 2; r++ {
			var line string
			for c := 0; c < 3; c++ {
				it := cell(c*2 + r)
				line += it + strings.Repeat(" ", max(1, colW-cellWidth(it)))
			}
			out = append(out, "  "+strings.TrimRight(line, " "))
		}
		return append([]string{head}, out...)
	}
	// Two compact lines.
	l1 := fmt.Sprintf("  accuracy %s · owner share %s · overdue %s", acc, owner, commas(k.OverdueReturns))
	l2 := fmt.Sprintf("  warranty ≤90d %s · EOL ≤90d %s · audit due %s", commas(k.WarrantyEnding90), commas(k.EOL90), commas(k.NotAudited))
	return []string{head, truncate(l1, width), truncate(l2, width)}
}

// siteChart is assets by site as bars, at most rows lines (heading
// included); nil when nothing fits or nothing is known yet.
func (h *homeScreen) siteChart(width, rows int) []string {
	if h.kpis == nil || len(h.kpis.BySite) == 0 || rows < 2 || width < 30 {
		return nil
	}
	s := h.c.styles
	sites := h.kpis.BySite
	most := 0
	for _, c := range sites {
		most = max(most, c.Count)
	}
	out := []string{s.Section.Render("Assets by site")}
	show := min(len(sites), rows-1)
	if show < len(sites) {
		show = max(1, rows-2)
	}
	labelW := min(16, width/4)
	barW := min(40, width-labelW-2-1-9-1)
	for _, c := range sites[:show] {
		out = append(out, fmt.Sprintf("  %s %9s %s", column(c.Key, labelW), commas(c.Count), s.Count.Render(bar(c.Count, most, barW))))
	}
	if show < len(sites) {
		rest := 0
		for _, c := range sites[show:] {
			rest += c.Count
		}
		out = append(out, s.Dim.Render(fmt.Sprintf("  … %d more site(s), %s asset(s)", len(sites)-show, commas(rest))))
	}
	return out
}

// wrapEntries lays out Home's workflow keys in lines of at most width cells.
func wrapEntries(entries []string, width int) []string {
	var out []string
	line := " "
	for _, e := range entries {
		if line != " " && cellWidth(line)+3+cellWidth(e) > width {
			out = append(out, line)
			line = " "
		}
		if line == " " {
			line += " " + e
		} else {
			line += "   " + e
		}
	}
	return append(out, line)
}
