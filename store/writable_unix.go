//go:build unix

package store

import (
	"os"
	"syscall"
)

// canWrite says whether this user may write the file or folder at path, as
// the system judges it (access(2): root may, a read-only mount refuses
// everyone). It opens nothing: closing a descriptor of the database would
// drop the locks SQLite holds on it in this process.
func canWrite(path string) bool {
	return syscall.Access(path, 2 /* W_OK */) == nil
}

// ownFile says whether this user owns the file fi describes.
func ownFile(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
