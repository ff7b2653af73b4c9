package store_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/tagdesk/tagdesk/store"
)

// A file Excel saved as "CSV (Comma delimited)" on a Western European or
// American Windows is in windows-1252: é is the byte 0xE9, € is 0x80.
// Named with its encoding, it imports as the same file in UTF-8 does;
// unnamed, it is refused, and the refusal says how to name it.
func TestImportSnipeITWindows1252(t *testing.T) {
	ctx := context.Background()
	cp1252 := []byte("Asset Tag,Serial Number,Model,Category,Manufacturer,Location,Full Name,Notes\n" +
		"E-1,SN-E1,ThinkPad T14,Laptops,Lenovo,Caf\xe9 M\xfcnchen,Jos\xe9 Mu\xf1oz,cost \x80 1\x92200\n")
	utf8File := []byte("Asset Tag,Serial Number,Model,Category,Manufacturer,Location,Full Name,Notes\n" +
		"E-1,SN-E1,ThinkPad T14,Laptops,Lenovo,Café München,José Muñoz,cost € 1’200\n")
	want := allEssentials(t, func() *store.DB {
		db := mustOpen(t)
		importSnipe(t, db, utf8File, store.ImportOptions{})
		return db
	}())

	db := mustOpen(t)
	before := takeSnapshot(t, db)
	rep, err := db.ImportSnipeIT(ctx, bytes.NewReader(cp1252), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, "--encoding") || !strings.Contains(rep.Bad[0].Reason, "windows-1252") {
		t.Fatalf("unnamed windows-1252: err %v, bad %+v", err, rep.Bad)
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Fatal("a refused file changed the register")
	}
	for _, label := range []string{"windows-1252", "cp1252", "latin1", "ISO-8859-1"} {
		t.Run(label, func(t *testing.T) {
			db := mustOpen(t)
			importSnipe(t, db, cp1252, store.ImportOptions{Encoding: label})
			if got := allEssentials(t, db); !reflect.DeepEqual(got, want) {
				t.Errorf("reads differently from the UTF-8 file:\n got %+v\nwant %+v", got, want)
			}
			a, err := db.Asset(ctx, "E-1")
			if err != nil || a.Notes != "cost € 1’200" {
				t.Errorf("notes %q (%v)", a.Notes, err)
			}
			mustVerify(t, db)
		})
	}
}

// A file that is UTF-8 already, named as windows-1252 by mistake, would
// come in garbled ("CafÃ©"): it is refused, and nothing changes. Its
// byte-order mark, if it has one, says what it is, and wins.
func TestImportSnipeITEncodingMistaken(t *testing.T) {
	ctx := context.Background()
	file := "Asset Tag,Serial Number,Model,Category,Location\nE-2,SN-E2,OptiPlex,Desktops,Café\n"
	db := mustOpen(t)
	before := takeSnapshot(t, db)
	_, err := db.ImportSnipeIT(ctx, strings.NewReader(file), store.ImportOptions{Encoding: "windows-1252"})
	if err == nil || !strings.Contains(store.ErrorMessage(err), "UTF-8 text already") {
		t.Fatalf("UTF-8 named windows-1252: %v", err)
	}
	if _, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Email\nJosé,Muñoz,jm@example.com\n"), store.ImportOptions{Encoding: "latin1"}); err == nil {
		t.Fatal("a UTF-8 users file named latin1 was read")
	}
	// From a fuzz hunt: so is one named in a code of two bytes a
	// character (it came in as "cafﾃｩ Mﾃｼller 譚ｱ莠ｬ", exit 0).
	for _, enc := range []string{"shift_jis", "euc-kr", "gbk", "big5", "euc-jp"} {
		_, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Serial Number,Model,Category,Location,Notes\nE-4,SN-E4,OptiPlex,Desktops,東京本社,café Müller\n"), store.ImportOptions{Encoding: enc})
		if err == nil || !strings.Contains(store.ErrorMessage(err), "UTF-8 text already") {
			t.Errorf("UTF-8 named %s: %v", enc, err)
		}
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Fatal("a refused file changed the register")
	}
	importSnipe(t, db, []byte("\ufeff"+file), store.ImportOptions{Encoding: "windows-1252"})
	if a, err := db.Asset(ctx, "E-2"); err != nil || a.LocationName != "Café" {
		t.Fatalf("with a byte-order mark: %+v (%v)", a, err)
	}
	// ASCII alone reads the same in either: nothing to refuse.
	importSnipe(t, db, []byte("Asset Tag,Serial Number,Model,Category,Location\nE-3,SN-E3,OptiPlex,Desktops,Cafe\n"), store.ImportOptions{Encoding: "windows-1252"})
}

