package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// eventCount is the number of events in the log.
func eventCount(t *testing.T, db *store.DB) int {
	t.Helper()
	n := 0
	if err := db.EachEvent(context.Background(), zeroTime, zeroTime, func(store.Event) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	out, err := db.Receive(ctx, store.Receipt{Tag: "TD-OUT", Serial: "S-OUT", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, out.Tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	gone, err := db.Receive(ctx, store.Receipt{Tag: "TD-GONE", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Dispose(ctx, gone.Tag, store.Disposal{Method: "shred"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Tag: "TD-IN", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	before := eventCount(t, db)
	cases := []struct {
		name string
		code string
		do   func() error
	}{
		{"duplicate tag", store.ECONFLICT, func() error {
			_, err := db.Receive(ctx, store.Receipt{Tag: "td-out", Model: "L5440", Location: "DUB"})
			return err
		}},
		{"duplicate serial", store.ECONFLICT, func() error {
			_, err := db.Receive(ctx, store.Receipt{Serial: "S-OUT", Model: "L5440", Location: "DUB"})
			return err
		}},
		{"bad tag characters", store.EINVALID, func() error {
			_, err := db.Receive(ctx, store.Receipt{Tag: "TD_1", Model: "L5440", Location: "DUB"})
			return err
		}},
		{"unknown model", store.ENOTFOUND, func() error {
			_, err := db.Receive(ctx, store.Receipt{Model: "Nope 9000", Location: "DUB"})
			return err
		}},
		{"unknown location", store.ENOTFOUND, func() error {
			_, err := db.Receive(ctx, store.Receipt{Model: "L5440", Location: "MARS"})
			return err
		}},
		{"unknown person", store.ENOTFOUND, func() error {
			_, err := db.CheckOut(ctx, "TD-IN", "B9999", "")
			return err
		}},
		{"already out", store.ECONFLICT, func() error {
			_, err := db.CheckOut(ctx, out.Tag, "DUB", "")
			return err
		}},
		{"retire deployed", store.EINVALID, func() error {
			_, err := db.Retire(ctx, out.Tag, "")
			return err
		}},
		{"touch disposed", store.EINVALID, func() error {
			_, err := db.Move(ctx, gone.Tag, "DUB-STORE")
			return err
		}},
		{"dispose twice", store.EINVALID, func() error {
			_, err := db.Dispose(ctx, gone.Tag, store.Disposal{Method: "shred"})
			return err
		}},
		{"make deployed by a status", store.EINVALID, func() error {
			_, err := db.SetStatus(ctx, "TD-IN", store.StatusDeployed, "")
			return err
		}},
		{"check in what is not out", store.EINVALID, func() error {
			_, err := db.CheckIn(ctx, gone.Tag, store.CheckInOptions{})
			return err
		}},
		{"bad due date", store.EINVALID, func() error {
			_, err := db.CheckOut(ctx, "TD-IN", "B1001", "31/31/2026")
			return err
		}},
		{"due date out of range (its export would not import)", store.EINVALID, func() error {
			_, err := db.CheckOut(ctx, "TD-IN", "B1001", "9999-12-31")
			return err
		}},
		{"warranty end out of range", store.EINVALID, func() error {
			_, err := db.UpdateAsset(ctx, "TD-IN", map[string]string{"warranty_end": "1800-01-01"})
			return err
		}},
		{"10 kB scan", store.EINVALID, func() error {
			_, err := db.CheckOut(ctx, strings.Repeat("A", 10_000), "B1001", "")
			return err
		}},
		{"non-UTF-8 holder", store.EINVALID, func() error {
			_, err := db.CheckOut(ctx, out.Tag, "\xff\xfe", "")
			return err
		}},
		{"checkout all or none", store.ECONFLICT, func() error {
			a, err := db.Receive(ctx, store.Receipt{Tag: "TD-FREE", Model: "L5440", Location: "DUB"})
			if err != nil {
				return err
			}
			before++ // the receive above is a real change
			_, err = db.CheckOutAll(ctx, []string{a.Tag, out.Tag}, "B1001", "")
			return err
		}},
	}
	for _, c := range cases {
		err := c.do()
		if got := store.ErrorCode(err); got != c.code {
			t.Errorf("%s: code %q (%v), want %q", c.name, got, err, c.code)
		}
		if store.ErrorMessage(err) == "" {
			t.Errorf("%s: empty message", c.name)
		}
	}
	if got := eventCount(t, db); got != before {
		t.Fatalf("events: %d, want %d: a refused change left an event", got, before)
	}
	free, err := db.Asset(ctx, "TD-FREE")
	if err != nil || free.Status != store.StatusInStock {
		t.Fatalf("TD-FREE after refused batch: %v %v, want in stock", free.Status, err)
	}
	if rep, err := db.Verify(ctx, t.TempDir()); err != nil || !rep.OK {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.Receive(ctx, store.Receipt{Tag: "TD-9", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	// State edited behind the log's back.
	if err := db.ExecForTest(ctx, `UPDATE assets SET name = 'sneaky' WHERE tag = 'TD-9'`); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Verify(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Problems) == 0 || !strings.Contains(strings.Join(rep.Problems, " "), "assets") {
		t.Fatalf("verify missed a state edit: %+v", rep.Problems)
	}
	// Events cannot be edited at all.
	if err := db.ExecForTest(ctx, `UPDATE events SET operator = 'mallory'`); err == nil {
		t.Fatal("updating an event succeeded")
	}
	if err := db.ExecForTest(ctx, `DELETE FROM events`); err == nil {
		t.Fatal("deleting events succeeded")
	}
}

func TestTagCheckCharacter(t *testing.T) {
	for _, body := range []string{"TD-000001", "TD-000002", "ACME-12345", "A"} {
		tag := body + string(store.TagCheckChar(body))
		if !store.CheckTag(tag) {
			t.Errorf("CheckTag(%q) = false", tag)
		}
		// Any single substitution is detected.
		for i := 0; i < len(tag); i++ {
			if tag[i] == '-' {
				continue
			}
			for _, c := range []byte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				if c == tag[i] {
					continue
				}
				bad := tag[:i] + string(c) + tag[i+1:]
				if store.CheckTag(bad) {
					t.Fatalf("CheckTag(%q) accepted a substitution of %q", bad, tag)
				}
			}
		}
	}
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if err := db.SetSetting(ctx, store.SettingTagCheck, "1"); err != nil {
		t.Fatal(err)
	}
	a, err := db.Receive(ctx, store.Receipt{Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if !store.CheckTag(a.Tag) || len(a.Tag) != len("TD-000001")+1 {
		t.Fatalf("generated tag %q has no valid check character", a.Tag)
	}
	mangled := a.Tag[:len(a.Tag)-2] + "9" + a.Tag[len(a.Tag)-1:]
	if mangled == a.Tag {
		mangled = a.Tag[:len(a.Tag)-2] + "8" + a.Tag[len(a.Tag)-1:]
	}
	if _, err := db.Receive(ctx, store.Receipt{Tag: mangled, Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("mangled pre-printed tag %q accepted: %v", mangled, err)
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"TD-000001", "td-000001\r", "CN0XYZ123", "https://x/a/TD-000001", "]Q1TD-1", "B1001", "DUB", "\xff", "", strings.Repeat("Z", 300), "a@b", "?tag=TD-000001"} {
		f.Add(s)
	}
	db := mustOpen(f)
	seed(f, db)
	ctx := context.Background()
	if _, err := db.Receive(ctx, store.Receipt{Serial: "CN0XYZ123", Model: "L5440", Location: "DUB"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, scan string) {
		r, err := db.Resolve(ctx, scan)
		if err != nil {
			if c := store.ErrorCode(err); c != store.ENOTFOUND && c != store.EINVALID {
				t.Fatalf("Resolve(%q): %v (code %s)", scan, err, c)
			}
			return
		}
		switch r.Kind {
		case store.ResolvedAsset:
			if r.Asset == nil {
				t.Fatal("asset resolution without asset")
			}
		case store.ResolvedPerson:
			if r.Person == nil {
				t.Fatal("person resolution without person")
			}
		case store.ResolvedLocation:
			if r.Location == nil {
				t.Fatal("location resolution without location")
			}
		default:
			t.Fatalf("kind %q", r.Kind)
		}
	})
}

var zeroTime time.Time

// A batch that names an asset twice (a double scan, its tag typed in
// lower case) acts on it once instead of refusing the batch.
func TestBatchNamesAnAssetTwice(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for _, tag := range []string{"TD-A", "TD-B"} {
		if _, err := db.Receive(ctx, store.Receipt{Tag: tag, Serial: "S-" + tag, Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	before := eventCount(t, db)
	out, err := db.CheckOutAll(ctx, []string{"TD-A", "td-a", "TD-B", "TD-A"}, "B1001", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Tag != "TD-A" || out[1].Tag != "TD-B" || out[0].Status != store.StatusDeployed {
		t.Fatalf("checked out %+v", out)
	}
	in, err := db.CheckInAll(ctx, []string{"TD-B", "TD-B", "TD-A"}, store.CheckInOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 2 || in[0].Tag != "TD-B" || in[1].Tag != "TD-A" || in[1].Status != store.StatusInStock {
		t.Fatalf("checked in %+v", in)
	}
	if got := eventCount(t, db); got != before+4 {
		t.Fatalf("events: %d, want %d", got, before+4)
	}
}

// Text that is not UTF-8, or far too long, is refused before it reaches
// the log (JSON would keep invalid bytes as U+FFFD without a word).
func TestBadTextChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	before := eventCount(t, db)
	for _, c := range []struct {
		name, msg string
		do        func() error
	}{
		{"serial", "serial is not valid text (UTF-8): check the scanner's keyboard layout or the file's encoding", func() error {
			_, err := db.Receive(ctx, store.Receipt{Serial: "SN-\xff", Model: "L5440", Location: "DUB"})
			return err
		}},
		{"person name", "name is not valid text (UTF-8): check the scanner's keyboard layout or the file's encoding", func() error {
			_, err := db.AddPerson(ctx, store.PersonInput{Name: "Bad\xffName"})
			return err
		}},
		{"long name", "name is too long (10240 bytes, at most 1024)", func() error {
			_, err := db.AddPerson(ctx, store.PersonInput{Name: strings.Repeat("n", 10240)})
			return err
		}},
		{"operator", "operator is not valid text (UTF-8): check the scanner's keyboard layout or the file's encoding", func() error {
			db.SetOperator("Op\xff")
			defer db.SetOperator("tester")
			_, err := db.AddLocation(ctx, "CORK", "Cork", "")
			return err
		}},
		{"escape in a name", "name holds a control character (ESC): type it again, or fix the file", func() error {
			_, err := db.AddPerson(ctx, store.PersonInput{Name: "Eve\x1b[2J"})
			return err
		}},
		{"line break in a name", "name holds a control character (a line break): type it again, or fix the file", func() error {
			_, err := db.AddLocation(ctx, "CORK", "Cork\nCity", "")
			return err
		}},
		{"escape in notes", "notes holds a control character (ESC): type it again, or fix the file", func() error {
			_, err := db.Receive(ctx, store.Receipt{Serial: "SN-3", Model: "L5440", Location: "DUB", Notes: "line one\n\x1b]0;title\x07"})
			return err
		}},
		{"C1 control in a serial", "serial holds a control character (U+009B): type it again, or fix the file", func() error {
			_, err := db.Receive(ctx, store.Receipt{Serial: "SN-\u009b4", Model: "L5440", Location: "DUB"})
			return err
		}},
		{"line break in the operator", "operator holds a control character (a line break): type it again, or fix the file", func() error {
			db.SetOperator("ali\nce")
			defer db.SetOperator("tester")
			_, err := db.AddLocation(ctx, "CORK", "Cork", "")
			return err
		}},
	} {
		err := c.do()
		if store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != c.msg {
			t.Errorf("%s: %v; want %s", c.name, err, c.msg)
		}
	}
	if got := eventCount(t, db); got != before {
		t.Fatalf("events: %d, want %d", got, before)
	}
	// A real U+FFFD is text like any other.
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Odd \ufffd Name"}); err != nil {
		t.Fatal(err)
	}
	// Notes may be longer than a name, and hold lines and tabs.
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-2", Model: "L5440", Location: "DUB", Notes: strings.Repeat("x", 5000) + "\r\n\tend"}); err != nil {
		t.Fatal(err)
	}
}

// A serial that differs from another asset's only in case is the same
// serial to a scanner (a scan matches as written or upper-cased).
func TestReceiveDuplicateSerialAnyCase(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-100", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	_, err := db.Receive(ctx, store.Receipt{Serial: "sn-100", Model: "L5440", Location: "DUB"})
	if store.ErrorCode(err) != store.ECONFLICT || store.ErrorMessage(err) != "serial sn-100 is already on asset TD-000001" {
		t.Fatalf("lower-case duplicate: %v", err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "sn-100", Model: "L5440", Location: "DUB", AllowDuplicateSerial: true}); err != nil {
		t.Fatalf("allowed duplicate: %v", err)
	}
	// Twice in one batch: named as such (the first copy's tag never was).
	before := eventCount(t, db)
	_, err = db.ReceiveAll(ctx, []store.Receipt{{Serial: "SN-201", Model: "L5440", Location: "DUB"}, {Serial: "SN-202", Model: "L5440", Location: "DUB"}, {Serial: "sn-201", Model: "L5440", Location: "DUB"}})
	if store.ErrorCode(err) != store.ECONFLICT || store.ErrorMessage(err) != "item 3: serial sn-201 is also item 1" {
		t.Fatalf("a serial twice in a batch: %v", err)
	}
	if got := eventCount(t, db); got != before {
		t.Fatalf("events: %d, want %d", got, before)
	}
}

// An asset's label scanned at receiving (its tag, or the URL its QR code
// holds) is refused as a serial: taken, it made a second asset that the
// label's scans then found first, and checked out instead.
func TestReceiveRefusesALabelAsSerial(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	before := eventCount(t, db)
	for _, serial := range []string{"https://assets.example.com/hardware/TD-000001", "td-000001", "https://x.example/a?tag=TD-000001"} {
		_, err := db.Receive(ctx, store.Receipt{Serial: serial, Model: "L5440", Location: "DUB"})
		if store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "is asset TD-000001's") {
			t.Errorf("%s as a serial: %v", serial, err)
		}
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-2", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAsset(ctx, "TD-000002", map[string]string{"serial": "https://assets.example.com/hardware/TD-000001"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("a label as an edited serial: %v", err)
	}
	if got := eventCount(t, db); got != before+1 {
		t.Fatalf("events: %d, want %d (the one good receipt)", got, before+1)
	}
	if res, err := db.Resolve(ctx, "https://assets.example.com/hardware/TD-000001"); err != nil || res.Asset == nil || res.Asset.Tag != "TD-000001" {
		t.Fatalf("the label resolves to %+v %v", res.Asset, err)
	}
	// A URL naming no asset of the register is a serial like any other.
	if _, err := db.Receive(ctx, store.Receipt{Serial: "HTTP://MAKER.EXAMPLE/S/ABC123", Model: "L5440", Location: "DUB"}); err != nil {
		t.Errorf("a maker's URL serial: %v", err)
	}
}

// Long notes may be edited (the bound follows the field down the update's
// old and new values); a bad custom field value is named by its path.
func TestTextBoundsFollowTheField(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("n", 5000)
	if _, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"notes": long}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"notes": long + "!"}); err != nil {
		t.Fatal(err)
	}
	_, err = db.Receive(ctx, store.Receipt{Serial: "SN-2", Model: "L5440", Location: "DUB", Custom: map[string]string{"RAM": "16\xffGB"}})
	if store.ErrorMessage(err) != "custom field RAM is not valid text (UTF-8): check the scanner's keyboard layout or the file's encoding" {
		t.Fatalf("bad custom value: %v", err)
	}
	// An update's fields are named as people know them, not by the
	// event's payload.
	_, err = db.UpdateAsset(ctx, a.Tag, map[string]string{"notes": "bad\xff"})
	if store.ErrorMessage(err) != "notes is not valid text (UTF-8): check the scanner's keyboard layout or the file's encoding" {
		t.Fatalf("bad notes in an update: %v", err)
	}
	_, err = db.UpdateAsset(ctx, a.Tag, map[string]string{"custom:" + strings.Repeat("k", 2000): "v"})
	if store.ErrorMessage(err) != "custom field name is 2000 characters long; at most 256" {
		t.Fatalf("a long custom field name in an update: %v", err)
	}
	// From a lifecycle hunt: " RAM " made a second field beside RAM, which
	// the export then wrote as two columns.
	if _, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"custom:RAM": "8GB"}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"custom: RAM ": "16GB"}); err != nil || got.Custom["RAM"] != "16GB" || len(got.Custom) != 1 {
		t.Fatalf("custom: RAM : %v %v", got.Custom, err)
	}
	if _, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"custom: ": "x"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("a blank custom field name: %v", err)
	}
	// A field an older tagdesk named with spaces around is that field (a
	// review: it could no longer be changed or cleared).
	if err := db.ExecForTest(ctx, `INSERT INTO custom_fields(name) VALUES (' Disk ')`); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, `UPDATE assets SET custom = json_set(custom, '$." Disk "', '256GB') WHERE tag = '`+a.Tag+`'`); err != nil {
		t.Fatal(err)
	}
	got, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"custom: Disk ": "512GB"})
	if err != nil || got.Custom[" Disk "] != "512GB" || got.Custom["Disk"] != "" {
		t.Fatalf("an old spaced field: %v %v", got.Custom, err)
	}
	if got, err = db.UpdateAsset(ctx, a.Tag, map[string]string{"custom:disk": "1TB"}); err != nil || got.Custom[" Disk "] != "1TB" || len(got.Custom) != 2 {
		t.Fatalf("the old spaced field in another case: %v %v", got.Custom, err)
	}
}

// An offboarded person's badge is refused as a holder at once, not at the
// first asset scanned to them.
func TestOffboardedHolderRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.Offboard(ctx, "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := db.ResolveHolder(ctx, "B1001")
	if store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != "Ana Silva (B1001) has been offboarded and cannot receive assets" {
		t.Fatalf("offboarded holder: %v", err)
	}
}

// An update's serial is checked as a receipt's is; its currency is a
// three-letter code, upper-cased, and a cost's symbol sets it too.
func TestUpdateSerialAndCurrency(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Receive(ctx, store.Receipt{Serial: "SN-2", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	before := eventCount(t, db)
	_, err = db.UpdateAsset(ctx, b.Tag, map[string]string{"serial": "sn-1"})
	if store.ErrorCode(err) != store.ECONFLICT || store.ErrorMessage(err) != "serial sn-1 is already on asset "+a.Tag {
		t.Fatalf("a serial another asset has: %v", err)
	}
	if _, err = db.UpdateAsset(ctx, b.Tag, map[string]string{"currency": "EURO"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("a currency that is no code: %v", err)
	}
	if _, err = db.UpdateAsset(ctx, b.Tag, map[string]string{"serial": strings.Repeat("S", 900)}); store.ErrorMessage(err) != "serial is 900 characters; at most 256" {
		t.Fatalf("a serial longer than a receipt may have: %v", err)
	}
	if got := eventCount(t, db); got != before {
		t.Fatalf("events: %d, want %d", got, before)
	}
	// Its own serial in another case is a correction, not a clash.
	if got, err := db.UpdateAsset(ctx, b.Tag, map[string]string{"serial": "sn-2"}); err != nil || got.Serial != "sn-2" {
		t.Fatalf("recasing its own serial: %+v %v", got.Serial, err)
	}
	if got, err := db.UpdateAsset(ctx, b.Tag, map[string]string{"purchase_cost": "€1.299,50"}); err != nil || got.PurchaseCost != "1299.50" || got.Currency != "EUR" {
		t.Fatalf("a cost with its symbol: %q %q %v", got.PurchaseCost, got.Currency, err)
	}
	if got, err := db.UpdateAsset(ctx, b.Tag, map[string]string{"currency": "usd"}); err != nil || got.Currency != "USD" {
		t.Fatalf("a lower-case code: %q %v", got.Currency, err)
	}
	// A cost in one currency with another given: refused, nothing done
	// (the currency given won without a word); a bare $ is any dollar.
	before = eventCount(t, db)
	if _, err = db.UpdateAsset(ctx, b.Tag, map[string]string{"purchase_cost": "€10", "currency": "USD"}); store.ErrorMessage(err) != `purchase cost "€10" is in EUR, but the currency given is USD: correct one of them` {
		t.Fatalf("a cost in euros given as dollars: %v", err)
	}
	if _, err = db.UpdateAsset(ctx, b.Tag, map[string]string{"purchase_cost": "A$10", "currency": "nzd"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("Australian dollars given as New Zealand's: %v", err)
	}
	// A currency that is no code with a cost in another: told it is no
	// code (it was told the currency given disagrees), whichever field
	// is read first.
	for range 20 {
		if _, err = db.UpdateAsset(ctx, b.Tag, map[string]string{"purchase_cost": "€10", "currency": "xx"}); store.ErrorMessage(err) != `currency "XX" is not a three-letter code such as EUR, USD or GBP` {
			t.Fatalf("a cost in euros with a currency that is no code: %v", err)
		}
	}
	if got := eventCount(t, db); got != before {
		t.Fatalf("events: %d, want %d", got, before)
	}
	if got, err := db.UpdateAsset(ctx, b.Tag, map[string]string{"purchase_cost": "$10", "currency": "aud"}); err != nil || got.PurchaseCost != "10.00" || got.Currency != "AUD" {
		t.Fatalf("a bare $ with dollars given: %q %q %v", got.PurchaseCost, got.Currency, err)
	}
	if got, err := db.UpdateAsset(ctx, b.Tag, map[string]string{"purchase_cost": "€12", "currency": "EUR"}); err != nil || got.PurchaseCost != "12.00" || got.Currency != "EUR" {
		t.Fatalf("a cost and its own currency: %q %q %v", got.PurchaseCost, got.Currency, err)
	}
	mustVerify(t, db)
}

// A scannable code names one thing: a location code, a badge or an asset
// tag that is already one of the others is refused, and a generated tag
// skips a number whose tag is already a location's code.
func TestScanCodesNameOneThing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	before := eventCount(t, db)
	for _, c := range []struct {
		name, want string
		do         func() error
	}{
		{"location named like a tag", a.Tag + " is already an asset's tag: a scan of it must name one thing", func() error {
			_, err := db.AddLocation(ctx, a.Tag, "Shelf", "")
			return err
		}},
		{"location named like a badge", "B1001 is already the badge of Ana Silva (B1001): a scan of it must name one thing", func() error {
			_, err := db.AddLocation(ctx, "b1001", "Shelf", "")
			return err
		}},
		{"badge like a location", "DUB is already the code of location Dublin office (DUB): a scan of it must name one thing", func() error {
			_, err := db.AddPerson(ctx, store.PersonInput{Name: "Yves", Badge: "dub"})
			return err
		}},
		{"tag like a badge", "B1001 is already the badge of Ana Silva (B1001): a scan of it must name one thing", func() error {
			_, err := db.Receive(ctx, store.Receipt{Serial: "SN-2", Model: "L5440", Location: "DUB", Tag: "B1001"})
			return err
		}},
	} {
		if err := c.do(); store.ErrorCode(err) != store.ECONFLICT || store.ErrorMessage(err) != c.want {
			t.Errorf("%s: %v; want %s", c.name, err, c.want)
		}
	}
	if got := eventCount(t, db); got != before {
		t.Fatalf("events: %d, want %d", got, before)
	}
	next, err := db.NextTag(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, next, "Shelf named like the next tag", ""); err != nil {
		t.Fatal(err)
	}
	b, err := db.Receive(ctx, store.Receipt{Serial: "SN-3", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Tag == next {
		t.Fatalf("generated %s, a location's code", b.Tag)
	}
	mustVerify(t, db)
}

// A failed print keeps its whole reason (up to 500 bytes), not a cut one.
func TestPrintErrorKeepsItsReason(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	j, err := db.QueueLabel(ctx, a.Tag, "", "")
	if err != nil {
		t.Fatal(err)
	}
	reason := `field serial "` + strings.Repeat("5", 60) + `" is 2840 dots wide; the template has 585`
	if err := db.MarkPrintError(ctx, j.ID, reason, true); err != nil {
		t.Fatal(err)
	}
	js, err := db.PrintJobs(ctx, store.JobFailed, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range js {
		if x.ID == j.ID {
			found = true
			if x.LastError != reason {
				t.Fatalf("stored %q", x.LastError)
			}
		}
	}
	if !found {
		t.Fatal("the failed job is not listed")
	}
}

// Text already stored (a name with a tab from before the control-character
// rule, or from another desk) does not block the changes that copy it into
// their events; a custom field named like a path part is judged as the
// value it is.
func TestStoredTextDoesNotBlockChanges(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, "UPDATE people SET name = 'Ann\tLee' WHERE badge = 'B1001'"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, a.Tag, "B1001", ""); err != nil {
		t.Fatalf("check-out to a stored name with a tab: %v", err)
	}
	if _, err := db.CheckIn(ctx, a.Tag, store.CheckInOptions{}); err != nil {
		t.Fatalf("check-in from a stored name with a tab: %v", err)
	}
	_, err = db.Receive(ctx, store.Receipt{Serial: "SN-2", Model: "L5440", Location: "DUB", Custom: map[string]string{"Wiring.old": "x\x1b[2J"}})
	if store.ErrorMessage(err) != "custom field Wiring.old holds a control character (ESC): type it again, or fix the file" {
		t.Fatalf("ESC in a custom field named *.old: %v", err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-3", Model: "L5440", Location: "DUB", Custom: map[string]string{"name": "two\nlines"}}); err != nil {
		t.Fatalf("lines in a custom field called name: %v", err)
	}
}

// A person known by a name alone (an import that named the custodian and
// nothing else) can be checked out to by that name; a name two people
// share asks for something that tells them apart.
func TestHolderByFullName(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Tom Byrne"}); err != nil {
		t.Fatal(err)
	}
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.CheckOut(ctx, a.Tag, "Tom Byrne", "")
	if err != nil || got.CustodianName != "Tom Byrne" {
		t.Fatalf("check out to a name: %+v %v", got, err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Tom Byrne", Email: "tom2@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, err = db.ResolveHolder(ctx, "Tom Byrne")
	if store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != `"Tom Byrne" names more than one person: use their badge, username or email` {
		t.Fatalf("a shared name: %v", err)
	}
	if _, err := db.ResolveHolder(ctx, "Tom"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("part of a name: %v", err)
	}
}

// A person's details can be given or changed later (a person imported
// from a name alone gets a badge); the rules of a new person hold, and
// the history keeps what was overwritten.
func TestUpdatePerson(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Tom Byrne"}); err != nil {
		t.Fatal(err)
	}
	p, err := db.UpdatePerson(ctx, "Tom Byrne", map[string]string{"badge": "b2002", "email": " Tom@Example.com ", "location": "DUB"})
	if err != nil || p.Badge != "B2002" || p.Email != "tom@example.com" || p.LocationCode != "DUB" {
		t.Fatalf("update: %+v %v", p, err)
	}
	if h, err := db.ResolveHolder(ctx, "B2002"); err != nil || h.UID != p.UID {
		t.Fatalf("the new badge does not name him: %+v %v", h, err)
	}
	before := takeSnapshot(t, db)
	for _, c := range []struct {
		set  map[string]string
		code string
		msg  string
	}{
		{map[string]string{"badge": "B1001"}, store.ECONFLICT, ""},
		{map[string]string{"badge": "DUB"}, store.ECONFLICT, ""},
		{map[string]string{"name": " "}, store.EINVALID, "a person needs a name"},
		{map[string]string{"email": "not-an-address"}, store.EINVALID, `email "not-an-address" is not an address`},
		{map[string]string{"badge": "B2002"}, store.EINVALID, "nothing to change: Tom Byrne already has those details"},
		{map[string]string{"shoe_size": "44"}, store.EINVALID, `a person has no field "shoe_size"`},
		{map[string]string{"location": ""}, store.EINVALID, "a person's home location can be changed, not cleared"},
		{map[string]string{"name": "Tom\x1b[2J"}, store.EINVALID, ""},
	} {
		_, err := db.UpdatePerson(ctx, "B2002", c.set)
		if store.ErrorCode(err) != c.code || (c.msg != "" && store.ErrorMessage(err) != c.msg) {
			t.Errorf("update %v: %v (%s)", c.set, err, store.ErrorCode(err))
		}
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(after, before) {
		t.Error("a refused update changed the database")
	}
	if p, err = db.UpdatePerson(ctx, "B2002", map[string]string{"email": ""}); err != nil || p.Email != "" {
		t.Fatalf("clear email: %+v %v", p, err)
	}
	mustVerify(t, db)
}

// Two models may share a name only when model numbers tell them apart: a
// second "Latitude 5440" without one could never be named alone.
func TestAddModelSameName(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // Latitude 5440, L5440
	for _, c := range []struct{ name, number, msg string }{
		{"Latitude 5440", "", `a model named "Latitude 5440" already exists (model number L5440): give this one a model number too, or another name`},
		{"latitude 5440", "", `a model named "latitude 5440" already exists (model number L5440): give this one a model number too, or another name`},
	} {
		_, err := db.AddModel(ctx, c.name, c.number, "Dell", "Laptop")
		if store.ErrorCode(err) != store.ECONFLICT || store.ErrorMessage(err) != c.msg {
			t.Errorf("add %q %q: %v", c.name, c.number, err)
		}
	}
	if _, err := db.AddModel(ctx, "Latitude 5440", "L5440-I7", "Dell", "Laptop"); err != nil {
		t.Fatalf("a variant with its own number: %v", err)
	}
	if _, err := db.AddModel(ctx, "OptiPlex", "", "Dell", "Desktop"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddModel(ctx, "OptiPlex", "7010", "Dell", "Desktop"); store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("a numbered namesake of a model without a number: %v", err)
	}
}

// From a purchasing hunt: a model named like another's model number took
// that number's receipts (receive --model reads names first), from the
// command line and from an import whose Model Name held the number.
func TestModelNamedAsAnothersNumber(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // Latitude 5440, L5440
	if _, err := db.AddModel(ctx, "l5440", "", "", ""); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "l5440 is the model number of Latitude 5440") {
		t.Errorf("a name that is another's number: %v", err)
	}
	if _, err := db.AddModel(ctx, "Dock", "Latitude 5440", "", ""); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "is the name of model Latitude 5440") {
		t.Errorf("a number that is another's name: %v", err)
	}
	rep := importSnipe(t, db, []byte("Asset Tag,Serial,Model Name,Location\nIMP-1,IMPSN-1,L5440,DUB\n"), store.ImportOptions{})
	if rep.Created.Models != 0 || mustAsset(t, db, "IMP-1").Model != "Latitude 5440" {
		t.Errorf("import of a row naming L5440: %d models made, asset's model %q", rep.Created.Models, mustAsset(t, db, "IMP-1").Model)
	}
	a, err := db.Receive(ctx, store.Receipt{Serial: "RCV-1", Model: "L5440", Location: "DUB"})
	if err != nil || a.Model != "Latitude 5440" {
		t.Errorf("receive --model L5440: %+v %v", a, err)
	}
}

// What is installed in an asset goes with it when it moves.
func TestMoveTakesInstalledParts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "SRV-1", "DSK-1")
	if _, err := db.CheckOut(ctx, "DSK-1", "SRV-1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Move(ctx, "SRV-1", "DUB-STORE"); err != nil {
		t.Fatal(err)
	}
	if d := mustAsset(t, db, "DSK-1"); d.LocationCode != "DUB-STORE" || d.Custodian != "SRV-1" {
		t.Errorf("the installed disk: at %s in %q", d.LocationCode, d.Custodian)
	}
	// Its history says it went with the server, not that someone moved it.
	h, err := db.History(ctx, mustAsset(t, db, "DSK-1").UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Describe(h[len(h)-1]); got != "moved from Dublin office (DUB) to Dublin storeroom (DUB-STORE), inside SRV-1" {
		t.Errorf("the disk's history says %q", got)
	}
	// Both named: the disk moved with its server, not "already there".
	moved, already, err := db.MoveAll(ctx, []string{"SRV-1", "DSK-1"}, "DUB")
	if err != nil || len(moved) != 2 || len(already) != 0 || moved[1].LocationCode != "DUB" {
		t.Errorf("move both: moved %v, already %v, %v", moved, already, err)
	}
	mustVerify(t, db)
}

// A search's short words ("Li Na", "Floor 2") are looked for in all the
// search document holds: the custodian and the place too.
func TestSearchShortWords(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Li Na", Badge: "B7007"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "FL2", "Floor 2", ""); err != nil {
		t.Fatal(err)
	}
	held, err := db.Receive(ctx, store.Receipt{Serial: "SN-LI", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, held.Tag, "B7007", ""); err != nil {
		t.Fatal(err)
	}
	placed, err := db.Receive(ctx, store.Receipt{Serial: "SN-FL", Model: "L5440", Location: "FL2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "山田 太郎", Badge: "B7008"}); err != nil {
		t.Fatal(err)
	}
	yamada, err := db.Receive(ctx, store.Receipt{Serial: "SN-YA", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, yamada.Tag, "B7008", ""); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{"Li Na": held.Tag, "li na": held.Tag, "Floor 2": placed.Tag, "山田 太郎": yamada.Tag} {
		got, err := db.SearchAssets(ctx, store.AssetFilter{Query: q})
		if err != nil || len(got) != 1 || got[0].Tag != want {
			t.Errorf("search %q: %v %v, want %s", q, got, err, want)
		}
	}
	// Each short word apart, in any order (a review: as one phrase "Na Li"
	// and "X1 11" found nothing).
	if got, err := db.SearchAssets(ctx, store.AssetFilter{Query: "Na Li"}); err != nil || len(got) != 1 {
		t.Errorf("search Na Li: %v %v", got, err)
	}
	// A screen runs short words only from three characters in all (it
	// offered nothing for "Li Na").
	for q, want := range map[string]bool{"Li Na": false, "山田 太郎": false, "Li": true, "a b": false, "Floor 2": false} {
		if got := store.ShortOnly(q); got != want {
			t.Errorf("ShortOnly(%q) = %v", q, got)
		}
	}
	if !store.NeedsScan("Floor 2") || !store.NeedsScan("Li Na") || store.NeedsScan("Floor") {
		t.Errorf("NeedsScan: Floor 2 %v, Li Na %v", store.NeedsScan("Floor 2"), store.NeedsScan("Li Na"))
	}
}

// A badge given later is held to a badge's rules, as a new person's is.
func TestUpdatePersonBadgeRules(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.UpdatePerson(ctx, "B1001", map[string]string{"badge": "A B/1"}); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("an unscannable badge: %v", err)
	}
}

// A holder given in bytes that are not text is named as such, as every
// other argument is, not looked up and reported unknown.
func TestCheckOutToInvalidText(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1")
	_, err := db.CheckOut(ctx, "TD-1", "B\xff", "")
	if store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "not valid text") {
		t.Fatalf("check-out to invalid text: %v", err)
	}
}

// A badge or a location's code given as a serial, and a serial given as a
// badge or a location's code, are refused: a scan is read as a serial
// before a person or a place, so the badge's scans would find the asset
// (a check-out to that person would check the asset out instead).
func TestSerialsAreNotBadgesOrPlaces(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "sn-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Tom Byrne", EmployeeNo: "E-7"}); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, db)
	// importRefusal imports file and returns its one bad row's reason.
	importRefusal := func(file string) func() error {
		return func() error {
			rep, err := db.ImportSnipeIT(ctx, strings.NewReader(file), store.ImportOptions{})
			if len(rep.Bad) == 1 {
				return errors.New(rep.Bad[0].Reason)
			}
			return err
		}
	}
	for _, c := range []struct {
		name string
		do   func() error
		want string
	}{
		{"badge as a serial", func() error {
			_, err := db.Receive(ctx, store.Receipt{Serial: "b1001", Model: "L5440", Location: "DUB"})
			return err
		}, "b1001 is the badge of Ana Silva (B1001), not a serial"},
		{"location code as a serial", func() error {
			_, err := db.Receive(ctx, store.Receipt{Serial: "DUB-STORE", Model: "L5440", Location: "DUB"})
			return err
		}, "DUB-STORE is the code of location Dublin storeroom (DUB-STORE), not a serial"},
		{"serial edited to a badge", func() error {
			_, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"serial": "B1001"})
			return err
		}, "not a serial"},
		{"a serial as a badge", func() error {
			_, err := db.AddPerson(ctx, store.PersonInput{Name: "Kim Ode", Badge: "SN-1"})
			return err
		}, "SN-1 is already the serial of asset " + a.Tag},
		{"a serial as a location code", func() error {
			_, err := db.AddLocation(ctx, "SN-1", "Shelf", "")
			return err
		}, "SN-1 is already the serial of asset " + a.Tag},
		{"an import's new badge that is a serial of the file", importRefusal("Asset Tag,Model Name,Serial Number,Checked Out to: Full Name,Checked Out to: Badge\nI-1,Latitude 5440,B2000,,\nI-2,Latitude 5440,SN-I2,Bo Chen,B2000\n"), "B2000 is already the serial of asset I-1"},
		{"an import's new location code that is a serial", importRefusal("Asset Tag,Model Name,Serial Number,Location Code,Location\nI-1,Latitude 5440,SN-I1,sn-1,Shelf\n"), "SN-1 is already the serial of asset " + a.Tag},
		{"an import's new badge that is an employee number", importRefusal("Asset Tag,Model Name,Serial Number,Checked Out to: Full Name,Checked Out to: Badge\nI-1,Latitude 5440,SN-I1,Ana Lopez,E-7\n"), "badge E-7 is Tom Byrne's employee number"},
		{"an import's serial that is a badge", importRefusal("Asset Tag,Model Name,Serial Number\nI-1,Latitude 5440,B1001\n"), "B1001 is the badge of Ana Silva (B1001), not a serial"},
	} {
		err := c.do()
		if err == nil || !strings.Contains(store.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Fatal("a refusal changed the register")
	}
}

// A person is found by their uid (the one way to a namesake with no
// identifiers: the terminal UI offboards the person on screen by it), and
// a badge that is another's employee number, or the other way round, is
// refused: a scan of it is read as a badge first.
func TestPeopleByUIDAndCodesApart(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	sam, err := db.AddPerson(ctx, store.PersonInput{Name: "Sam Lee"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Sam Lee", Badge: "B1500"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Person(ctx, "Sam Lee"); err == nil || !strings.Contains(err.Error(), "more than one person") {
		t.Fatalf("by name: %v", err)
	}
	if p, err := db.Person(ctx, sam.UID); err != nil || p.UID != sam.UID {
		t.Fatalf("by uid: %+v %v", p, err)
	}
	if _, err := db.Offboard(ctx, sam.UID, store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if p, err := db.Person(ctx, "B1500"); err != nil || !p.Active {
		t.Fatalf("the other Sam Lee: %+v %v", p, err)
	}
	before := takeSnapshot(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Tom Byrne", EmployeeNo: "b1001"}); err == nil || !strings.Contains(err.Error(), "employee number b1001 is Ana Silva's badge") {
		t.Fatalf("employee number that is a badge: %v", err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Tom Byrne", EmployeeNo: "E-7"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Sue Ray", EmployeeNo: "Emp-9"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Bo Chen", Badge: "EMP-9"}); err == nil || !strings.Contains(err.Error(), "badge EMP-9 is Sue Ray's employee number") {
		t.Fatalf("badge that is an employee number in another case: %v", err)
	}
	before = takeSnapshot(t, db)
	if _, err := db.UpdatePerson(ctx, "asilva", map[string]string{"badge": "e-7"}); err == nil || !strings.Contains(err.Error(), "badge E-7 is Tom Byrne's employee number") {
		t.Fatalf("badge that is an employee number: %v", err)
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Fatal("a refusal changed the register")
	}
}

// An asset installed in another moves with it, not alone; one checked out
// to a place moves within that place, not out of it (its place and its
// holder would disagree). One a person holds moves with them.
func TestMoveFollowsItsHolder(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddLocation(ctx, "LON", "London office", ""); err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, sn := range []string{"P-1", "P-2", "P-3", "P-4"} {
		a, err := db.Receive(ctx, store.Receipt{Serial: sn, Model: "L5440", Location: "DUB"})
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, a.Tag)
	}
	laptop, disk, kiosk, carried := tags[0], tags[1], tags[2], tags[3]
	for _, c := range [][2]string{{disk, laptop}, {kiosk, "DUB"}, {carried, "B1001"}} {
		if _, err := db.CheckOut(ctx, c[0], c[1], ""); err != nil {
			t.Fatal(err)
		}
	}
	before := takeSnapshot(t, db)
	if _, err := db.Move(ctx, disk, "LON"); err == nil || !strings.Contains(err.Error(), disk+" is installed in "+laptop+": take it out first") {
		t.Fatalf("moving an installed part alone: %v", err)
	}
	if _, err := db.Move(ctx, kiosk, "LON"); err == nil || !strings.Contains(err.Error(), kiosk+" is checked out to Dublin office (DUB): check it in first") {
		t.Fatalf("moving out of the place it is checked out to: %v", err)
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Fatal("a refused move changed the register")
	}
	// Where it is already: nothing to move, whatever holds it.
	if _, already, err := db.MoveAll(ctx, []string{disk, kiosk}, "DUB"); err == nil || len(already) != 0 && !strings.Contains(err.Error(), "already at DUB") {
		t.Fatalf("moving to where they are: %v %v", already, err)
	}
	for _, c := range [][2]string{{kiosk, "DUB-STORE"}, {carried, "LON"}} {
		if _, err := db.Move(ctx, c[0], c[1]); err != nil {
			t.Fatalf("move %s to %s: %v", c[0], c[1], err)
		}
	}
	// A part listed before its parent goes with it, at any depth.
	caddy, err := db.Receive(ctx, store.Receipt{Serial: "P-5", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, caddy.Tag, disk, ""); err != nil {
		t.Fatal(err)
	}
	if moved, _, err := db.MoveAll(ctx, []string{caddy.Tag, disk, laptop}, "LON"); err != nil || len(moved) != 3 {
		t.Fatalf("moving a part and its laptop: %v %v", moved, err)
	}
	if a := mustAsset(t, db, disk); a.LocationCode != "LON" {
		t.Fatalf("the part did not go with its laptop: %+v", a)
	}
	mustVerify(t, db)
}

// From a people hunt: one person's username or email could be another's
// badge, username or email (in another column), and lookups then named the
// wrong one: offboarding ana@example.com offboarded the person whose
// username it was, and Ana kept her laptops. Refused in every column pair,
// by add, update and a users import alike.
func TestIdentifiersApartAcrossKinds(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // Ana Silva: B1001, asilva, ana@example.com
	for _, in := range []store.PersonInput{
		{Name: "Bob Other", EmployeeNo: "asilva"},
		{Name: "Cy Other", Username: "ana@example.com"},
		{Name: "Di Other", Badge: "asilva"},
		{Name: "Ed Other", Username: "B1001"},
	} {
		if _, err := db.AddPerson(ctx, in); err == nil || !strings.Contains(err.Error(), "is Ana Silva's") {
			t.Errorf("%+v: %v", in, err)
		}
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Gus Other", Username: "gus"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePerson(ctx, "gus", map[string]string{"username": "ANA@example.com"}); err == nil || !strings.Contains(err.Error(), "is Ana Silva's email") {
		t.Errorf("update: %v", err)
	}
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Username\nDee,New,b1001\n"), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 {
		t.Errorf("users import: %v %+v", err, rep)
	}
	if _, err := db.Offboard(ctx, "gus", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if p, err := db.Person(ctx, "ana@example.com"); err != nil || p.Name != "Ana Silva" {
		t.Errorf("ana@example.com names %+v %v", p, err)
	}
}

// From a fuzz hunt: a person named with a run of spaces ("Bo   Li") was
// found by no one who typed one, and an import of "Bo Li" made a second;
// emails such as b@@x, two addresses, or a mailto: link were taken.
func TestPersonNameSpacesAndEmails(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	p, err := db.AddPerson(ctx, store.PersonInput{Name: "  Bo   Li ", Badge: "B7001"})
	if err != nil || p.Name != "Bo Li" {
		t.Fatalf("add: %+v %v", p, err)
	}
	if got, err := db.Person(ctx, "Bo  Li"); err != nil || got.UID != p.UID {
		t.Errorf("by name with two spaces: %+v %v", got, err)
	}
	receiveTags(t, db, "DUB", "SP-1")
	if _, err := db.CheckOut(ctx, "SP-1", "Bo Li", ""); err != nil {
		t.Errorf("check out to Bo Li: %v", err)
	}
	if got, err := db.UpdatePerson(ctx, "B7001", map[string]string{"name": "Bo    Lee"}); err != nil || got.Name != "Bo Lee" {
		t.Errorf("update: %+v %v", got, err)
	}
	// One an older tagdesk stored with a run of spaces is still found
	// (a review: no one could name them after the change).
	if err := db.ExecForTest(ctx, `UPDATE people SET name = 'Cy   Old' WHERE badge = 'B7001'`); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Person(ctx, "Cy Old"); err != nil || got.Badge != "B7001" {
		t.Errorf("an old spaced name by name: %+v %v", got, err)
	}
	receiveTags(t, db, "DUB", "SP-2")
	if _, err := db.CheckOut(ctx, "SP-2", "Cy  Old", ""); err != nil {
		t.Errorf("check out to an old spaced name: %v", err)
	}
	// And listed by a query typed with one space (or two), as by name; a
	// name stored with one by a query with two (a review).
	if ps, err := db.People(ctx, store.PeopleFilter{Query: "Ana  Silva"}); err != nil || len(ps) != 1 {
		t.Errorf("people \"Ana  Silva\": %+v %v", ps, err)
	}
	for _, q := range []string{"Cy Old", "y  O", "cy old"} {
		for _, nameOnly := range []bool{false, true} {
			if ps, err := db.People(ctx, store.PeopleFilter{Query: q, NameOnly: nameOnly}); err != nil || len(ps) != 1 || ps[0].Badge != "B7001" {
				t.Errorf("people %q (name only %v): %+v %v", q, nameOnly, ps, err)
			}
		}
	}
	for _, e := range []string{"b@@x.com", "c@x.com,d@x.com", "mailto:f@x.com", "g@", "@x.com", "h@x..com", `"i"@x.com`} {
		if _, err := db.AddPerson(ctx, store.PersonInput{Name: "E " + e, Email: e}); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("email %q: %v", e, err)
		}
	}
	for _, e := range []string{"ana.silva+it@example.co.uk", "o'brien@example.ie"} {
		if _, err := db.AddPerson(ctx, store.PersonInput{Name: "E " + e, Email: e}); err != nil {
			t.Errorf("email %q refused: %v", e, err)
		}
	}
}

// From a lifecycle hunt: "Sam Lee" added twice with nothing else could be
// named by no command (each "names more than one person", and neither had
// a badge or email to use), and the users export did not import back.
// person add adds by AddPersonApart.
func TestNamesakesMustBeToldApart(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Sam Lee"}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []store.PersonInput{{Name: "sam  lee"}, {Name: "Sam Lee", Email: "sam.lee2@example.com"}} {
		if _, err := db.AddPersonApart(ctx, in); store.ErrorCode(err) != store.ECONFLICT {
			t.Errorf("%+v: %v", in, err)
		}
	}
	if _, err := db.UpdatePerson(ctx, "Sam Lee", map[string]string{"email": "sam.lee@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPersonApart(ctx, store.PersonInput{Name: "Sam Lee"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("a second without identifiers: %v", err)
	}
	// A bare namesake offboarded too: beside a new starter, no command
	// could name the leaver to reactivate them (a review).
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Kim Park"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Offboard(ctx, "Kim Park", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPersonApart(ctx, store.PersonInput{Name: "kim park", Badge: "B9"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("beside an offboarded bare namesake: %v", err)
	}
	for _, in := range []store.PersonInput{{Name: "Sam Lee", Badge: "B7777"}, {Name: "Sam Leeds"}} {
		if _, err := db.AddPersonApart(ctx, in); err != nil {
			t.Errorf("%+v: %v", in, err)
		}
	}
}

// From a hunt of the screens: a name filed with decomposed accents (NFD,
// "e" and a combining acute, as a Mac writes it) was found by no name typed
// with "é". Names are kept composed (NFC), and searches read so.
func TestDecomposedNamesAreFound(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	p, err := db.AddPerson(ctx, store.PersonInput{Name: "Rene\u0301e Lefe\u0300vre", Badge: "B9010"})
	if err != nil || p.Name != "Renée Lefèvre" {
		t.Fatalf("add: %q %v", p.Name, err)
	}
	receiveTags(t, db, "DUB", "NF-1")
	if _, err := db.CheckOut(ctx, "NF-1", "Renée Lefèvre", ""); err != nil {
		t.Errorf("check out by the composed name: %v", err)
	}
	for _, q := range []string{"Renée", "Rene\u0301e"} {
		if got, err := db.SearchAssets(ctx, store.AssetFilter{Query: q}); err != nil || len(got) != 1 {
			t.Errorf("search %q: %v %v", q, got, err)
		}
		if ps, err := db.People(ctx, store.PeopleFilter{Query: q}); err != nil || len(ps) != 1 {
			t.Errorf("people %q: %v %v", q, ps, err)
		}
	}
}

// A check-out of an asset missing or in repair said only "only assets in
// stock can be checked out", where a check-in of it says how it goes back
// in stock: the refusal now says what makes it one to check out.
func TestCheckOutNotInStockSaysTheWayBack(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for tag, st := range map[string]store.Status{"TD-M": store.StatusMissing, "TD-R": store.StatusInRepair} {
		if _, err := db.Receive(ctx, store.Receipt{Tag: tag, Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetStatus(ctx, tag, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	for tag, want := range map[string]string{"TD-M": "TD-M is marked missing: found, it goes back in stock with tagdesk status TD-M in_stock",
		"TD-R": "TD-R is in repair: back from repair, it goes in stock with tagdesk status TD-R in_stock"} {
		before := eventCount(t, db)
		_, err := db.CheckOut(ctx, tag, "B1001", "")
		if store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), want) {
			t.Errorf("check-out of %s: %v, want %q", tag, err, want)
		}
		if eventCount(t, db) != before {
			t.Errorf("check-out of %s wrote an event", tag)
		}
		if _, err := db.SetStatus(ctx, tag, store.StatusInStock, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckOut(ctx, tag, "B1001", ""); err != nil {
			t.Errorf("%s in stock again: %v", tag, err)
		}
	}
}
