package sync

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// The restore marker: a small file next to the SQLite server database that
// records the epoch and the last server_seq seen. A database restored from
// an older backup has the same epoch but a lower head than the marker says;
// the server then starts a new epoch by itself, so devices re-send what the
// restored database lacks (F3), even when nobody remembered --new-epoch.

// MarkerPath is the marker file of the server database at dbPath.
func MarkerPath(dbPath string) string { return dbPath + ".marker" }

// OpenSQLiteChecked opens the SQLite server database like OpenSQLite and
// starts a new epoch if the marker shows the database went back in time.
// It reports whether it did.
func OpenSQLiteChecked(ctx context.Context, path string, opt SQLiteOptions) (*SQLiteBackend, bool, error) {
	b, err := OpenSQLite(ctx, path, opt)
	if err != nil {
		return nil, false, err
	}
	raw, err := os.ReadFile(MarkerPath(path))
	if err != nil {
		return b, false, nil // no marker yet
	}
	f := strings.Fields(string(raw))
	if len(f) != 2 {
		return b, false, nil
	}
	markHead, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || f[0] != b.epoch {
		return b, false, nil
	}
	head, err := b.Head(ctx)
	if err != nil {
		b.Close()
		return nil, false, err
	}
	if head >= markHead {
		return b, false, nil
	}
	epoch, err := b.DB.ServerInit(ctx, true)
	if err != nil {
		b.Close()
		return nil, false, err
	}
	b.epoch = epoch
	return b, true, WriteMarker(ctx, b, path)
}

// WriteMarker records the backend's epoch and head in the marker file.
func WriteMarker(ctx context.Context, b Backend, dbPath string) error {
	epoch, err := b.Epoch(ctx)
	if err != nil {
		return err
	}
	head, err := b.Head(ctx)
	if err != nil {
		return err
	}
	tmp := MarkerPath(dbPath) + ".tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%s %d\n", epoch, head)), 0o644); err != nil {
		return fmt.Errorf("write restore marker: %w", err)
	}
	if err := os.Rename(tmp, MarkerPath(dbPath)); err != nil {
		return fmt.Errorf("write restore marker: %w", err)
	}
	return nil
}

// KeepMarker rewrites the marker every interval until ctx ends, and once more then.
func KeepMarker(ctx context.Context, b Backend, dbPath string, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := WriteMarker(context.WithoutCancel(ctx), b, dbPath); err != nil && log != nil {
				log.Error("restore marker", "error", err)
			}
			return
		case <-t.C:
			if err := WriteMarker(ctx, b, dbPath); err != nil && log != nil {
				log.Error("restore marker", "error", err)
			}
		}
	}
}
