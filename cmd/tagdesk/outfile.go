package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// stdoutName is the output path that means standard output (--out -),
// for a command whose output is one stream.
const stdoutName = "-"

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
//
// A file it replaces keeps its permissions; a new one gets perm less the
// umask (0o600 for what holds personal data, such as a receipt).
func writeOut(path, dbPath string, perm fs.FileMode, write func(io.Writer) error) error {
	target, st, err := outTarget(path, dbPath)
	if err != nil {
		return err
	}
	perm &^= umask()
	if st != nil {
		perm = st.Mode().Perm() // a replaced file keeps its mode
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
	}
	return replaceFile(target, perm, write)
}

// outTarget resolves an output path (realPath) and refuses what writeOut
// must not write: the database (or its WAL or shared-memory file), a
// folder, a file in a folder that does not exist. st is what is at the
// path now, nil for nothing. A command that changes the desk and then
// writes a file (a receipt) asks first, so that a mistyped path refuses
// the whole command rather than half of it.
func outTarget(path, dbPath string) (target string, st fs.FileInfo, err error) {
	if target, err = realPath(path); err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	st, err = os.Stat(target)
	switch {
	case err == nil:
		for _, f := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
			if ds, err := os.Stat(f); err == nil && os.SameFile(st, ds) {
				return "", nil, fmt.Errorf("%s is the database itself: give another file", path)
			}
		}
		if st.IsDir() {
			return "", nil, fmt.Errorf("%s is a folder: give a file name", path)
		}
		return target, st, nil
	case errors.Is(err, fs.ErrNotExist):
		dir := filepath.Dir(target)
		if ds, err := os.Stat(dir); err != nil || !ds.IsDir() {
			return "", nil, fmt.Errorf("there is no folder %s", dir)
		}
		return target, nil, nil
	}
	return "", nil, err
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
			// Relative to the link's real folder, as the kernel reads it
			// ("..", from a folder reached through a symlink, is the real
			// folder's parent).
			dir, err := filepath.EvalSymlinks(filepath.Dir(path))
			if err != nil {
				return "", err
			}
			to = filepath.Join(dir, to)
		}
		path = to
	}
	return "", errors.New("too many levels of symbolic links")
}

// replaceFile writes a temporary file beside path with mode perm, syncs it
// and renames it over path, then syncs the folder.
func replaceFile(path string, perm fs.FileMode, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	var tmp *os.File
	var err error
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d", filepath.Base(path), rand.Uint32()))
		tmp, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("there is no folder %s", dir)
	}
	if errors.Is(err, fs.ErrPermission) {
		// (Named by the file asked for, not the temporary one beside it.)
		return fmt.Errorf("cannot write %s: the folder %s is not writable here", path, dir)
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
	if err := tmp.Chmod(perm); err != nil {
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
