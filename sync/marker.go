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
// records the epoch, the last server_seq seen and the first tag number no
// lease has granted. A database restored from an older backup has the same
// epoch but a lower head than the marker says; the server then starts a
// new epoch by itself, so devices re-send what the restored database lacks
// (F3), even when nobody remembered --new-epoch. Its lease counter is raised
// to the marker's whatever the epoch (raising it only skips numbers): the
// blocks granted since the backup are not granted again, to whichever desk
// asks first (the desks that hold them may not have synced yet).

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
	b.marker, b.revoked, b.dbPath = MarkerPath(path), RevokedPath(path), path
	if err := b.keepRevocations(ctx); err != nil {
		b.Close()
		return nil, false, err
	}
	raw, err := os.ReadFile(b.marker)
	if err != nil {
		return b, false, nil // no marker yet
	}
	f := strings.Fields(string(raw))
	if len(f) != 2 && len(f) != 3 {
		return b, false, nil
	}
	if len(f) == 3 {
		if lease, err := strconv.ParseInt(f[2], 10, 64); err == nil && lease > 0 {
			if err := b.DB.ServerRaiseLeaseNext(ctx, lease); err != nil {
				b.Close()
				return nil, false, err
			}
		}
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

// WriteMarker records the backend's epoch and head (and, of the SQLite
// backend, its lease counter) in the marker file.
func WriteMarker(ctx context.Context, b Backend, dbPath string) error {
	if sb, ok := b.(*SQLiteBackend); ok {
		sb.markerMu.Lock()
		defer sb.markerMu.Unlock()
	}
	epoch, err := b.Epoch(ctx)
	if err != nil {
		return err
	}
	head, err := b.Head(ctx)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s %d\n", epoch, head)
	if sb, ok := b.(*SQLiteBackend); ok {
		next, err := sb.DB.ServerLeaseNext(ctx)
		if err != nil {
			return err
		}
		line = fmt.Sprintf("%s %d %d\n", epoch, head, next)
	}
	// Written whole and to the disk before it replaces the last one: a
	// lease is answered only once it is there.
	tmp := MarkerPath(dbPath) + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write restore marker: %w", err)
	}
	_, err = f.WriteString(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write restore marker: %w", err)
	}
	if err := os.Rename(tmp, MarkerPath(dbPath)); err != nil {
		return fmt.Errorf("write restore marker: %w", err)
	}
	return nil
}

// writeMarker writes b's marker (OpenSQLiteChecked's path).
func (b *SQLiteBackend) writeMarker(ctx context.Context) error {
	return WriteMarker(ctx, b, strings.TrimSuffix(b.marker, ".marker"))
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
