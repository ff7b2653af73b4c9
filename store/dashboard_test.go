package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

func TestAttention(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	today := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	day := func(n int) string { return today.AddDate(0, 0, n).Format("2006-01-02") }
	for i, r := range []store.Receipt{
		{Serial: "A", WarrantyEnd: day(10)},  // ends soon
		{Serial: "B", WarrantyEnd: day(120)}, // too far
		{Serial: "C", WarrantyEnd: day(-1)},  // already ended
		{Serial: "D"},
		{Serial: "E"},
		{Serial: "F", WarrantyEnd: day(20)}, // ends soon, but retired below
	} {
		r.Model, r.Location = "L5440", "DUB-STORE"
		if _, err := db.Receive(ctx, r); err != nil {
			t.Fatalf("receipt %d: %v", i, err)
		}
	}
	if _, err := db.CheckOut(ctx, "TD-000004", "B1001", day(-2)); err != nil { // overdue
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-000005", "B1001", day(5)); err != nil { // not yet due
		t.Fatal(err)
	}
	if _, err := db.Retire(ctx, "TD-000006", ""); err != nil {
		t.Fatal(err)
	}
	att, err := db.Attention(ctx, today, 90, 3)
	if err != nil {
		t.Fatal(err)
	}
	if att.Overdue != 1 || len(att.OverdueFirst) != 1 || att.OverdueFirst[0].Tag != "TD-000004" || att.OverdueFirst[0].CustodianName != "Ana Silva" {
		t.Errorf("overdue: %d %+v", att.Overdue, att.OverdueFirst)
	}
	if att.Warranty != 1 || len(att.WarrantyFirst) != 1 || att.WarrantyFirst[0].Tag != "TD-000001" {
		t.Errorf("warranty: %d %+v", att.Warranty, att.WarrantyFirst)
	}
	// Checked back in: no longer overdue.
	if _, err := db.CheckIn(ctx, "TD-000004", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if att, err = db.Attention(ctx, today, 90, 0); err != nil || att.Overdue != 0 || att.OverdueFirst != nil {
		t.Errorf("after check-in: %+v %v", att, err)
	}
}

func TestCountAssets(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for _, s := range []string{"SN-100", "SN-200", "XY-300"} {
		if _, err := db.Receive(ctx, store.Receipt{Serial: s, Model: "L5440", Location: "DUB-STORE"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		f     store.AssetFilter
		limit int
		want  int
	}{
		{store.AssetFilter{}, 0, 3},
		{store.AssetFilter{}, 2, 2},
		{store.AssetFilter{Query: "SN-"}, 0, 2},
		{store.AssetFilter{Query: "XY"}, 0, 1},
		{store.AssetFilter{Status: store.StatusDeployed}, 0, 0},
	} {
		got, err := db.CountAssets(ctx, tc.f, tc.limit)
		if err != nil || got != tc.want {
			t.Errorf("CountAssets(%+v, %d) = %d, %v; want %d", tc.f, tc.limit, got, err, tc.want)
		}
	}
}

func TestLocationPicks(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	ls, err := db.LocationPicks(context.Background())
	if err != nil || len(ls) != 2 || ls[0].Code != "DUB" || ls[1].Code != "DUB-STORE" || ls[1].ParentCode != "DUB" || ls[1].Name != "Dublin storeroom" {
		t.Fatalf("LocationPicks = %+v, %v", ls, err)
	}
}
