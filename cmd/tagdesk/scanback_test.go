package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/labels"
	"github.com/tagdesk/tagdesk/store"
)

// labels keeps its own copy of the rule by which a scan reads a link
// (urlCarriesTag: labels imports nothing of ours), and refused a template
// the store's resolver scanned back fine (…/a/{tag}?t=print: the path names
// the asset, a parameter after it is read only when it names none). Each
// shape of link here is rendered on a label (with the Code 128 strip, which
// lets any link through), read back from the image and resolved as a scan:
// a template without the strip is accepted exactly when every label of it
// scans back as its asset.
func TestTemplateLinksScanBack(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{Operator: "tester", Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddLocation(ctx, "DUB", "Dublin", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	assets := []labels.Label{{Tag: "TD-000123", Serial: "SN-77"}, {Tag: "1005"}, {Tag: "TD-000124", Serial: "CN0XK/12"}}
	for _, a := range assets {
		if _, err := db.Receive(ctx, store.Receipt{Tag: a.Tag, Serial: a.Serial, Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	strip, err := labels.Find("zebra-2x1-300", nil)
	if err != nil || !strip.Barcode {
		t.Fatalf("zebra-2x1-300: %+v %v", strip, err)
	}
	strip.Encode, strip.Fields = labels.EncodeURL, []string{labels.FieldTag}
	for _, u := range []string{
		"https://assets.example.com/a/{tag}",
		"https://assets.example.com/a/{tag}?t=print",
		"https://x/a/{tag}/",
		"https://x/a/{tag}?s={serial}",
		"https://x/a/{tag}?t={serial}",
		"https://x/a/{tag}?tag=print&t={serial}",
		"https://x/a/{tag}#top",
		"https://x/view?tag={tag}",
		"https://x/view?x=1&asset_tag={tag}",
		"https://x/?t={tag}#top",
		"https://x/view?tag=&t={tag}",
		"https://x/view?%74ag={tag}",
		"https://x/s/{serial}?tag={tag}",
		"https://x/a/{tag}/details?tag={tag}",
		"https://x/hardware/bytag/{tag}",
		"{tag}",
		// Refused: the scan reads another code, or none.
		"https://x/view?id={tag}",
		"https://x/a/{tag}/details",
		"https://x/s/{serial}",
		"https://x/view?t={tag}&tag={serial}",
		"https://x/view?tag=&tag={tag}",
		"https://x/view?tag=all&t={tag}",
		"https://x/view?x=1;tag={tag}",
		"https://x/a/{tag}{serial}",
		"https://x/a/{tag}-{serial}",
		"https://x/hardware/7?tag={tag}",
		"https://x/a/{tag}/{serial}",
		"x{tag}",
	} {
		file := "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"" + u + "\""
		_, perr := labels.ParseTemplates(strings.NewReader(file))
		accepted := perr == nil
		if perr != nil && !strings.Contains(perr.Error(), "would not scan back") {
			t.Errorf("%s: %v", u, perr)
			continue
		}
		tmpl := strip
		tmpl.URL = u
		scans, why := true, ""
		for _, a := range assets {
			img, err := labels.Render(tmpl, a)
			if err != nil {
				t.Fatalf("%s: render %s: %v", u, a.Tag, err)
			}
			codes, err := labels.Decode(img)
			if err != nil {
				t.Fatalf("%s: decode %s: %v", u, a.Tag, err)
			}
			link := ""
			for _, c := range codes {
				if c.Format == "qr" {
					link = c.Text
				}
			}
			if link == "" {
				t.Fatalf("%s: no QR code read on %s's label: %+v", u, a.Tag, codes)
			}
			r, err := db.Resolve(ctx, link)
			if err != nil || r.Asset == nil || r.Asset.Tag != a.Tag {
				scans, why = false, link+" scans as "+r.Code+" "+string(r.Kind)
				if err != nil {
					why = link + ": " + err.Error()
				} else if r.Asset != nil {
					why = link + " scans as " + r.Asset.Tag
				}
				break
			}
		}
		if accepted != scans {
			t.Errorf("%s: template accepted %v (%v), labels scan back %v (%s)", u, accepted, perr, scans, why)
		}
	}
}
