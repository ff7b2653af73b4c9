//go:build !unix

package sync

import "os"

// ownLike has no owner to give where files have no Unix owners.
func ownLike(string, os.FileInfo) error { return nil }
