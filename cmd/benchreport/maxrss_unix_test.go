//go:build unix

package main

import (
	"os"
	"os/exec"
	"testing"
)

// From a review: a child's peak memory was getrusage's ru_maxrss read as
// kB, which macOS gives in bytes (a 10 MB child read as 10 GB). A small Go
// child, this test's own binary running no test, peaks between 1 MB and
// 1 GB in the kB maxRSS returns, wherever it runs.
func TestMaxRSSInKB(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("run the child: %v\n%s", err, out)
	}
	kb, ok := maxRSS(cmd.ProcessState)
	if !ok {
		t.Fatal("no peak memory for the child")
	}
	if kb < 1<<10 || kb > 1<<20 {
		t.Errorf("the child's peak memory reads %d kB: want between 1 MB and 1 GB", kb)
	}
}
