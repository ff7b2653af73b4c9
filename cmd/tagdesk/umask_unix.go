//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// umask reads the process's file mode creation mask.
func umask() fs.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}
