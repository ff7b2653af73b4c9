//go:build !unix

package store

import "os"

// canWrite is left to SQLite where the system has no access(2): it says
// read-only when it meets it.
func canWrite(path string) bool { return true }

// ownFile is false where the system does not say: nothing is made for the
// owner.
func ownFile(fi os.FileInfo) bool { return false }
