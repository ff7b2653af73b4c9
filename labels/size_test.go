package labels

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// TestQRDataCodewords checks the capacity table against gozxing's own
// version table.
func TestQRDataCodewords(t *testing.T) {
	levels := []qrdecoder.ErrorCorrectionLevel{
		qrdecoder.ErrorCorrectionLevel_L, qrdecoder.ErrorCorrectionLevel_M,
		qrdecoder.ErrorCorrectionLevel_Q, qrdecoder.ErrorCorrectionLevel_H,
	}
	for v := 1; v <= 40; v++ {
		ver, err := qrdecoder.Version_GetVersionForNumber(v)
		if err != nil {
			t.Fatal(err)
		}
		for i, ec := range levels {
			want := ver.GetTotalCodewords() - ver.GetECBlocksForLevel(ec).GetTotalECCodewords()
			if got := qrDataCodewords[v-1][i]; got != want {
				t.Errorf("version %d level %s: %d data codewords, gozxing has %d", v, ec, got, want)
			}
		}
		if dim := ver.GetDimensionForVersion(); dim != 17+4*v {
			t.Errorf("version %d: dimension %d", v, dim)
		}
	}
}

// randTag returns a tag of 1 to 24 characters from [0-9A-Z-].
func randTag(r *rand.Rand) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"
	b := make([]byte, 1+r.IntN(24))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// randContent returns data of assorted shapes for the QR and Code 128
// sizers: digit runs of every parity (Code 128 set C switching), all three
// QR modes, lengths across the QR count-field bands, and non-ASCII text.
func randContent(r *rand.Rand) string {
	pools := []string{
		"0123456789",
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_~^!?#&=,;'\"()[]{}<>@\\`|",
		"0123456789X-",
		"01234567890123456789a",
	}
	maxLen := []int{24, 24, 80, 80, 300, 1000}[r.IntN(6)]
	pool := pools[r.IntN(len(pools))]
	var b strings.Builder
	n := 1 + r.IntN(maxLen)
	for b.Len() < n {
		if r.IntN(200) == 0 {
			b.WriteString([]string{"é", "日本", "Ω", "\u202e"}[r.IntN(4)])
			continue
		}
		b.WriteByte(pool[r.IntN(len(pool))])
	}
	return b.String()
}

// checkSize compares sizeSymbol with full encoding: the same size and
// quiet zone, or the same error.
func checkSize(t *testing.T, sym Symbology, content, ec string) {
	t.Helper()
	full, ferr := encodeSymbol(sym, content, ec)
	fast, err := sizeSymbol(sym, content, ec)
	if (ferr == nil) != (err == nil) || ferr != nil && ferr.Error() != err.Error() {
		t.Fatalf("%s %q level %q: error %v, full encoding says %v", sym, content, ec, err, ferr)
	}
	if ferr != nil {
		return
	}
	if fast.w != full.w || fast.h != full.h || fast.quiet != full.quiet || fast.sym != full.sym || fast.content != full.content {
		t.Fatalf("%s %q level %q: sized %dx%d (quiet %d), encoded %dx%d (quiet %d)",
			sym, content, ec, fast.w, fast.h, fast.quiet, full.w, full.h, full.quiet)
	}
}

// TestSizeSymbol_MatchesEncoder: for random tags and assorted other data,
// the sizes computed from the data equal gozxing's full encodings.
func TestSizeSymbol_MatchesEncoder(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2026))
	for range 3000 {
		tag := randTag(r)
		checkSize(t, Code128, tag, "")
		checkSize(t, QR, tag, []string{"L", "M", "Q", "H"}[r.IntN(4)])
	}
	for range 1000 {
		c := randContent(r)
		checkSize(t, Code128, c, "")
		// Levels other than L, M, Q and H fall back to M.
		checkSize(t, QR, c, []string{"L", "M", "Q", "H", "", "h"}[r.IntN(6)])
	}
	// Every length of an all-digit, alphanumeric and byte run up to the
	// 80-character Code 128 limit, and QR lengths around the version
	// boundaries.
	for n := 1; n <= 81; n++ {
		for _, c := range []string{strings.Repeat("7", n), "A" + strings.Repeat("7", n), strings.Repeat("7", n) + "a", strings.Repeat("7A", n)[:n]} {
			checkSize(t, Code128, c, "")
		}
	}
	for _, ec := range []string{"L", "M", "Q", "H"} {
		for n := 1; n <= maxLength+1; n += 1 + n/16 {
			for _, c := range []string{strings.Repeat("9", n), strings.Repeat("Z", n), strings.Repeat("z", n)} {
				checkSize(t, QR, c, ec)
			}
		}
	}
	// Errors for data no code can carry stay the encoders'.
	for _, c := range []string{"", "\xff\xfe", "tab\there", "caf\u00e9", strings.Repeat("9", 81), strings.Repeat("é", 600)} {
		checkSize(t, Code128, c, "")
		checkSize(t, QR, c, "M")
		checkSize(t, DataMatrix, c, "")
	}
}