// The users and locations files take the encoding too, and other
// encodings than windows-1252 are read (a Japanese office's Shift JIS).
func TestImportSnipeITEncodingTables(t *testing.T) {
	ctx := context.Background()
	sjis := func(s string) []byte {
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	db := mustOpen(t)
	if _, err := db.ImportSnipeITLocations(ctx, bytes.NewReader(sjis("Name,Parent\n東京本社,\n倉庫,東京本社\n")), store.ImportOptions{Encoding: "shift_jis"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportSnipeITUsers(ctx, bytes.NewReader(sjis("First Name,Last Name,Email,Location\n太郎,山田,taro@example.com,倉庫\n")), store.ImportOptions{Encoding: "shift_jis"}); err != nil {
		t.Fatal(err)
	}
	people, err := db.People(ctx, store.PeopleFilter{})
	if err != nil || len(people) != 1 || people[0].Name != "太郎 山田" {
		t.Fatalf("people %+v (%v)", people, err)
	}
	locs, err := db.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, l := range locs {
		names[l.Code] = l.Name
	}
	if names[people[0].LocationCode] != "倉庫" {
		t.Errorf("the person's place is %q of %v", people[0].LocationCode, names)
	}
	mustVerify(t, db)
}

func TestParseEncoding(t *testing.T) {
	for label, want := range map[string]string{"": "utf-8", "UTF8": "utf-8", "cp1252": "windows-1252", " latin1 ": "windows-1252", "Shift_JIS": "shift_jis", "utf-16le": "utf-16le",
		// The usual names of Latin-9 and Latin-1 and an MS-DOS code page,
		// which the web's index lacks ("latin9" was refused).
		"latin9": "iso-8859-15", "LATIN-9": "iso-8859-15", "latin-1": "windows-1252", "iso 8859-15": "iso-8859-15", "cp850": "IBM850"} {
		if got, err := store.ParseEncoding(label); err != nil || got != want {
			t.Errorf("ParseEncoding(%q) = %q, %v; want %q", label, got, err, want)
		}
	}
	for _, bad := range []string{"klingon", "replacement", strings.Repeat("x", 10000)} {
		if _, err := store.ParseEncoding(bad); err == nil || len(store.ErrorMessage(err)) > 300 {
			t.Errorf("ParseEncoding(%.20q): %v", bad, err)
		}
	}
}

// A UTF-8 file is refused under a code page wherever its first accent is:
// after 300 kB of ASCII, or as its very last character; a real Shift JIS
// file whose bytes happen to pair up as UTF-8 does is not (only code pages
// of one byte a character are judged so); an ASCII file named UTF-16 is
// refused as not UTF-16, not read as Chinese.
func TestImportSnipeITEncodingWholeFile(t *testing.T) {
	ctx := context.Background()
	var late strings.Builder
	late.WriteString("Asset Tag,Serial Number,Model,Category,Location\n")
	for i := 0; late.Len() < 300<<10; i++ {
		fmt.Fprintf(&late, "L-%d,SN-L%d,OptiPlex,Desktops,Cork\n", i, i)
	}
	late.WriteString("L-LAST,SN-LAST,OptiPlex,Desktops,Café\n")
	for name, file := range map[string]string{
		"accent after 300 kB": late.String(),
		"accent at the end":   "Asset Tag,Serial Number,Model,Category,Location\nE-9,SN-E9,OptiPlex,Desktops,Café",
	} {
		db := mustOpen(t)
		before := takeSnapshot(t, db)
		_, err := db.ImportSnipeIT(ctx, strings.NewReader(file), store.ImportOptions{Encoding: "windows-1252"})
		if err == nil || !strings.Contains(store.ErrorMessage(err), "UTF-8 text already") {
			t.Errorf("%s: %v", name, err)
		}
		if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: a refused file changed the register", name)
		}
	}
	db := mustOpen(t)
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("First Name,Last Name,Email\nﾄｵ,ﾆｼ,toni@example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportSnipeITUsers(ctx, bytes.NewReader(sjis), store.ImportOptions{Encoding: "shift_jis"}); err != nil {
		t.Errorf("half-width katakana in Shift JIS: %v", err)
	}
	for _, enc := range []string{"iso-8859-8-i", "koi8-r", "iso-8859-2"} {
		_, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Serial Number,Model,Category,Location\nE-4,SN-E4,OptiPlex,Desktops,Café\n"), store.ImportOptions{Encoding: enc})
		if err == nil || !strings.Contains(store.ErrorMessage(err), "UTF-8 text already") {
			t.Errorf("UTF-8 named %s: %v", enc, err)
		}
	}
	_, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Serial Number,Model,Category,Location\nE-3,SN-E3,OptiPlex,Desktops,Cork\n"), store.ImportOptions{Encoding: "utf-16le"})
	if err == nil || !strings.Contains(store.ErrorMessage(err), "not UTF-16") {
		t.Errorf("ASCII named UTF-16: %v", err)
	}
}

// From a new user's walk: "Unicode Text" saved without its byte-order mark
// was read as UTF-8, and refused as missing its columns, with the zero
// bytes of its header on the terminal. It is named as UTF-16, with the
// flag that reads it, and reads with that flag.
func TestImportSnipeITUTF16WithoutBOM(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	text := "Asset Tag,Model\r\nE-5,M\r\n"
	for _, c := range []struct{ enc string }{{"utf-16le"}, {"utf-16be"}} {
		var b []byte
		for _, r := range text {
			if c.enc == "utf-16le" {
				b = append(b, byte(r), 0)
			} else {
				b = append(b, 0, byte(r))
			}
		}
		_, err := db.ImportSnipeIT(ctx, bytes.NewReader(b), store.ImportOptions{})
		if err == nil || !strings.Contains(store.ErrorMessage(err), "looks like UTF-16 without a byte-order mark") || !strings.Contains(store.ErrorMessage(err), "--encoding "+c.enc) || strings.ContainsRune(err.Error(), 0) {
			t.Errorf("%s without a mark: %v", c.enc, err)
		}
	}
	var le []byte
	for _, r := range text {
		le = append(le, byte(r), 0)
	}
	importSnipe(t, db, le, store.ImportOptions{Encoding: "utf-16le"})
	if _, err := db.Asset(ctx, "E-5"); err != nil {
		t.Fatal(err)
	}
}

// A file in an MS-DOS code page (cp850: ü is 0x81) or named by Latin-9's
// usual name is read with --encoding as the web's names are.
func TestImportSnipeITEncodingIANANames(t *testing.T) {
	for enc, file := range map[string][]byte{
		"cp850":  []byte("Asset Tag,Model Name,Location\nE-1,Latitude 5440,B\x81ro\n"),
		"latin9": []byte("Asset Tag,Model Name,Location\nE-1,Latitude 5440,B\xfcro \xa4\n"),
	} {
		db := mustOpen(t)
		seed(t, db)
		importSnipe(t, db, file, store.ImportOptions{Encoding: enc})
		want := "Büro"
		if enc == "latin9" {
			want = "Büro €"
		}
		if a := mustAsset(t, db, "E-1"); a.LocationName != want {
			t.Errorf("%s: the asset is at %q, want %q", enc, a.LocationName, want)
		}
	}
}
