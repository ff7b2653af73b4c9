package main

import (
	"os"
	"os/exec"
	"testing"
)

// From a review: GOOS=windows go build ./cmd/... failed on benchreport's
// syscall.Rusage.Maxrss and syscall.Sync (Unix only), and go vet ./... on
// two tests' syscall.Sync and syscall.Mkfifo. The whole module vets for
// Windows: what only Unix has sits behind build tags. (Cross-compiling
// SQLite is slow the first time; -short skips.)
func TestModuleVetsForWindows(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the module")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	cmd := exec.Command(goBin, "vet", "./...")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=windows go vet ./...: %v\n%s", err, out)
	}
}
