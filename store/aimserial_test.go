package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A serial scanned at receiving by a scanner that sends AIM symbology
// identifiers is stored as every later scan of it resolves: the asset is
// found by the same scan, and the bare serial is the same serial.
func TestReceiveSerialWithAIMPrefix(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "]C1SN-AIM-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.ResolveAsset(ctx, "]C1SN-AIM-1")
	if err != nil || got.Tag != a.Tag {
		t.Fatalf("the same scan resolves to %q, %v; want %s", got.Tag, err, a.Tag)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-AIM-1", Model: "L5440", Location: "DUB"}); !errors.Is(err, store.ErrDuplicateSerial) {
		t.Fatalf("the bare serial received again: %v", err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: " ]C1 ", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("a prefix alone: %v", err)
	}
	// Two prefixes (the scanner's and its wedge software's): both dropped.
	b, err := db.Receive(ctx, store.Receipt{Serial: "]C1]C1SN-AIM-2", Model: "L5440", Location: "DUB"})
	if err != nil || b.Serial != "SN-AIM-2" {
		t.Fatalf("received with two prefixes: %q, %v", b.Serial, err)
	}
	if got, err := db.ResolveAsset(ctx, "]Q1 ]C1 SN-AIM-2"); err != nil || got.Tag != b.Tag {
		t.Fatalf("scanned with two prefixes: %q, %v", got.Tag, err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "]C1]C1", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("two prefixes alone: %v", err)
	}
}

// From a review: a name an early tagdesk stored with a terminal escape
// was copied into every later change that names it (a receipt's place
// label), which the server refuses, and the desk's queue stopped for good.
// The copy carries U+FFFD instead; the server takes it.
func TestCopiedEscapeIsDefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if err := db.ExecForTest(ctx, "UPDATE locations SET name = 'Head'||char(27)||'[1moffice' WHERE code = 'DUB'"); err != nil {
		t.Fatal(err)
	}
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-ESC-9", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := db.History(ctx, a.UID)
	if err != nil || len(h) == 0 {
		t.Fatalf("history: %v", err)
	}
	e := h[len(h)-1]
	if !strings.Contains(string(e.Payload), "Head\uFFFD[1moffice") || strings.Contains(string(e.Payload), `\u001b`) {
		t.Errorf("payload: %s", e.Payload)
	}
	if err := store.CheckPushed(&e); err != nil {
		t.Errorf("the server would refuse it: %v", err)
	}
}

// From a review: a serial an older tagdesk stored with the prefix (]C1SN-7:
// it dropped one of two, or none) was found by no scan once every prefix
// was dropped, and the device could be received again unnoticed.
func TestLegacyAIMSerialStillFound(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-OLD-7", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, "UPDATE assets SET serial = ']C1SN-OLD-7' WHERE tag = '"+a.Tag+"'"); err != nil {
		t.Fatal(err)
	}
	for _, scan := range []string{"SN-OLD-7", "]C1SN-OLD-7", "]C1]C1SN-OLD-7", "sn-old-7"} {
		if got, err := db.ResolveAsset(ctx, scan); err != nil || got.Tag != a.Tag {
			t.Errorf("scan %q: %q %v", scan, got.Tag, err)
		}
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "]C1]C1SN-OLD-7", Model: "L5440", Location: "DUB"}); !errors.Is(err, store.ErrDuplicateSerial) {
		t.Errorf("received again: %v", err)
	}
}

// From a review: serials stored with a less common prefix (PDF417's ]L0,
// GS1's ]e0, Codabar's ]F0, Aztec's ]z0) were no longer found.
func TestLegacyAIMSerialOtherSymbologies(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for i, prefix := range []string{"]L0", "]e0", "]F0", "]z0"} {
		serial := fmt.Sprintf("SN-SYM-%d", i)
		a, err := db.Receive(ctx, store.Receipt{Serial: serial, Model: "L5440", Location: "DUB"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ExecForTest(ctx, "UPDATE assets SET serial = '"+prefix+serial+"' WHERE tag = '"+a.Tag+"'"); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ResolveAsset(ctx, serial); err != nil || got.Tag != a.Tag {
			t.Errorf("%s%s: %q %v", prefix, serial, got.Tag, err)
		}
		if _, err := db.Receive(ctx, store.Receipt{Serial: serial, Model: "L5440", Location: "DUB"}); !errors.Is(err, store.ErrDuplicateSerial) {
			t.Errorf("%s%s received again: %v", prefix, serial, err)
		}
	}
}

// From a scanner hunt: a location label read with the scanner's AIM prefix
// was refused where a place is named (a move, a count, a check-in's return
// place), though tags, serials and badges were read without it.
func TestLocationScannedWithAIMPrefix(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.Receive(ctx, store.Receipt{Tag: "T-1", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if a, err := db.Move(ctx, "T-1", "]C1DUB-STORE"); err != nil || a.LocationCode != "DUB-STORE" {
		t.Fatalf("move to ]C1DUB-STORE: %+v %v", a, err)
	}
	if st, err := db.StartStocktake(ctx, "]Q1DUB-STORE"); err != nil || st.LocationCode != "DUB-STORE" {
		t.Fatalf("count ]Q1DUB-STORE: %+v %v", st, err)
	}
	if _, err := db.Move(ctx, "T-1", "]C1NOWHERE"); store.ErrorCode(err) != store.ENOTFOUND || !strings.Contains(err.Error(), "]C1NOWHERE") {
		t.Fatalf("an unknown place, prefixed: %v", err)
	}
}

// From a labels hunt: a pre-printed tag that is another asset's serial was
// taken, so a scan of that serial found the new asset, and its label named
// the other device. Refused, as a serial that is a tag is.
func TestTagThatIsAnotherSerialRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.Receive(ctx, store.Receipt{Tag: "SER-X", Serial: "ZZ-9", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Tag: "zz-9", Serial: "SN-SECOND", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(err.Error(), "serial of asset SER-X") {
		t.Fatalf("a tag that is SER-X's serial: %v", err)
	}
	if err := db.CheckTagScan(ctx, "ZZ-9"); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("a pre-printed tag scanned that is SER-X's serial: %v", err)
	}
	if r, err := db.Resolve(ctx, "SN-SECOND"); err == nil && r.Asset != nil {
		t.Fatalf("the refused receipt made %s", r.Asset.Tag)
	}
}
