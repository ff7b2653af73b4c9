package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every export starts with a UTF-8 byte-order mark, which Excel needs to
// read "Büro" as written (without one, a double-click reads the file in
// the Windows code page: "BÃ¼ro"), to a file or standard output; --no-bom
// leaves it out and writes the same bytes otherwise. An import of the
// marked files brings back the same locations, people and assets as the
// unmarked ones.
func TestE2EExportsStartWithBOM(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	mustCLI(t, src, "location", "add", "MUC", "Büro München")
	mustCLI(t, src, "model", "add", "Latitude 5440", "--number", "L5440", "--manufacturer", "Dell")
	mustCLI(t, src, "person", "add", "--name", "Jürgen Müller", "--badge", "B1", "--email", "jm@example.com", "--location", "MUC")
	mustCLI(t, src, "receive", "--model", "L5440", "--location", "MUC", "--tag", "A-1", "--name", "Büro-Notebook", "SN-1")
	mustCLI(t, src, "checkout", "--to", "B1", "A-1")
	files := map[string]map[bool]string{}
	for _, kind := range []string{"locations", "users", "assets"} {
		files[kind] = map[bool]string{}
		stdout := mustCLI(t, src, "export", "snipeit", "--type", kind)
		plain := mustCLI(t, src, "export", "snipeit", "--type", kind, "--no-bom")
		if !strings.HasPrefix(stdout, "\ufeff") || strings.HasPrefix(plain, "\ufeff") || stdout != "\ufeff"+plain {
			t.Errorf("%s to stdout: %.40q, --no-bom %.40q", kind, stdout, plain)
		}
		if !strings.Contains(plain, "Büro") {
			t.Errorf("%s export: %q", kind, plain)
		}
		for _, bom := range []bool{true, false} {
			file := filepath.Join(dir, kind+map[bool]string{true: "-bom", false: ""}[bom]+".csv")
			args := []string{"export", "snipeit", "--type", kind, "--out", file}
			if !bom {
				args = append(args, "--no-bom")
			}
			mustCLI(t, src, args...)
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]string{true: stdout, false: plain}[bom]; string(b) != want {
				t.Errorf("%s --out (BOM %v) wrote %.40q, stdout %.40q", kind, bom, b, want)
			}
			files[kind][bom] = file
		}
	}
	state := map[bool][]string{}
	for _, bom := range []bool{true, false} {
		db := filepath.Join(dir, map[bool]string{true: "bom.db", false: "plain.db"}[bom])
		mustCLI(t, db, "import", "snipeit", "--type", "locations", files["locations"][bom])
		mustCLI(t, db, "import", "snipeit", "--type", "users", files["users"][bom])
		mustCLI(t, db, "import", "snipeit", files["assets"][bom])
		for _, kind := range []string{"locations", "users", "assets"} {
			state[bom] = append(state[bom], mustCLI(t, db, "export", "snipeit", "--type", kind, "--no-bom"))
		}
	}
	if !reflect.DeepEqual(state[true], state[false]) {
		t.Errorf("imported with a BOM:\n%q\nwithout:\n%q", state[true], state[false])
	}
	for i, kind := range []string{"locations", "users", "assets"} {
		if kind != "assets" && state[true][i] != mustCLI(t, src, "export", "snipeit", "--type", kind, "--no-bom") {
			t.Errorf("%s after the round trip:\n%s", kind, state[true][i])
		}
	}
	if !strings.Contains(state[true][2], "A-1,Büro-Notebook,SN-1") || !strings.Contains(state[true][1], "Jürgen,Müller") {
		t.Errorf("round trip:\n%s", strings.Join(state[true], "\n"))
	}
}
