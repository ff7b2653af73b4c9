package store

import (
	"os"
	"syscall"
)

// diskFull says whether the disk holding dir has no room left for this
// user: under 1 MiB free (SQLite's shared memory alone takes 32 KiB), as
// statfs(2) counts it (root may use the blocks kept for it).
func diskFull(dir string) bool {
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil {
		return false
	}
	free := st.Bavail
	if os.Geteuid() == 0 {
		free = st.Bfree
	}
	return free*uint64(st.Bsize) < 1<<20
}
