package sync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tagdesk/tagdesk/store"
)

// testPostgresURL returns $TAGDESK_TEST_POSTGRES; without it the test skips,
// except under CI, where it fails: the PostgreSQL tests must run there.
func testPostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TAGDESK_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TAGDESK_TEST_POSTGRES is not set: CI must run the PostgreSQL tests (.ci/postgres.sh)")
		}
		t.Skip("PostgreSQL tests skipped: set TAGDESK_TEST_POSTGRES=postgres://user:pass@127.0.0.1:5432/db?sslmode=disable")
	}
	return u
}

// freshSchema creates an empty schema and returns a URL that uses it, and
// a function that drops it.
func freshSchema(ctx context.Context, url string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "", nil, err
	}
	name := "t_" + strings.ToLower(store.NewToken()[4:16])
	name = strings.NewReplacer("-", "_").Replace(name)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{name}.Sanitize()); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	drop := func() {
		conn.Exec(context.Background(), `DROP SCHEMA `+pgx.Identifier{name}.Sanitize()+` CASCADE`)
		conn.Close(context.Background())
	}
	return url + sep + "search_path=" + name, drop, nil
}

// Two server processes push concurrently into one PostgreSQL while a
// reader pulls by cursor: every page starts right after the cursor and has
// no holes, and the reader ends with every event exactly once (F11).
func TestPostgresCommitOrderedCursor(t *testing.T) {
	url := testPostgresURL(t)
	ctx := context.Background()
	surl, drop, err := freshSchema(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	dir := t.TempDir()
	b1, err := OpenPostgres(ctx, surl, PostgresOptions{CacheDir: filepath.Join(dir, "p1")})
	if err != nil {
		t.Fatal(err)
	}
	defer b1.Close()
	os.MkdirAll(filepath.Join(dir, "p2"), 0o755)
	b2, err := OpenPostgres(ctx, surl, PostgresOptions{CacheDir: filepath.Join(dir, "p2")})
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	const devices, perDevice = 4, 60
	batches := make([][][]store.Event, devices)
	for d := 0; d < devices; d++ {
		db, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("d%d.db", d)), store.Options{Operator: "t", Unsafe: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < perDevice; i++ {
			if _, err := db.AddLocation(ctx, fmt.Sprintf("L%d-%d", d, i), fmt.Sprintf("room %d-%d", d, i), ""); err != nil {
				t.Fatal(err)
			}
		}
		evs, err := db.OutboxBatch(ctx, perDevice)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(evs); i += 5 {
			batches[d] = append(batches[d], evs[i:i+5])
		}
	}
	var wg gosync.WaitGroup
	errs := make(chan error, devices+1)
	for d := 0; d < devices; d++ {
		b := b1
		if d%2 == 1 {
			b = b2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, batch := range batches[d] {
				if _, err := b.Push(ctx, batch[0].DeviceID, batch, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[string]int{}
	cursor := int64(0)
	pull := func() {
		for {
			changes, next, more, err := b1.Pull(ctx, cursor, 7)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range changes {
				if c.ServerSeq != cursor+int64(i)+1 {
					t.Fatalf("pull after %d returned server_seq %d at %d: a row would be skipped", cursor, c.ServerSeq, i)
				}
				seen[c.Event.UID()]++
				// A hello's At is answered from the same log.
				if h, err := b2.HashAt(ctx, c.ServerSeq); err != nil || h != c.Event.Hash {
					t.Fatalf("HashAt(%d) = %q, %v; want %q", c.ServerSeq, h, err, c.Event.Hash)
				}
			}
			cursor = next
			if !more {
				return
			}
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		pull()
	}
	pull()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != devices*perDevice {
		t.Fatalf("pulled %d distinct events, want %d", len(seen), devices*perDevice)
	}
	for uid, n := range seen {
		if n != 1 {
			t.Fatalf("event %s pulled %d times", uid, n)
		}
	}
	// Both processes' projections agree with the log.
	for _, b := range []*PostgresBackend{b1, b2} {
		if err := b.catchUp(ctx, b.pool); err != nil {
			t.Fatal(err)
		}
		rep, err := b.StateDB().Verify(ctx, dir)
		if err != nil || !rep.OK || rep.Events != devices*perDevice {
			t.Fatalf("projection: %v %v events %d", err, rep.Problems, rep.Events)
		}
	}
}

// A pull page cut for its size (8 MiB of payloads) holds fewer changes than
// the limit: every one of them is a real change, and the next page goes on
// from the last (a cut page was padded with empty changes).
func TestPostgresPullPageCutForSize(t *testing.T) {
	url := testPostgresURL(t)
	ctx := context.Background()
	surl, drop, err := freshSchema(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	dir := t.TempDir()
	b, err := OpenPostgres(ctx, surl, PostgresOptions{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	db, err := store.Open(ctx, filepath.Join(dir, "d.db"), store.Options{Operator: "t", Unsafe: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddLocation(ctx, "WH", "Warehouse", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN1", Model: "L5440", Location: "WH"})
	if err != nil {
		t.Fatal(err)
	}
	const notes = 700 // 16 kB each: 11 MB in all
	for i := 0; i < notes; i++ {
		if _, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"notes": fmt.Sprintf("%03d %s", i, strings.Repeat("n", 16<<10-8))}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := db.OutboxBatch(ctx, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(evs); i += 50 {
		if _, err := b.Push(ctx, evs[0].DeviceID, evs[i:min(i+50, len(evs))], nil); err != nil {
			t.Fatal(err)
		}
	}
	cursor, pages := int64(0), 0
	for more := true; more; pages++ {
		changes, next, m, err := b.Pull(ctx, cursor, MaxPullLimit)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range changes {
			if c.ServerSeq != cursor+int64(i)+1 || c.Event.DeviceID == "" {
				t.Fatalf("page after %d: change %d is server_seq %d of %q", cursor, i, c.ServerSeq, c.Event.DeviceID)
			}
		}
		if len(changes) == 0 || next != cursor+int64(len(changes)) {
			t.Fatalf("page after %d: %d changes, next %d", cursor, len(changes), next)
		}
		cursor, more = next, m
	}
	if cursor != int64(len(evs)) || pages < 2 {
		t.Fatalf("pulled up to %d in %d page(s), want %d in two or more", cursor, pages, len(evs))
	}
}

// The PostgreSQL backend grants leases by the store's rule (LeaseBlock): a
// lease from near the top of int64 is refused, and a broken counter does
// not hand out a granted block again.
func TestPostgresLeaseBounds(t *testing.T) {
	url := testPostgresURL(t)
	ctx := context.Background()
	surl, drop, err := freshSchema(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	b, err := OpenPostgres(ctx, surl, PostgresOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, _, err := b.Lease(ctx, "DEV1", 1000, 9223372036854775000); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("lease from near the top of int64: %v, want refused", err)
	}
	if first, last, err := b.Lease(ctx, "DEV1", 1000, 1); err != nil || first != 1 || last != 1000 {
		t.Fatalf("first lease %d-%d %v", first, last, err)
	}
	if _, err := b.pool.Exec(ctx, `UPDATE tagdesk_meta SET value = '-9223372036854775616' WHERE key = 'lease_next'`); err != nil {
		t.Fatal(err)
	}
	if first, last, err := b.Lease(ctx, "DEV2", 1000, 1); err != nil || first != 1001 || last != 2000 {
		t.Fatalf("lease after a broken counter: %d-%d %v", first, last, err)
	}
	if _, _, err := b.Lease(ctx, "DEV3", 1000, 999_999_999_999_000); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("a lease far past the counter: %v, want refused", err)
	}
}
