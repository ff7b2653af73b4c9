package main

import (
	"os"
	"os/exec"
	"testing"
)

// From a review: GOOS=windows go build ./cmd/... failed on benchreport's
// syscall.Rusage.Maxrss and syscall.Sync (Unix only), and go vet ./... on
// two tests' syscall.Sync and syscall.Mkfifo. The whole module vets for
// Windows: what only Unix has sits behind build tags. So does it for
// macOS and FreeBSD, whose peak memory (bytes on macOS) and statfs(2)
// fields differ from Linux's. (Cross-compiling SQLite is slow the first
// time; -short skips.)
func TestModuleVetsForWindows(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the module")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	for _, goos := range []string{"windows", "darwin", "freebsd"} {
		cmd := exec.Command(goBin, "vet", "./...")
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s go vet ./...: %v\n%s", goos, err, out)
		}
	}
}
