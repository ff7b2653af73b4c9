//go:build unix

package sync

import (
	"os"
	"syscall"
)

// ownLike gives the file at path the owner and group of like when this
// process runs as root and they differ: a revocation recorded by a
// root-run `serve token revoke` must stay writable for the server's own
// user, who owns the database.
func ownLike(path string, like os.FileInfo) error {
	st, ok := like.Sys().(*syscall.Stat_t)
	if !ok || os.Geteuid() != 0 {
		return nil
	}
	if int(st.Uid) == 0 && int(st.Gid) == 0 {
		return nil
	}
	return os.Chown(path, int(st.Uid), int(st.Gid))
}
