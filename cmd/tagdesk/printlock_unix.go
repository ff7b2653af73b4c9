//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/tagdesk/tagdesk/store"
)

// lockPrinting takes the desk's print lock (a lock on a file beside its
// database, released when the process ends, however it ends): two
// printing runs at once (a queue run beside the terminal UI's, a cron job)
// each read the same queued labels and printed every one twice.
//
// The lock is on the database's real path (a symlink to it is the same
// desk), and needs only to read the file: anyone who may write the
// database may print, whoever made the lock file first.
func lockPrinting(dbPath string) (unlock func(), err error) {
	if real, err := filepath.EvalSymlinks(dbPath); err == nil {
		dbPath = real
	}
	f, err := os.OpenFile(dbPath+".printing", os.O_RDONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("print lock: %w", err)
	}
	// Readable by all whatever this user's umask (only the file's owner
	// can say so; for the others it is said already, or cannot be).
	_ = f.Chmod(0o666)
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, store.Errorf(store.ECONFLICT, "another tagdesk is printing this desk's labels (a queue run, a label batch or the terminal UI): each label comes out once; try again when it has finished")
		}
		return nil, fmt.Errorf("print lock: %w", err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
