package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A tag that is another asset's serial, of the register or of the file, is
// refused as receive refuses a pre-printed one: a scan of that device's
// serial label would find the other asset. An asset's own serial may be
// its tag.
func TestImportSnipeITTagIsAnotherAssetsSerial(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for _, serial := range []string{"SN-77", "sn-78"} {
		if _, err := db.Receive(ctx, store.Receipt{Serial: serial, Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	// (receive refuses it, the rule this import follows)
	if _, err := db.Receive(ctx, store.Receipt{Tag: "SN-77", Serial: "X-1", Model: "L5440"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("receive of tag SN-77: %v", err)
	}
	before := takeSnapshot(t, db)
	data := "Asset Tag,Model Name,Serial Number\n" +
		"SN-77,Latitude 5440,X-1\n" + // the register's TD-000001's serial
		"SN-78,Latitude 5440,X-2\n" + // TD-000002's, in lower case there
		"FT-9,Latitude 5440,X-3\n" + // the serial of the next row
		"FT-10,Latitude 5440,ft-9\n" +
		"FT-11,Latitude 5440,FT-11\n" + // its own
		"FT-12,Latitude 5440,X-4\n" + // the serial of a tagless row
		",Latitude 5440,FT-12\n" +
		"FT-13,Latitude 5440,X-5\n"
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{})
	if store.ErrorCode(err) != store.EINVALID || rep.BadRows != 4 || rep.InRegister != 0 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	for i, want := range []struct {
		line       int
		tag, other string
	}{{2, "SN-77", "asset TD-000001"}, {3, "SN-78", "asset TD-000002"}, {4, "FT-9", "asset FT-10"}, {7, "FT-12", "the asset on line 8"}} {
		if b := rep.Bad[i]; b.Line != want.line || b.Column != "Asset Tag" || !strings.Contains(b.Reason, want.tag+" is already the serial of "+want.other) {
			t.Errorf("bad row %d: %+v, want line %d: %s is the serial of %s", i, b, want.line, want.tag, want.other)
		}
	}
	if after := takeSnapshot(t, db); after.events != before.events || len(after.assets) != len(before.assets) {
		t.Fatalf("a refused import changed the register")
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{SkipInvalid: true})
	if err != nil || rep.Imported != 4 || rep.BadRows != 4 {
		t.Fatalf("skip-invalid: %+v, %v", rep, err)
	}
	for _, tag := range []string{"FT-10", "FT-11", "FT-13"} {
		mustAsset(t, db, tag)
	}
	mustVerify(t, db)
}

// The other way round: a new asset's serial that is an asset's tag of the
// register is refused, as receive refuses it (notALabel): a scan of that
// serial would find the tagged asset.
func TestImportSnipeITSerialIsAnotherAssetsTag(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: strings.ToLower(a.Tag), Model: "L5440"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("receive of serial %s: %v", a.Tag, err)
	}
	before := takeSnapshot(t, db)
	data := "Asset Tag,Model Name,Serial Number\n" +
		"FT-1,Latitude 5440," + strings.ToLower(a.Tag) + "\n" +
		",Latitude 5440," + a.Tag + "\n" +
		"FT-3,Latitude 5440,X-3\n"
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{})
	if store.ErrorCode(err) != store.EINVALID || rep.BadRows != 2 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	for i, b := range rep.Bad {
		if b.Line != i+2 || b.Column != "Serial Number" || !strings.Contains(b.Reason, "is asset "+a.Tag+"'s tag, not a serial") {
			t.Errorf("bad row %d: %+v", i, b)
		}
	}
	if after := takeSnapshot(t, db); after.events != before.events || len(after.assets) != len(before.assets) {
		t.Fatalf("a refused import changed the register")
	}
}

// From a review: a new asset's serial that is the tag of a register asset
// whose own row is in the file (an --update file, or one with
// --skip-invalid) got in; and a tag was refused as the serial of a row
// that was itself refused (no asset has it).
func TestImportSnipeITSerialTagAcrossRows(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	importSnipe(t, db, []byte("Asset Tag,Model Name,Serial Number\nSN-100,Latitude 5440,SER-100\n"), store.ImportOptions{})
	data := "Asset Tag,Model Name,Serial Number,Notes\nN-1,Latitude 5440,SN-100,new\nSN-100,Latitude 5440,,updated\n"
	for _, opt := range []store.ImportOptions{{Update: true}, {SkipInvalid: true}} {
		rep, err := db.ImportSnipeIT(ctx, strings.NewReader(data), opt)
		if !slices.ContainsFunc(rep.Bad, func(b store.RowError) bool {
			return b.Line == 2 && strings.Contains(b.Reason, "is asset SN-100's tag, not a serial")
		}) {
			t.Errorf("%+v: %+v, %v", opt, rep, err)
		}
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Badge Holder", Badge: "BADGE-1"}); err != nil {
		t.Fatal(err)
	}
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Serial Number\nBADGE-1,Latitude 5440,NEWT-2\nNEWT-2,Latitude 5440,SER-B\n"), store.ImportOptions{SkipInvalid: true})
	if err != nil || rep.Imported != 1 || rep.BadRows != 1 {
		t.Fatalf("a tag that is a refused row's serial: %+v, %v", rep, err)
	}
	mustAsset(t, db, "NEWT-2")
	mustVerify(t, db)
}
