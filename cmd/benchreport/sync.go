package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

func syncSection() section {
	return section{name: "sync", title: "sync over loopback (issue 5)", run: runSync}
}

// runSync runs the sync package's Go benchmarks (a real HTTP server on
// 127.0.0.1) with 100,000 events and reads their reported metrics.
func runSync(e *env) ([]row, error) {
	cmd := exec.CommandContext(e.ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkSync(SQLite|Postgres|50Devices)$", "-benchtime", "1x", "-timeout", "60m", "./sync")
	cmd.Env = append(os.Environ(), "TAGDESK_BENCH_EVENTS=100000")
	cmd.Stderr = e.log
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench ./sync: %w: %s", err, lastLine(string(out)))
	}
	metrics := map[string]map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkSync") {
			continue
		}
		name := strings.TrimPrefix(strings.SplitN(f[0], "-", 2)[0], "Benchmark")
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				m[f[i+1]] = v
			}
		}
		metrics[name] = m
	}
	var rows []row
	for _, b := range []struct {
		name, label string
		target      float64
	}{{"SyncSQLite", "SQLite", 10_000}, {"SyncPostgres", "PostgreSQL", 5_000}} {
		m, ok := metrics[b.name]
		if !ok {
			rows = append(rows, unavailable("push and apply 100k events, "+b.label, fmt.Sprintf("≥ %s events/s", num(b.target)), "benchmark skipped (PostgreSQL: set TAGDESK_TEST_POSTGRES)"))
			continue
		}
		r := atLeast("push and apply 100k events, "+b.label, m["push_events/s"], b.target, "events/s")
		r.Ratio = fmt.Sprintf("%.3fx raw insert", m["push_ratio_to_raw"])
		r.Note = fmt.Sprintf("raw insert of the same rows: %s rows/s", num(m["raw_insert_rows/s"]))
		rows = append(rows, r)
		p := atLeast("pull and apply 100k events, "+b.label, m["pull_events/s"], 20_000, "events/s")
		p.Ratio = fmt.Sprintf("%.3fx raw insert", m["pull_ratio_to_raw"])
		rows = append(rows, p)
	}
	if m, ok := metrics["Sync50Devices"]; ok {
		r := atMost("50 devices at once, p99 per 200-event push", m["p99_ms/push"], 500, "ms")
		r.Note = fmt.Sprintf("p50 %s ms, %s failed pushes", num(m["p50_ms/push"]), num(m["failed_pushes"]))
		if m["failed_pushes"] > 0 {
			r.Verdict = "MISS"
		}
		rows = append(rows, r)
	}
	return rows, nil
}
