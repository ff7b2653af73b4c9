package labels_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps labels pure: it imports nothing else of tagdesk.
func TestDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goBin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/tagdesk/") && pkg != "github.com/tagdesk/tagdesk/labels" {
			t.Errorf("labels depends on %s; it must import nothing else of tagdesk", pkg)
		}
	}
}
