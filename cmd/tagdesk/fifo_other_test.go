//go:build !unix

package main

import "errors"

// mkfifo fails where there are no named pipes in the file system
// (Windows): the tests that need one skip.
func mkfifo(string, uint32) error { return errors.New("no named pipes on this system") }
