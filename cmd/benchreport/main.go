// Command benchreport is `make bench`: it measures the performance figures
// the issues set targets for and prints each beside its target.
//
// Each issue's figures are one section, in a file of their own (store.go
// for the asset register, ...), listed in sections(). A section gets an env
// with the shared data (the demo database, built once and reused) and
// returns rows.
//
//	go run ./cmd/benchreport [--only store,labels] [--assets N] [--fresh] [--markdown]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// section is one issue's figures.
type section struct {
	name  string // for --only
	title string
	run   func(e *env) ([]row, error)
}

// sections lists every section, in the order they are printed. Add yours here.
func sections() []section {
	return []section{
		storeSection(),
		tuiSection(),    // tui.go: the terminal UI (issue 3)
		labelsSection(), // labels.go: labels (issue 4)
		syncSection(),   // sync.go: sync over loopback (issue 5)
		auditSection(),  // audit.go: stocktake and KPIs (issue 6)
	}
}

// row is one figure.
type row struct {
	Figure   string `json:"figure"`
	Measured string `json:"measured"`
	Target   string `json:"target"`
	Verdict  string `json:"verdict"` // ok, MISS, n/a
	Ratio    string `json:"ratio,omitempty"`
	Note     string `json:"note,omitempty"`
}

// env is what a section gets.
type env struct {
	ctx    context.Context
	dir    string // ./benchdata
	assets int    // the demo size (1,000,000 for the real figures)
	fresh  bool   // rebuild cached data
	bin    string // bin/tagdesk
	log    io.Writer

	demo      *demoInfo
	demoErr   error
	demoTried bool
}

// demoInfo describes the shared demo database.
type demoInfo struct {
	Path         string  `json:"path"`
	Assets       int     `json:"assets"`
	Seed         int64   `json:"seed"`
	Version      int     `json:"demo_version"`
	BuildSeconds float64 `json:"build_seconds"`
	BuildCPU     float64 `json:"build_cpu_seconds"` // user + system
	BuildLoad    string  `json:"build_load"`        // load average before the build
	BuiltAt      string  `json:"built_at"`
	Reused       bool    `json:"-"`
}

const demoSeed = 1

func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.log, "benchreport: "+format+"\n", args...)
}

// demoDB returns the shared demo database of e.assets assets: the one a
// previous run built if it is of this version and size (unless --fresh),
// else a new one built by `bin/tagdesk demo`, timed.
func (e *env) demoDB() (*demoInfo, error) {
	if e.demoTried {
		return e.demo, e.demoErr
	}
	e.demoTried = true
	e.demo, e.demoErr = e.buildDemo()
	return e.demo, e.demoErr
}

func (e *env) buildDemo() (*demoInfo, error) {
	path := filepath.Join(e.dir, fmt.Sprintf("demo-%d.db", e.assets))
	meta := path + ".json"
	if !e.fresh {
		if b, err := os.ReadFile(meta); err == nil {
			var d demoInfo
			if json.Unmarshal(b, &d) == nil && d.Version == store.DemoVersion && d.Assets == e.assets && d.Seed == demoSeed {
				if _, err := os.Stat(path); err == nil {
					d.Path, d.Reused = path, true
					e.logf("reusing %s (built %s in %.1fs; --fresh rebuilds)", path, d.BuiltAt, d.BuildSeconds)
					return &d, nil
				}
			}
		}
	}
	os.Remove(meta)
	e.logf("building %s with %d assets (bin/tagdesk demo)", path, e.assets)
	cmd := exec.CommandContext(e.ctx, e.bin, "demo", "--assets", fmt.Sprint(e.assets), "--seed", fmt.Sprint(demoSeed), "--out", path, "--force")
	cmd.Stdout, cmd.Stderr = e.log, e.log
	load := loadAverage()
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("build demo: %w", err)
	}
	d := demoInfo{Path: path, Assets: e.assets, Seed: demoSeed, Version: store.DemoVersion,
		BuildSeconds: time.Since(start).Seconds(), BuildCPU: cpuSeconds(cmd.ProcessState), BuildLoad: load,
		BuiltAt: time.Now().UTC().Format(time.RFC3339)}
	b, _ := json.MarshalIndent(d, "", "  ")
	if err := os.WriteFile(meta, b, 0o644); err != nil {
		return nil, fmt.Errorf("record demo: %w", err)
	}
	return &d, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchreport: %s\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "comma-separated sections to run (default: all)")
	assets := fs.Int("assets", 1_000_000, "demo database size; the targets are set at 1,000,000")
	fresh := fs.Bool("fresh", false, "rebuild the cached benchmark data")
	dir := fs.String("dir", "benchdata", "where the benchmark data lives")
	bin := fs.String("bin", filepath.Join("bin", "tagdesk"), "the tagdesk binary (make build)")
	markdown := fs.Bool("markdown", false, "print the table as Markdown (for BENCHMARKS.md)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *assets < 1000 || *assets > store.MaxDemoAssets {
		return fmt.Errorf("--assets must be between 1000 and %d", store.MaxDemoAssets)
	}
	all := sections()
	var chosen []section
	if *only == "" {
		chosen = all
	} else {
		for _, name := range strings.Split(*only, ",") {
			name = strings.TrimSpace(name)
			i := slices.IndexFunc(all, func(s section) bool { return s.name == name })
			if i < 0 {
				var names []string
				for _, s := range all {
					names = append(names, s.name)
				}
				return fmt.Errorf("unknown section %q (have %s)", name, strings.Join(names, ", "))
			}
			chosen = append(chosen, all[i])
		}
	}
	if _, err := os.Stat(*bin); err != nil {
		return fmt.Errorf("%s not found: run 'make build' first", *bin)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", *dir, err)
	}
	e := &env{ctx: ctx, dir: *dir, assets: *assets, fresh: *fresh, bin: *bin, log: stderr}
	m := machine()
	type result struct {
		s    section
		rows []row
		err  error
	}
	var results []result
	for _, s := range chosen {
		e.logf("section %s: %s", s.name, s.title)
		rows, err := s.run(e)
		results = append(results, result{s, rows, err})
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	if *markdown {
		fmt.Fprintf(w, "Machine: %s\n\nDate: %s; demo database: %d assets\n\n", m, time.Now().UTC().Format("2006-01-02 15:04 MST"), *assets)
	} else {
		fmt.Fprintf(w, "machine: %s\ndate:    %s\nassets:  %d in the demo database\n", m, time.Now().UTC().Format(time.RFC3339), *assets)
	}
	misses := 0
	for _, r := range results {
		rows := r.rows
		if r.err != nil {
			rows = append(rows, row{Figure: r.s.title, Measured: "error", Verdict: "n/a", Note: r.err.Error()})
		}
		for _, x := range rows {
			if x.Verdict == "MISS" {
				misses++
			}
		}
		printTable(w, r.s.title, rows, *markdown)
	}
	if misses > 0 {
		fmt.Fprintf(w, "\n%d figure(s) miss their target.\n", misses)
	}
	return nil
}

