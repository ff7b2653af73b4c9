//go:build linux || darwin || freebsd

package store

import "testing"

// From a review: the full-disk check at open was Linux's alone; macOS and
// FreeBSD ask statfs(2) too, whose counts differ in type (FreeBSD's
// Bavail is signed, below zero once root has used its reserve).
func TestDiskFullCounts(t *testing.T) {
	for _, c := range []struct {
		avail       int64
		free, bsize uint64
		root        bool
		want        uint64
	}{
		{avail: 256, free: 512, bsize: 4096, want: 1 << 20},
		{avail: 256, free: 512, bsize: 4096, root: true, want: 2 << 20},
		{avail: -3, free: 10, bsize: 4096, want: 0},
		{avail: -3, free: 10, bsize: 4096, root: true, want: 40960},
	} {
		if got := freeBytes(c.avail, c.free, c.bsize, c.root); got != c.want {
			t.Errorf("freeBytes(%d, %d, %d, root %v) = %d, want %d", c.avail, c.free, c.bsize, c.root, got, c.want)
		}
	}
	if diskFull(t.TempDir()) {
		t.Error("the test's own folder reads as a full disk")
	}
}
