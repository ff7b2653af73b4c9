package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// asset show and the label give a model whose name starts with its
// manufacturer's once: "Samsung 980 Pro 1TB", not "Samsung Samsung 980
// Pro 1TB"; another model keeps its manufacturer before it.
func TestE2EModelNamedWithItsMaker(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Samsung 980 Pro 1TB", "--number", "MZ-V8P1T0", "--manufacturer", "Samsung")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440", "--manufacturer", "Dell")
	mustCLI(t, db, "receive", "--model", "MZ-V8P1T0", "--location", "DUB", "--tag", "D-1", "SN-1")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "--tag", "L-1", "SN-2")
	if out := mustCLI(t, db, "asset", "show", "D-1"); !strings.Contains(out, "Model:          Samsung 980 Pro 1TB (MZ-V8P1T0)\n") {
		t.Errorf("asset show D-1:\n%s", out)
	}
	if out := mustCLI(t, db, "asset", "show", "L-1"); !strings.Contains(out, "Model:          Dell Latitude 5440 (L5440)\n") {
		t.Errorf("asset show L-1:\n%s", out)
	}
	ctx := context.Background()
	sdb, err := store.Open(ctx, db, store.Options{Operator: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	sp := &spooler{db: sdb}
	for tag, want := range map[string]string{"D-1": "Samsung 980 Pro 1TB", "L-1": "Dell Latitude 5440"} {
		a, err := sdb.Asset(ctx, tag)
		if err != nil {
			t.Fatal(err)
		}
		if l, err := sp.label(ctx, a); err != nil || l.Model != want {
			t.Errorf("label of %s: model %q, %v; want %q", tag, l.Model, err, want)
		}
	}
}
