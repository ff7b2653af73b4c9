//go:build !unix

package main

import "os"

// maxRSS is not measured where there is no getrusage (Windows): ok is false.
func maxRSS(*os.ProcessState) (kb int64, ok bool) { return 0, false }

// syncDisks does nothing where there is no sync(2): the figures that follow
// may share the disk with the writeback of a demo just built.
func syncDisks() {}
