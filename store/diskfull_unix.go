//go:build linux || darwin || freebsd

package store

import (
	"os"
	"syscall"
)

// diskFull says whether the disk holding dir has no room left for this
// user: under 1 MiB free (SQLite's shared memory alone takes 32 KiB), as
// statfs(2) counts it (root may use the blocks kept for it). Linux, macOS
// and FreeBSD give the counts in blocks of Bsize bytes (their field types
// differ: FreeBSD's Bavail is signed, below zero when root has used the
// blocks kept for it).
func diskFull(dir string) bool {
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil {
		return false
	}
	return freeBytes(int64(st.Bavail), uint64(st.Bfree), uint64(st.Bsize), os.Geteuid() == 0) < 1<<20
}

// freeBytes is what statfs's counts leave this user: the blocks available
// to anyone (none when the count is below zero), or for root every free one.
func freeBytes(avail int64, free, bsize uint64, root bool) uint64 {
	if root {
		return free * bsize
	}
	return uint64(max(avail, 0)) * bsize
}
