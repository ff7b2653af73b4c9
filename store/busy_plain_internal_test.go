package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
)

// A setting or a sync's bookkeeping written while another tagdesk holds the
// write lock (an import) says the desk is busy, not SQLite's "database is
// locked (5) (SQLITE_BUSY)".
func TestPlainWritesSayBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := Open(ctx, path, Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)
	calls := map[string]func() error{
		"setting":     func() error { return db.SetSetting(ctx, "printer", "tcp://127.0.0.1:9100") },
		"sync server": func() error { return db.SetSyncServer(ctx, "", "", "") },
	}
	var wg sync.WaitGroup
	errs := make(map[string]error)
	var mu sync.Mutex
	for name, f := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := f()
			mu.Lock()
			errs[name] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	for name, err := range errs {
		if ErrorCode(err) != EBUSY {
			t.Errorf("%s while another process writes: %v, want the desk is busy", name, err)
		}
	}
}
