package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// writeOut writes a command's output file (an export, labels, a receipt).
//
// A regular file, or a path that does not exist yet, is replaced
// atomically: a temporary file beside it, synced and renamed over it, so a
// reader sees the old file or the whole new one. A symlink is followed, and
// the file it names is the one replaced: the link stays. Anything else at
// the path (a FIFO, a terminal, a device such as /dev/null) is written
// through, as a shell's > would, never replaced by a file. The database
// the command has open (or its WAL or shared-memory file) is refused:
// replacing it would lose the register.
func writeOut(path, dbPath string, write func(io.Writer) error) error {
	target, err := realPath(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st, err := os.Stat(target)
	switch {
	case err == nil:
		for _, f := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
			if ds, err := os.Stat(f); err == nil && os.SameFile(st, ds) {
				return fmt.Errorf("%s is the database itself: give another file", path)
			}
		}
		if st.IsDir() {
			return fmt.Errorf("%s is a folder: give a file name", path)
		}
		if !st.Mode().IsRegular() {
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if err := write(f); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return replaceFile(target, write)
}

// realPath follows path's symlinks, a dangling one included (its target
// is the file to create).
func realPath(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return "", errors.New("too many levels of symbolic links")
}

// replaceFile writes a temporary file beside path, syncs it and renames it
// over path, then syncs the folder.
func replaceFile(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("there is no folder %s", dir)
	}
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
