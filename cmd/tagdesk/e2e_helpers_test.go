package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// End-to-end tests run the real binary, built once per test process.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// tagdeskBin builds cmd/tagdesk into a temporary folder and returns its path.
func tagdeskBin(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tagdesk-e2e-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "tagdesk")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = &buildError{out: string(out), err: err}
		}
	})
	if binErr != nil {
		t.Fatalf("build tagdesk: %v", binErr)
	}
	return binPath
}

// TestMain removes the binary tagdeskBin built, so that runs leave no copies behind.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// cli runs the binary with args against db and returns stdout, stderr and the exit code.
func cli(t testing.TB, db string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(tagdeskBin(t), append([]string{"--db", db}, args...)...)
	cmd.Env = append(os.Environ(), "TAGDESK_OPERATOR=e2e", "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run tagdesk %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), code
}

// mustCLI runs the binary and fails the test unless it exits 0.
func mustCLI(t testing.TB, db string, args ...string) string {
	t.Helper()
	out, errs, code := cli(t, db, args...)
	if code != 0 {
		t.Fatalf("tagdesk %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}
