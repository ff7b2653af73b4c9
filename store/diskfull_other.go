//go:build !linux && !darwin && !freebsd

package store

// diskFull is false where the desk does not ask the system (statfs(2)
// differs from one to another, and Windows has none): SQLite's words stand.
func diskFull(dir string) bool { return false }