// FuzzSizeSymbol compares the sizers with full encoding on arbitrary data.
func FuzzSizeSymbol(f *testing.F) {
	f.Add("TD-004217", "M")
	f.Add("0000000001", "H")
	f.Add("12a3456789012b", "L")
	f.Add("https://assets.example.com/a/TD-1", "Q")
	f.Add("日本 Ünïcödé", "M")
	f.Add(strings.Repeat("1", 300), "H")
	f.Fuzz(func(t *testing.T, content, ec string) {
		checkSize(t, Code128, content, "")
		checkSize(t, QR, content, ec)
	})
}

// thermalVariants returns the built-in templates for label printers, plus
// variants that exercise the other code paths: Data Matrix, URL content
// (QR byte mode), error correction H and a stacked layout.
func thermalVariants(t *testing.T) (builtin, variants []Template) {
	t.Helper()
	for _, tp := range Builtin() {
		if tp.Sheet == nil {
			builtin = append(builtin, tp)
		}
	}
	if len(builtin) < 7 {
		t.Fatalf("only %d thermal templates", len(builtin))
	}
	find := func(name string) Template {
		tp, err := Find(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tp
	}
	dm := find("zebra-2x1-300")
	dm.Name, dm.Symbology = "dm", DataMatrix
	url := find("zebra-3x1-203")
	url.Name, url.Encode, url.URL = "url", EncodeURL, "https://assets.example.com/a/{tag}?s={serial}"
	high := find("zebra-2x1-203")
	high.Name, high.ECLevel = "high", "H"
	stack := find("brother-62mm")
	stack.Name, stack.Layout, stack.Barcode = "stack", LayoutStack, true
	return builtin, []Template{dm, url, high, stack}
}

// TestZPL_FastEqualsFull: for random tags and every thermal template, the
// layout from computed sizes equals the layout from full encoding, and so
// does the ZPL, byte for byte, or the error.
func TestZPL_FastEqualsFull(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	// Full encoding is deterministic; memoise it so that the layout and
	// the ZPL of the slow path share one encoding per code.
	type key struct {
		sym         Symbology
		content, ec string
	}
	encoded := map[key]*symbol{}
	full := func(sym Symbology, content, ec string) (*symbol, error) {
		k := key{sym, content, ec}
		if s, ok := encoded[k]; ok {
			return s, nil
		}
		s, err := encodeSymbol(sym, content, ec)
		if err == nil {
			encoded[k] = s
		}
		return s, err
	}
	r := rand.New(rand.NewPCG(2026, 4))
	builtin, variants := thermalVariants(t)
	for i, tp := range append(builtin, variants...) {
		t.Run(tp.Name, func(t *testing.T) {
			n := 2000 // random tags per built-in template
			if i >= len(builtin) {
				n = 300
			}
			tags := make([]string, n, n+3)
			for i := range tags {
				tags[i] = randTag(r)
			}
			tags = append(tags, strings.Repeat("9", 80), strings.Repeat("W", 60), strings.Repeat("A1", 40))
			clear(encoded)
			fails := 0
			for i, tag := range tags {
				l := Label{Tag: tag, Name: "Dell Latitude 7440", Model: "Latitude 7440", Serial: "5CG" + tag, Owner: "Property of ACME IT"}
				if i%3 == 1 {
					l.Name = ""
				}
				fast, ferr := layoutWith(&tp, &l, fs, sizeSymbol)
				slow, err := layoutWith(&tp, &l, fs, full)
				if (ferr == nil) != (err == nil) || ferr != nil && ferr.Error() != err.Error() {
					t.Fatalf("tag %q: layout error %v, full encoding says %v", tag, ferr, err)
				}
				if err != nil {
					fails++
					continue
				}
				if !samePlan(fast, slow) {
					t.Fatalf("tag %q: layouts differ:\nfast %+v\nfull %+v", tag, fast, slow)
				}
				var zf, zs bytes.Buffer
				ferr = writeZPLs(&zf, &tp, []Label{l}, sizeSymbol)
				err = writeZPLs(&zs, &tp, []Label{l}, full)
				if (ferr == nil) != (err == nil) || ferr != nil && ferr.Error() != err.Error() {
					t.Fatalf("tag %q: ZPL error %v, full encoding says %v", tag, ferr, err)
				}
				if !bytes.Equal(zf.Bytes(), zs.Bytes()) {
					t.Fatalf("tag %q: ZPL differs:\nfast:\n%s\nfull:\n%s", tag, zf.Bytes(), zs.Bytes())
				}
			}
			if fails == len(tags) {
				t.Fatalf("no tag fits template %s", tp.Name)
			}
		})
	}
}

// samePlan compares two layouts, ignoring the symbols' modules (the fast
// path does not compute them).
func samePlan(a, b *plan) bool {
	if a.t != b.t || !reflect.DeepEqual(a.texts, b.texts) || len(a.syms) != len(b.syms) {
		return false
	}
	for i := range a.syms {
		sa, sb := a.syms[i], b.syms[i]
		if sa.x != sb.x || sa.y != sb.y || sa.module != sb.module || sa.height != sb.height {
			return false
		}
		x, y := *sa.s, *sb.s
		x.dark, y.dark = nil, nil
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// TestZPL_Batch: a batch larger than the flush threshold comes out as the
// concatenation of the single-label outputs, and a failing label stops the
// batch with its error, having written only whole label formats.
func TestZPL_Batch(t *testing.T) {
	tp, err := Find("zebra-2x1-203", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	ls := make([]Label, 40)
	var want bytes.Buffer
	for i := range ls {
		tag := randTag(r)
		ls[i] = Label{Tag: tag[:min(len(tag), 12)], Name: "Dell Latitude 7440", Serial: "5CG1234XYZ"}
		if err := ZPL(&want, tp, ls[i]); err != nil {
			t.Fatal(err)
		}
	}
	var got bytes.Buffer
	if err := ZPL(&got, tp, ls...); err != nil {
		t.Fatal(err)
	}
	if got.Len() <= zplFlush || !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("batch of %d labels: %d bytes, want the %d bytes of the single labels", len(ls), got.Len(), want.Len())
	}

	bad := append(append([]Label(nil), ls...), Label{Tag: strings.Repeat("W", 70)})
	got.Reset()
	err = ZPL(&got, tp, bad...)
	if err == nil || !strings.Contains(err.Error(), "needs a Code 128") {
		t.Fatalf("over-long tag: err = %v", err)
	}
	if !bytes.HasPrefix(want.Bytes(), got.Bytes()) || !bytes.HasSuffix(got.Bytes(), []byte("^XZ\n")) {
		t.Fatalf("failed batch wrote %d bytes that are not whole label formats", got.Len())
	}
}

// TestValidName checks the hand-written template name check against the
// regular expression it replaces.
func TestValidName(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	names := []string{"", "a", "0", "-", ".a", "_a", "a-b.c_d", "zebra-2x1-203", "Zebra", "a b", "a/b", "é", "a\n", "9.", "a~"}
	r := rand.New(rand.NewPCG(1, 1))
	const alphabet = "az09._-A /\x00\xff"
	for range 2000 {
		b := make([]byte, r.IntN(5))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		names = append(names, string(b))
	}
	for _, n := range names {
		if got, want := validName(n), re.MatchString(n); got != want {
			t.Errorf("validName(%q) = %v, regexp says %v", n, got, want)
		}
	}
}
