package labels_test

import (
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/labels"
)

// The desk refuses a scan of more than 256 bytes (store.MaxScanLen;
// TestLinkLimitIsTheScanLimit in cmd/tagdesk ties the two): a label whose
// link, filled in, is longer prints a QR code that scans, but as nothing.
// Such a label is refused wherever it would be drawn (render, ZPL, PDF,
// preview, the layout check), naming its length and the limit; one whose
// url is past the limit with the shortest tag is refused at load. With the
// Code 128 strip, which carries the tag, the link may go anywhere.
func TestURLLongerThanAScan(t *testing.T) {
	// A link of exactly 256 bytes for tag TD-000001 (9 bytes), and one of
	// 257 for TD-0000012.
	base := "https://assets.example.com/a/"
	pad := strings.Repeat("x", 256-len(base)-len("/{tag}")+len("{tag}")-9)
	pattern := base + pad + "/{tag}"
	file := "[[template]]\nname = \"long\"\nbase = \"brother-62mm\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"" + pattern + "\""
	ts, err := labels.ParseTemplates(strings.NewReader(file))
	if err != nil {
		t.Fatalf("a url whose links fit a scan: %v", err)
	}
	tmpl := ts[0]
	ok := labels.Label{Tag: "TD-000001", Name: "Latitude 5440"}
	if err := labels.Check(tmpl, ok); err != nil {
		t.Fatalf("a link of 256 bytes: %v", err)
	}
	img, err := labels.Render(tmpl, ok)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := labels.Decode(img)
	if err != nil || len(codes) == 0 || len(codes[0].Text) != 256 {
		t.Fatalf("the 256-byte link read back: %+v %v", codes, err)
	}

	long := labels.Label{Tag: "TD-0000012", Name: "Latitude 5440"}
	want := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "257 bytes") || !strings.Contains(err.Error(), "256") {
			t.Errorf("%s of a label whose link is 257 bytes: %v", what, err)
		}
	}
	want("check", labels.Check(tmpl, long))
	_, err = labels.Render(tmpl, long)
	want("render", err)
	_, err = labels.Preview(tmpl, long, 40)
	want("preview", err)
	var b strings.Builder
	want("zpl", labels.ZPL(&b, tmpl, ok, long))
	want("pdf", labels.PDF(&b, tmpl, []labels.Label{ok, long}, 0))
	_, err = labels.Shortened(tmpl, long)
	want("layout", err)

	// With the strip the link is not what scans back.
	strip, err := labels.Find("avery-l7163", nil)
	if err != nil || !strip.Barcode {
		t.Fatalf("avery-l7163: %+v %v", strip, err)
	}
	strip.Encode, strip.URL = labels.EncodeURL, pattern
	if err := labels.Check(strip, long); err != nil {
		t.Errorf("a long link with the Code 128 strip: %v", err)
	}

	// At load: past the limit with a tag of one character.
	for _, tc := range []struct {
		url     string
		refused bool
	}{
		{base + strings.Repeat("x", 256-len(base)-2) + "/{tag}", false}, // 256 with a one-character tag
		{base + strings.Repeat("x", 256-len(base)-1) + "/{tag}", true},  // 257
		{base + strings.Repeat("x", 300) + "/{tag}", true},
	} {
		file := "[[template]]\nname = \"a\"\nbase = \"brother-62mm\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"" + tc.url + "\""
		_, err := labels.ParseTemplates(strings.NewReader(file))
		if refused := err != nil; refused != tc.refused || refused && (!strings.Contains(err.Error(), "256 bytes") || !strings.HasPrefix(err.Error(), "labels: template a: ")) {
			t.Errorf("a url of %d bytes: refused %v, want %v: %v", len(tc.url), refused, tc.refused, err)
		}
		// With the strip it loads.
		file = "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nencode = \"url\"\nurl = \"" + tc.url + "\""
		if _, err := labels.ParseTemplates(strings.NewReader(file)); err != nil {
			t.Errorf("a url of %d bytes with the strip: %v", len(tc.url), err)
		}
	}
}
