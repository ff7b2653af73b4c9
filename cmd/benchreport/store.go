package main

// The asset register's figures (issue 2), on the demo database.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tagdesk/tagdesk/store"
	"modernc.org/sqlite"
)

func storeSection() section {
	return section{name: "store", title: "asset register (issue 2)", run: runStore}
}

func runStore(e *env) ([]row, error) {
	var rows []row
	d, err := e.demoDB()
	if err != nil {
		return []row{{Figure: "build the demo database", Measured: "failed", Verdict: "MISS", Note: err.Error()}}, nil
	}
	r := atMost(fmt.Sprintf("build a %s-asset demo (tagdesk demo)", count(e.assets)), d.BuildSeconds, 60, "s")
	var notes []string
	if d.BuildCPU > 0 {
		notes = append(notes, fmt.Sprintf("cpu %.0fs (user+sys), load %s before", d.BuildCPU, d.BuildLoad))
	}
	if d.Reused {
		notes = append(notes, "measured when it was built, "+d.BuiltAt+" (--fresh rebuilds)")
	}
	r.Note = strings.Join(notes, "; ")
	rows = append(rows, r)
	rows = append(rows, benchImport(e)...)

	db, err := store.Open(e.ctx, d.Path, store.Options{Operator: "bench"})
	if err != nil {
		return rows, err
	}
	defer db.Close()
	sample, err := sampleAssets(e.ctx, d.Path, 2000)
	if err != nil {
		return rows, err
	}
	rows = append(rows, benchResolve(e, db, sample)...)
	rows = append(rows, benchSearch(e, db, sample)...)
	rows = append(rows, benchList(e, d.Path)...)
	db.Close()
	rows = append(rows, benchCheckOut(e, d.Path)...)
	return rows, nil
}

