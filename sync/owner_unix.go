//go:build unix

package sync

import (
	"os"
	"syscall"
)

// ownLike gives the file at path the owner and group of like when this
// process runs as root and they differ: a revocation recorded by a
// root-run `serve token revoke` (now, or by a build that left it root's)
// must stay writable for the server's own user, who owns the database.
func ownLike(path string, like os.FileInfo) error {
	want, ok := like.Sys().(*syscall.Stat_t)
	if !ok || os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if have, ok := fi.Sys().(*syscall.Stat_t); ok && have.Uid == want.Uid && have.Gid == want.Gid {
		return nil
	}
	return os.Chown(path, int(want.Uid), int(want.Gid))
}
