//go:build unix

package main

import (
	"os"
	"syscall"
)

// maxRSS is a finished child's peak resident memory in kB, as getrusage
// reports it; ok is false when the system gave no figure.
func maxRSS(ps *os.ProcessState) (kb int64, ok bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return ru.Maxrss, true
}

// syncDisks asks the kernel to write back what it holds for every disk.
func syncDisks() { syscall.Sync() }