func count(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

type sampled struct {
	tags, serials []string
	surnames      []string
}

// sampleAssets reads random existing tags and serials, and some surnames.
func sampleAssets(ctx context.Context, path string, n int) (sampled, error) {
	var s sampled
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return s, fmt.Errorf("sample: %w", err)
	}
	defer db.Close()
	var maxID int64
	if err := db.QueryRowContext(ctx, `SELECT max(id) FROM assets`).Scan(&maxID); err != nil {
		return s, fmt.Errorf("sample: %w", err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for len(s.tags) < n {
		var tag string
		var serial sql.NullString
		err := db.QueryRowContext(ctx, `SELECT tag, serial FROM assets WHERE id >= ? ORDER BY id LIMIT 1`, 1+rng.Int64N(maxID)).Scan(&tag, &serial)
		if err != nil {
			return s, fmt.Errorf("sample: %w", err)
		}
		s.tags = append(s.tags, tag)
		if serial.Valid && serial.String != "" {
			s.serials = append(s.serials, serial.String)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM people WHERE id % 97 = 0 LIMIT 50`)
	if err != nil {
		return s, fmt.Errorf("sample: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return s, fmt.Errorf("sample: %w", err)
		}
		f := strings.Fields(name)
		s.surnames = append(s.surnames, f[len(f)-1])
	}
	return s, rows.Err()
}

// benchResolve: a scan (tag or serial) resolved in-process, p99 ≤ 0.5 ms.
func benchResolve(e *env, db *store.DB, s sampled) []row {
	codes := append(append([]string{}, s.tags...), s.serials...)
	rng := rand.New(rand.NewPCG(3, 5))
	rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	// A desk that has been scanning has its database in the OS page cache;
	// a figure taken with the file half on disk measures the disk. Read the
	// file once, as a desk's first minutes (or any backup) would.
	warmed := "the database file read once before timing (OS page cache)"
	if err := readThrough(db.Path()); err != nil {
		warmed = "file not pre-read: " + err.Error()
	}
	// Nor is a desk writing back gigabytes it has just written: a demo
	// built a moment ago by this run is flushed first (as the check-out
	// bench syncs its copy), so that the kernel's writeback does not share
	// the cores with the scans being timed.
	syncDisks()
	for _, c := range codes[:min(200, len(codes))] { // warm up
		db.Resolve(e.ctx, c)
	}
	var took []time.Duration
	for _, c := range codes {
		start := time.Now()
		r, err := db.Resolve(e.ctx, c)
		took = append(took, time.Since(start))
		if err != nil || r.Asset == nil {
			return []row{{Figure: "resolve a scan", Measured: "failed", Verdict: "MISS", Note: fmt.Sprintf("%q: %v", c, err)}}
		}
	}
	r := atMost(fmt.Sprintf("resolve a scan, p99 (%d tags and serials)", len(codes)), ms(percentile(took, 99)), 0.5, "ms")
	r.Note = fmt.Sprintf("p50 %s ms; %s", num(ms(percentile(took, 50))), warmed)
	return []row{r}
}

// readThrough reads a file from start to end, leaving it in the page cache.
func readThrough(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

// benchSearch: first page (50) of typical searches, p95 ≤ 20 ms.
func benchSearch(e *env, db *store.DB, s sampled) []row {
	type q struct{ kind, text string }
	var qs []q
	for i := 0; i < 10 && i < len(s.tags); i++ {
		t := s.tags[i]
		qs = append(qs, q{"tag fragment", t[len(t)-5:]})
	}
	for i := 0; i < 10 && i < len(s.surnames); i++ {
		qs = append(qs, q{"surname", s.surnames[i]})
	}
	// Model names as people type them. Words under three characters ("X1")
	// only match tags, serials and names (trigram search), so none here.
	for _, m := range []string{"Latitude 5440", "ThinkPad T14", "iPhone 15", "Catalyst 9200", "ProLiant DL380", "U2723QE"} {
		qs = append(qs, q{"model name", m})
	}
	for _, c := range []string{"Dell", "Dublin", "TD-0", "Apple", "Lenovo"} {
		qs = append(qs, q{"common fragment", c})
	}
	byKind := map[string][]time.Duration{}
	var all []time.Duration
	var kinds []string
	slowest, slowestText := time.Duration(0), ""
	for round := 0; round < 5; round++ {
		for _, x := range qs {
			start := time.Now()
			res, err := db.SearchAssets(e.ctx, store.AssetFilter{Query: x.text, Limit: 50})
			d := time.Since(start)
			if err != nil {
				return []row{{Figure: "search, first page", Measured: "failed", Verdict: "MISS", Note: fmt.Sprintf("%q: %v", x.text, err)}}
			}
			if round == 0 {
				if _, ok := byKind[x.kind]; !ok {
					kinds = append(kinds, x.kind)
				}
				if len(res) == 0 && x.kind != "surname" {
					e.logf("search %q found nothing", x.text)
				}
			}
			byKind[x.kind] = append(byKind[x.kind], d)
			all = append(all, d)
			if d > slowest {
				slowest, slowestText = d, x.text
			}
		}
	}
	var rows []row
	r := atMost("search, first page of 50, p95 (all queries)", ms(percentile(all, 95)), 20, "ms")
	r.Note = fmt.Sprintf("%d searches; slowest %s ms (%q)", len(all), num(ms(slowest)), slowestText)
	rows = append(rows, r)
	for _, k := range kinds {
		r := atMost("  search p95: "+k, ms(percentile(byKind[k], 95)), 20, "ms")
		r.Note = fmt.Sprintf("p50 %s ms", num(ms(percentile(byKind[k], 50))))
		rows = append(rows, r)
	}
	return rows
}

// benchList: `tagdesk asset list --json` over every asset, RSS ≤ 100 MB.
func benchList(e *env, path string) []row {
	var cpu float64
	took, rss, _, err := runTimed(e.ctx, io.Discard, &cpu, e.bin, "--db", path, "asset", "list", "--json")
	fig := fmt.Sprintf("asset list --json over %s assets, max RSS", count(e.assets))
	if err != nil {
		return []row{{Figure: fig, Measured: "failed", Verdict: "MISS", Note: err.Error()}}
	}
	if rss < 0 {
		r := unavailable(fig, "≤ 100 MB", "peak memory is not measured on this system")
		r.Note += fmt.Sprintf("; took %.1fs (cpu %.1fs)", took.Seconds(), cpu)
		return []row{r}
	}
	r := atMost(fig, float64(rss)/1024, 100, "MB")
	r.Note = fmt.Sprintf("took %.1fs (cpu %.1fs)", took.Seconds(), cpu)
	return []row{r}
}

// benchCheckOut: durable check-outs with their events on a copy of the demo
// database, beside a bare one-row durable commit on the same disk.
func benchCheckOut(e *env, demoPath string) []row {
	const fig = "durable check-out with its event"
	work := filepath.Join(e.dir, "checkout-work.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(work + suffix)
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(work + suffix)
		}
	}()
	if err := copyFile(demoPath, work); err != nil {
		return []row{unavailable(fig, "p99 ≤ 2 ms", err.Error())}
	}
	// A desk's scans come in a session (the terminal UI), which prepares
	// the WAL when it opens the desk.
	db, err := store.Open(e.ctx, work, store.Options{Operator: "bench", Session: true})
	if err != nil {
		return []row{unavailable(fig, "p99 ≤ 2 ms", err.Error())}
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	const seqN, concN, desks = 2000, 4000, 8
	tags, badges, err := checkoutWork(e.ctx, work, seqN+concN)
	if err != nil {
		return []row{unavailable(fig, "p99 ≤ 2 ms", err.Error())}
	}
	if len(tags) < seqN+concN {
		return []row{unavailable(fig, "p99 ≤ 2 ms", fmt.Sprintf("only %d assets in stock", len(tags)))}
	}
	// Latency: one scanner, each check-out waiting for the one before.
	var took []time.Duration
	for i, tag := range tags[:seqN] {
		t0 := time.Now()
		if _, err := db.CheckOut(e.ctx, tag, badges[i%len(badges)], ""); err != nil {
			return []row{{Figure: fig, Measured: "failed", Verdict: "MISS", Note: fmt.Sprintf("%s: %v", tag, err)}}
		}
		took = append(took, time.Since(t0))
	}
	// Throughput: check-outs arriving from several callers at once (the
	// commands of a burst of scans, several desks' scripts), each one its
	// own durable transaction with its event; the store commits the ones
	// that wait together (group commit).
	var mu sync.Mutex
	var conc []time.Duration
	var failed error
	var wg sync.WaitGroup
	rest := tags[seqN:]
	start := time.Now()
	for d := 0; d < desks; d++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := d; i < len(rest); i += desks {
				t0 := time.Now()
				_, err := db.CheckOut(e.ctx, rest[i], badges[i%len(badges)], "")
				mu.Lock()
				conc = append(conc, time.Since(t0))
				if err != nil && failed == nil {
					failed = fmt.Errorf("%s: %w", rest[i], err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	total := time.Since(start)
	if failed != nil {
		return []row{{Figure: fig, Measured: "failed", Verdict: "MISS", Note: failed.Error()}}
	}
	rate := float64(len(conc)) / total.Seconds()
	p99 := atMost(fmt.Sprintf("%s, p99 (%d, synchronous=FULL)", fig, len(took)), ms(percentile(took, 99)), 2, "ms")
	p99.Note = fmt.Sprintf("p50 %s ms; one caller", num(ms(percentile(took, 50))))
	sustained := atLeast(fig+", sustained", rate, 1000, "/s")
	sustained.Note = fmt.Sprintf("%d check-outs from %d callers at once, each durable; p99 %s ms", len(conc), desks, num(ms(percentile(conc, 99))))

	// The references run on a quiet disk: the check-outs' database closed
	// first, its checkpointer stopped (run beside it, a bare commit's p99
	// was 6.5 ms against 0.7 ms alone). The bare commit syncs as the
	// store's commits do (fdatasync, set by store.Open); the second
	// reference is SQLite's default, fsync, which also writes the file's
	// timestamps.
	closed = true
	if err := db.Close(); err != nil {
		return []row{{Figure: fig, Measured: "failed", Verdict: "MISS", Note: "close: " + err.Error()}}
	}
	bare, bareRate, err := bareCommits(e.ctx, filepath.Join(e.dir, "bare-commit.db"), len(took), true)
	var bareRow row
	if err != nil {
		bareRow = unavailable("bare one-row durable commit", "(reference)", err.Error())
	} else {
		bareRow = bareFigure(fmt.Sprintf("  bare one-row durable commit, p99 (%d, same disk, fdatasync)", len(bare)), bare, bareRate)
		p99.Ratio = fmt.Sprintf("%.1fx bare", ms(percentile(took, 99))/ms(percentile(bare, 99)))
		sustained.Ratio = fmt.Sprintf("%.2fx bare", rate/bareRate)
	}
	rows := []row{p99, sustained, bareRow}
	if withFsync, fsyncRate, err := bareCommits(e.ctx, filepath.Join(e.dir, "bare-commit.db"), len(took), false); err == nil {
		rows = append(rows, bareFigure(fmt.Sprintf("  the same with fsync, SQLite's default (%d)", len(withFsync)), withFsync, fsyncRate))
	}
	return rows
}

func bareFigure(fig string, took []time.Duration, rate float64) row {
	return row{Figure: fig, Measured: num(ms(percentile(took, 99))) + " ms", Target: "(reference)", Verdict: "n/a",
		Note: fmt.Sprintf("p50 %s ms, %s/s", num(ms(percentile(took, 50))), num(rate))}
}

// checkoutWork finds in-stock assets and active people's badges.
func checkoutWork(ctx context.Context, path string, n int) ([]string, []string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	read := func(q string, args ...any) ([]string, error) {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, rows.Err()
	}
	tags, err := read(`SELECT tag FROM assets WHERE status = 'in_stock' ORDER BY random() LIMIT ?`, n)
	if err != nil {
		return nil, nil, fmt.Errorf("pick assets: %w", err)
	}
	badges, err := read(`SELECT badge FROM people WHERE active = 1 AND badge IS NOT NULL ORDER BY random() LIMIT 500`)
	if err != nil {
		return nil, nil, fmt.Errorf("pick people: %w", err)
	}
	if len(tags) == 0 || len(badges) == 0 {
		return nil, nil, fmt.Errorf("no in-stock assets or people in the demo")
	}
	return tags, badges, nil
}

// bareCommits times n one-row INSERTs, each its own transaction, with the
// store's pragmas (WAL, synchronous=FULL), each commit synced with
// fdatasync(2) or, with fdatasync false, fsync(2).
func bareCommits(ctx context.Context, path string, n int, fdatasync bool) ([]time.Duration, float64, error) {
	prev, err := sqlite.Fdatasync(fdatasync)
	if err != nil && !errors.Is(err, sqlite.ErrFdatasyncUnavailable) {
		return nil, 0, err
	}
	defer sqlite.Fdatasync(prev)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE bare (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		return nil, 0, err
	}
	var took []time.Duration
	start := time.Now()
	for i := range n {
		t0 := time.Now()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bare(v) VALUES (?)`, fmt.Sprintf("row %d", i)); err != nil {
			tx.Rollback()
			return nil, 0, err
		}
		if err := tx.Commit(); err != nil {
			return nil, 0, err
		}
		took = append(took, time.Since(t0))
	}
	return took, float64(n) / time.Since(start).Seconds(), nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// On the disk before anything is timed: otherwise the kernel writes the
	// copy back while the figures are taken, and every fsync waits behind it.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ---- import ----

// benchImport: a Snipe-IT CSV (100k rows at 1M assets, a third checked out
// to people) imported by tagdesk, and by the sqlite3 CLI into a plain table.
func benchImport(e *env) []row {
	n := max(1000, e.assets/10)
	fig := fmt.Sprintf("import a %s-row Snipe-IT CSV (1/3 checked out)", count(n))
	csvPath := filepath.Join(e.dir, fmt.Sprintf("snipeit-%d.csv", n))
	if _, err := os.Stat(csvPath); err != nil || e.fresh {
		if err := writeSnipeCSV(csvPath, n); err != nil {
			return []row{unavailable(fig, "≤ 5 s", err.Error())}
		}
	}
	target := filepath.Join(e.dir, "import-work.db")
	plain := filepath.Join(e.dir, "import-sqlite3.db")
	clean := func() {
		for _, p := range []string{target, plain} {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(p + suffix)
			}
		}
	}
	clean()
	defer clean()

	var sqliteTook time.Duration
	sqliteNote := ""
	if sqlite3, err := exec.LookPath("sqlite3"); err != nil {
		sqliteNote = "sqlite3 CLI not installed (apt-get install sqlite3): no ratio"
	} else {
		start := time.Now()
		cmd := exec.CommandContext(e.ctx, sqlite3, plain, ".import --csv "+csvPath+" snipeit")
		if out, err := cmd.CombinedOutput(); err != nil {
			sqliteNote = fmt.Sprintf("sqlite3 .import failed: %v: %s", err, strings.TrimSpace(string(out)))
		} else {
			sqliteTook = time.Since(start)
		}
	}

	var cpu float64
	took, _, stderr, err := runTimed(e.ctx, io.Discard, &cpu, e.bin, "--db", target, "import", "snipeit", csvPath)
	if err != nil {
		if strings.Contains(stderr, "unknown command") {
			return []row{unavailable(fig, "≤ 5 s", "tagdesk import snipeit does not exist yet")}
		}
		return []row{{Figure: fig, Measured: "failed", Target: "≤ 5 s", Verdict: "MISS", Note: err.Error()}}
	}
	r := atMost(fig, took.Seconds(), 5, "s")
	r.Note = fmt.Sprintf("cpu %.1fs", cpu)
	if sqliteTook > 0 {
		ratio := took.Seconds() / sqliteTook.Seconds()
		r.Ratio = fmt.Sprintf("%.1fx sqlite3", ratio)
		rr := atMost("  import time / sqlite3 .import of the same file", ratio, 8, "x")
		rr.Note = fmt.Sprintf("sqlite3 .import --csv: %.2fs", sqliteTook.Seconds())
		return []row{r, rr}
	}
	r.Note += "; " + sqliteNote
	return []row{r}
}

// writeSnipeCSV writes n asset rows in Snipe-IT's export headers; every
// third is checked out to one of n/30 people.
func writeSnipeCSV(path string, n int) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	w.Write([]string{"Asset Tag", "Asset Name", "Serial Number", "Model Name", "Model No.", "Category", "Manufacturer", "Status", "Location",
		"Purchase Date", "Purchase Cost", "Checkout Type", "Checked Out to: Full Name", "Checked Out to: Email", "Checked Out to: Username"})
	models := []struct{ name, no, cat, mf string }{
		{"Latitude 5440", "LAT5440", "Laptops", "Dell"}, {"ThinkPad T14 Gen 4", "21HD", "Laptops", "Lenovo"},
		{"MacBook Pro 14 (M3 Pro)", "MRX33", "Laptops", "Apple"}, {"P2423D", "DELL-P2423D", "Monitors", "Dell"},
		{"iPhone 15", "MTP03", "Mobile Phones", "Apple"}, {"Galaxy S23", "SM-S911B", "Mobile Phones", "Samsung"},
		{"WD19S Dock", "WD19S", "Docking Stations", "Dell"}, {"UniFi U6 Pro", "U6-Pro", "Access Points", "Ubiquiti"},
	}
	locs := []string{"Dublin", "Madrid", "Bangalore", "New York", "London"}
	first := []string{"Aoife", "Lucía", "Arjun", "Emily", "Oliver", "Seán", "Priya", "James", "Grace", "Javier"}
	last := []string{"Murphy", "García", "Iyer", "Johnson", "Taylor", "Byrne", "Nair", "Williams", "Evans", "López"}
	rng := rand.New(rand.NewPCG(2, 9))
	people := max(10, n/30)
	for i := 1; i <= n; i++ {
		m := models[rng.IntN(len(models))]
		rec := []string{fmt.Sprintf("IMP-%07d", i), fmt.Sprintf("%s-%07d", strings.ToUpper(m.cat[:3]), i), fmt.Sprintf("S%09X", uint32(i)*2654435761),
			m.name, m.no, m.cat, m.mf, "Ready to Deploy", locs[rng.IntN(len(locs))],
			time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(1000)).Format("2006-01-02"),
			fmt.Sprintf("%d.%02d", 200+rng.IntN(2000), rng.IntN(100)), "", "", "", ""}
		if i%3 == 0 {
			p := rng.IntN(people)
			fn, ln := first[p%len(first)], last[(p/len(first))%len(last)]
			user := fmt.Sprintf("user%05d", p)
			rec[11], rec[12], rec[13], rec[14] = "User", fn+" "+ln, user+"@example.com", user
		}
		if err := w.Write(rec); err != nil {
			f.Close()
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