// machine describes where the figures were measured.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	load := ""
	if l := loadAverage(); l != "" {
		load = ", load average " + l + " at start"
	}
	return fmt.Sprintf("%s, %d cores, %s %s/%s%s", cpu, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, load)
}

// loadAverage is the 1, 5 and 15 minute load average: the figures are only
// as good as the machine is quiet.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// cpuSeconds is the user + system time a finished child used.
func cpuSeconds(ps *os.ProcessState) float64 {
	if ps == nil {
		return 0
	}
	return (ps.UserTime() + ps.SystemTime()).Seconds()
}

func printTable(w io.Writer, title string, rows []row, markdown bool) {
	hasRatio := slices.ContainsFunc(rows, func(r row) bool { return r.Ratio != "" })
	head := []string{"figure", "measured", "target", "verdict"}
	if hasRatio {
		head = append(head, "ratio")
	}
	head = append(head, "note")
	cells := [][]string{}
	for _, r := range rows {
		c := []string{r.Figure, r.Measured, r.Target, r.Verdict}
		if hasRatio {
			c = append(c, r.Ratio)
		}
		cells = append(cells, append(c, strings.Join(strings.Fields(r.Note), " ")))
	}
	if markdown {
		fmt.Fprintf(w, "\n### %s\n\n| %s |\n|%s\n", title, strings.Join(head, " | "), strings.Repeat("---|", len(head)))
		for _, c := range cells {
			for i := range c {
				c[i] = strings.ReplaceAll(c[i], "|", `\|`)
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(c, " | "))
		}
		return
	}
	widths := make([]int, len(head))
	for i, h := range head {
		widths[i] = len(h)
	}
	for _, c := range cells {
		for i, v := range c[:len(c)-1] { // the note is not padded
			widths[i] = max(widths[i], len([]rune(v)))
		}
	}
	fmt.Fprintf(w, "\n== %s\n", title)
	line := func(c []string) {
		var b strings.Builder
		for i, v := range c {
			if i == len(c)-1 {
				b.WriteString(v)
				break
			}
			b.WriteString(v + strings.Repeat(" ", widths[i]-len([]rune(v))+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(head)
	for _, c := range cells {
		line(c)
	}
}

// ---- helpers for sections ----

// atMost builds a row for a figure that must not exceed target.
func atMost(figure string, got, target float64, unit string) row {
	return verdictRow(figure, got, target, unit, got <= target, "≤ ")
}

// atLeast builds a row for a figure that must reach target.
func atLeast(figure string, got, target float64, unit string) row {
	return verdictRow(figure, got, target, unit, got >= target, "≥ ")
}

func verdictRow(figure string, got, target float64, unit string, ok bool, op string) row {
	v := "ok"
	if !ok {
		v = "MISS"
	}
	return row{Figure: figure, Measured: num(got) + " " + unit, Target: op + num(target) + " " + unit, Verdict: v}
}

func unavailable(figure, target, why string) row {
	return row{Figure: figure, Measured: "not available", Target: target, Verdict: "n/a", Note: why}
}

func num(f float64) string {
	switch {
	case f == 0:
		return "0"
	case math.Abs(f) >= 100:
		return fmt.Sprintf("%.0f", f)
	case math.Abs(f) >= 10:
		return fmt.Sprintf("%.1f", f)
	case math.Abs(f) >= 1:
		return fmt.Sprintf("%.2f", f)
	}
	return fmt.Sprintf("%.3f", f)
}

// percentile returns the p-th percentile (0-100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runTimed runs a command and returns its wall time, max RSS (kB; -1 where
// the system does not report it: maxRSS) and stderr; cpuUsed, when not nil,
// gets its user + system seconds.
func runTimed(ctx context.Context, stdout io.Writer, cpuUsed *float64, name string, args ...string) (time.Duration, int64, string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout = stdout
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	rss := int64(-1)
	if cpuUsed != nil {
		*cpuUsed = cpuSeconds(cmd.ProcessState)
	}
	if cmd.ProcessState != nil {
		if kb, ok := maxRSS(cmd.ProcessState); ok {
			rss = kb
		}
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return took, rss, stderr.String(), fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(lastLine(stderr.String())))
		}
		return took, rss, stderr.String(), err
	}
	return took, rss, stderr.String(), nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}
