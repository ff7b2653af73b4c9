//go:build unix

package main

import (
	"os"
	"syscall"
)

// maxRSS is a finished child's peak resident memory in kB, from getrusage's
// ru_maxrss (kB on Linux and the BSDs, bytes on macOS: maxrssPerKB); ok is
// false when the system gave no figure.
func maxRSS(ps *os.ProcessState) (kb int64, ok bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return int64(ru.Maxrss) / maxrssPerKB, true
}

// syncDisks asks the kernel to write back what it holds for every disk.
func syncDisks() { syscall.Sync() }
