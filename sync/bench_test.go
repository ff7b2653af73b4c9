package sync

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"github.com/tagdesk/tagdesk/store"
)

func benchEvents() int {
	if n, err := strconv.Atoi(os.Getenv("TAGDESK_BENCH_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// makeDevice returns a device database with about n events (receipts).
func makeDevice(b *testing.B, dir string, n int) (*store.DB, []store.Event) {
	ctx := context.Background()
	dev, err := store.Open(ctx, filepath.Join(dir, "dev.db"), store.Options{Operator: "bench", Unsafe: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := dev.AddLocation(ctx, "HQ", "Head office", ""); err != nil {
		b.Fatal(err)
	}
	if _, err := dev.AddModel(ctx, "Laptop", "", "", ""); err != nil {
		b.Fatal(err)
	}
	for done := 2; done < n; {
		k := min(5000, n-done)
		rs := make([]store.Receipt, k)
		for j := range rs {
			rs[j] = store.Receipt{Model: "Laptop", Location: "HQ", Serial: fmt.Sprintf("S%d", done+j)}
		}
		if _, err := dev.ReceiveAll(ctx, rs); err != nil {
			b.Fatal(err)
		}
		done += k
	}
	events, err := dev.OutboxBatch(ctx, n+10)
	if err != nil {
		b.Fatal(err)
	}
	return dev, events
}

// rawInsert is the baseline: the same event rows inserted straight into a
// table of the same kind of database, in batches of 200 per transaction.
type rawInsert func(events []store.Event) (float64, error)

func sqliteRaw(dir string) rawInsert {
	return func(events []store.Event) (float64, error) {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "raw.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
		if err != nil {
			return 0, err
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if _, err := db.Exec(`CREATE TABLE raw (id INTEGER PRIMARY KEY, device_id TEXT, seq INTEGER, operator TEXT, at TEXT, type TEXT, subject TEXT, payload TEXT, prev_hash TEXT, hash TEXT, UNIQUE (device_id, seq))`); err != nil {
			return 0, err
		}
		t0 := time.Now()
		for i := 0; i < len(events); i += MaxPushEvents {
			tx, err := db.Begin()
			if err != nil {
				return 0, err
			}
			for _, e := range events[i:min(i+MaxPushEvents, len(events))] {
				w := ToWire(e)
				if _, err := tx.Exec(`INSERT INTO raw(device_id, seq, operator, at, type, subject, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					w.DeviceID, w.Seq, w.Operator, w.At, w.Type, w.Subject, w.Payload, w.PrevHash, w.Hash); err != nil {
					tx.Rollback()
					return 0, err
				}
			}
			if err := tx.Commit(); err != nil {
				return 0, err
			}
		}
		return float64(len(events)) / time.Since(t0).Seconds(), nil
	}
}

func pgRaw(url string) rawInsert {
	return func(events []store.Event) (float64, error) {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return 0, err
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `CREATE TABLE raw (id bigserial PRIMARY KEY, device_id text, seq bigint, operator text, at text, type text, subject text, payload text, prev_hash text, hash text, UNIQUE (device_id, seq))`); err != nil {
			return 0, err
		}
		t0 := time.Now()
		for i := 0; i < len(events); i += MaxPushEvents {
			var rows [][]any
			for _, e := range events[i:min(i+MaxPushEvents, len(events))] {
				w := ToWire(e)
				rows = append(rows, []any{w.DeviceID, w.Seq, w.Operator, w.At, w.Type, w.Subject, w.Payload, w.PrevHash, w.Hash})
			}
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{"raw"}, []string{"device_id", "seq", "operator", "at", "type", "subject", "payload", "prev_hash", "hash"}, pgx.CopyFromRows(rows)); err != nil {
				return 0, err
			}
		}
		return float64(len(events)) / time.Since(t0).Seconds(), nil
	}
}

// benchSync pushes N events from one device through HTTP (loopback, gzip)
// into the server, then pulls and applies them on a second device. Rates
// are events/s and ratios to the raw insert of the same rows.
func benchSync(b *testing.B, open func(dir string) (Backend, error), raw func(dir string) rawInsert) {
	ctx := context.Background()
	n := benchEvents()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		dev, events := makeDevice(b, dir, n)
		settle()
		rawRate, err := raw(dir)(events)
		if err != nil {
			b.Fatal(err)
		}
		srv, err := open(dir)
		if err != nil {
			b.Fatal(err)
		}
		tok, tok2 := store.NewToken(), store.NewToken()
		srv.AddToken(ctx, "dev", tok)
		srv.AddToken(ctx, "dev2", tok2)
		hs := httptest.NewServer(NewServer(srv, ServerOptions{RatePerSecond: 1e6, Burst: 1e6}))
		dev.SetSyncServer(ctx, hs.URL, tok, "")
		cl, err := NewClient(ctx, dev)
		if err != nil {
			b.Fatal(err)
		}
		// The push figure is the push phase alone (the device's own events
		// coming back in its pull are not part of pushing them).
		cl.PushOnly = true
		settle()
		t0 := time.Now()
		rep, err := cl.Sync(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		pushRate := float64(rep.Pushed) / time.Since(t0).Seconds()
		dev2, err := store.Open(ctx, filepath.Join(dir, "dev2.db"), store.Options{Operator: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		dev2.SetSyncServer(ctx, hs.URL, tok2, "")
		cl2, _ := NewClient(ctx, dev2)
		cl2.PullLimit = MaxPullLimit
		settle()
		t0 = time.Now()
		rep2, err := cl2.Sync(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		pullRate := float64(rep2.Pulled) / time.Since(t0).Seconds()
		b.ReportMetric(pushRate, "push_events/s")
		b.ReportMetric(pushRate/rawRate, "push_ratio_to_raw")
		b.ReportMetric(pullRate, "pull_events/s")
		b.ReportMetric(pullRate/rawRate, "pull_ratio_to_raw")
		b.ReportMetric(rawRate, "raw_insert_rows/s")
		hs.Close()
		srv.Close()
		dev.Close()
		dev2.Close()
	}
}

// BenchmarkSyncSQLite: TAGDESK_BENCH_EVENTS sets N (default 20,000; the
// issue's figure is 100,000).
func BenchmarkSyncSQLite(b *testing.B) {
	benchSync(b, func(dir string) (Backend, error) {
		return OpenSQLite(context.Background(), filepath.Join(dir, "server.db"), SQLiteOptions{})
	}, sqliteRaw)
}

// BenchmarkSyncPostgres needs TAGDESK_TEST_POSTGRES.
func BenchmarkSyncPostgres(b *testing.B) {
	url := testPostgresURL(b)
	var drops []func()
	defer func() {
		for _, d := range drops {
			d()
		}
	}()
	schema := func() string {
		u, drop, err := freshSchema(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		drops = append(drops, drop)
		return u
	}
	benchSync(b, func(dir string) (Backend, error) {
		return OpenPostgres(context.Background(), schema(), PostgresOptions{CacheDir: dir})
	}, func(string) rawInsert { return pgRaw(schema()) })
}

// timing records the duration of each push request.
type timing struct {
	rt  http.RoundTripper
	mu  gosync.Mutex
	ds  []time.Duration
	bad int
}

func (t *timing) RoundTrip(r *http.Request) (*http.Response, error) {
	t0 := time.Now()
	resp, err := t.rt.RoundTrip(r)
	if strings.HasSuffix(r.URL.Path, "/v1/push") {
		t.mu.Lock()
		t.ds = append(t.ds, time.Since(t0))
		if err != nil || resp.StatusCode != 200 {
			t.bad++
		}
		t.mu.Unlock()
	}
	return resp, err
}

// BenchmarkSync50Devices: 50 devices with 200 events each push at once
// against the SQLite server (push only: on one 2-core machine the 50
// devices' own pull work would compete with the server for the CPU);
// reports p50/p99 per 200-event push.
func BenchmarkSync50Devices(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		srv, err := OpenSQLite(ctx, filepath.Join(dir, "server.db"), SQLiteOptions{})
		if err != nil {
			b.Fatal(err)
		}
		hs := httptest.NewServer(NewServer(srv, ServerOptions{RatePerSecond: 1e6, Burst: 1e6}))
		tm := &timing{rt: http.DefaultTransport}
		const devices, each = 50, 200
		clients := make([]*Client, devices)
		for d := range clients {
			db, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("d%d.db", d)), store.Options{Operator: "bench", Unsafe: true})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			for j := 0; j < each; j++ {
				if _, err := db.AddLocation(ctx, fmt.Sprintf("L%d-%d", d, j), fmt.Sprintf("room %d-%d", d, j), ""); err != nil {
					b.Fatal(err)
				}
			}
			tok := store.NewToken()
			srv.AddToken(ctx, fmt.Sprintf("d%d", d), tok)
			clients[d] = &Client{DB: db, Server: hs.URL, Token: tok, HTTP: &http.Client{Transport: tm}, PushOnly: true}
		}
		var wg gosync.WaitGroup
		errs := make(chan error, devices)
		settle()
		t0 := time.Now()
		for _, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.Sync(ctx, nil); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		total := time.Since(t0)
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		sort.Slice(tm.ds, func(i, j int) bool { return tm.ds[i] < tm.ds[j] })
		p := func(q float64) float64 { return float64(tm.ds[int(q*float64(len(tm.ds)-1))].Milliseconds()) }
		b.ReportMetric(p(0.5), "p50_ms/push")
		b.ReportMetric(p(0.99), "p99_ms/push")
		b.ReportMetric(float64(tm.bad), "failed_pushes")
		b.ReportMetric(float64(devices*each)/total.Seconds(), "events/s")
		hs.Close()
		srv.Close()
	}
}
