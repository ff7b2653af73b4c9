//go:build !unix

package main

import "io/fs"

// umask is none where files have no Unix modes.
func umask() fs.FileMode { return 0 }
