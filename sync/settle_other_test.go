//go:build !unix

package sync

// settle does nothing where there is no sync(2) (Windows): the fsyncs
// timed next may queue behind what earlier work left to write.
func settle() {}
