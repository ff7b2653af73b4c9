package labels_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"testing"

	"github.com/tagdesk/tagdesk/labels"
)

func TestPNGBatch(t *testing.T) {
	tmpl, err := labels.Find("zebra-2x1-203", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ls []labels.Label
	for i := 0; i < 40; i++ {
		ls = append(ls, labels.Label{Tag: fmt.Sprintf("TD-%06d", i), Name: "Laptop", Serial: fmt.Sprintf("SN%d", i)})
	}
	next := 0
	err = labels.PNGBatch(context.Background(), tmpl, ls, 3, func(i int, b []byte) error {
		if i != next {
			t.Fatalf("emitted %d, want %d (in order)", i, next)
		}
		next++
		var one bytes.Buffer
		if err := labels.PNG(&one, tmpl, ls[i]); err != nil {
			return err
		}
		if !bytes.Equal(one.Bytes(), b) {
			t.Errorf("label %d differs from a single render", i)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			return err
		}
		res, err := labels.Decode(img)
		if err != nil || len(res) == 0 || res[0].Text != ls[i].Tag {
			t.Errorf("label %d reads back %v %v", i, res, err)
		}
		return nil
	})
	if err != nil || next != len(ls) {
		t.Fatalf("batch: %v, %d emitted", err, next)
	}
	stop := errors.New("stop")
	if err := labels.PNGBatch(context.Background(), tmpl, ls, 2, func(i int, b []byte) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("emit error: %v", err)
	}
	long := append([]labels.Label{}, ls...)
	long[5].Tag = "THIS-TAG-IS-FAR-TOO-LONG-FOR-A-2X1"
	if err := labels.PNGBatch(context.Background(), tmpl, long, 2, func(int, []byte) error { return nil }); err == nil {
		t.Fatal("a label that does not fit: no error")
	}
}
