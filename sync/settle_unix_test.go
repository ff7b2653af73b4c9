//go:build unix

package sync

import "syscall"

// settle writes back what earlier work left dirty in the page cache (the
// device databases just built, the previous benchmark's files), so that
// the fsyncs timed next do not queue behind it.
func settle() { syscall.Sync() }
