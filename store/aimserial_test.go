package store_test

import (
	"context"
	"errors"
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
}
