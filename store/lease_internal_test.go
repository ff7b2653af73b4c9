package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// leaseRemainingWalk is LeaseRemaining as it was: each leased number's
// tag looked up in turn (codeTakenQuery), the first walk of them, the rest
// taken as free. The reference the range count must agree with.
func leaseRemainingWalk(ctx context.Context, db *DB, walk int) (remaining, from int64, err error) {
	err = db.read(ctx, func(w *wtx) error {
		s, err := w.tagScheme()
		if err != nil {
			return err
		}
		var leases [][2]int64
		rows, err := w.tx.QueryContext(ctx, `SELECT first, last FROM sync_leases WHERE last >= ? ORDER BY first`, s.Next)
		if err != nil {
			return err
		}
		for rows.Next() {
			var l [2]int64
			if err := rows.Scan(&l[0], &l[1]); err != nil {
				rows.Close()
				return err
			}
			leases = append(leases, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		from = s.Next
		walked := 0
		for _, l := range leases {
			from = max(from, l[1]+1)
			for n := max(l[0], s.Next); n <= l[1]; n++ {
				if walked == walk {
					remaining += l[1] - n + 1
					break
				}
				walked++
				err := w.queryRow(codeTakenQuery, s.Format(n)).Scan(new(string), new(string))
				if errors.Is(err, sql.ErrNoRows) {
					remaining++
				} else if err != nil {
					return err
				}
			}
		}
		return nil
	})
	return remaining, from, err
}

func leaseTestDB(tb testing.TB) *DB {
	tb.Helper()
	clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "l.db"), Options{Operator: "tester", Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.AddLocation(context.Background(), "STORE", "Storeroom", ""); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.AddModel(context.Background(), "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		tb.Fatal(err)
	}
	return db
}

// LeaseRemaining counts the taken numbers of the leased blocks by range
// over the code indexes: the same answer as looking up every number, for
// every tag scheme (prefix, width, check character), numbers past the
// width, codes that are a location's, a badge or an employee number (in
// any case), and codes that only look like the scheme's.
func TestLeaseRemainingMatchesTheWalk(t *testing.T) {
	ctx := context.Background()
	type setup struct {
		name     string
		settings map[string]string
		leases   [][2]int64
		tags     []string // received with these tags
		next     int64    // tag_next, when set
		locs     []string // location codes
		badges   []string
		empNos   []string
	}
	for _, c := range []setup{
		{name: "no lease"},
		{name: "one block, none taken", leases: [][2]int64{{1, 1000}}},
		{name: "taken by tags, codes, badges, employee numbers", leases: [][2]int64{{1, 1000}},
			tags: []string{"TD-000001", "TD-000002", "TD-000500", "TD-001000", "TD-001001", "TD-0000800", "TD-00080", "TD-000900X", "TE-000003"},
			locs: []string{"TD-000050", "TD-000051X"}, badges: []string{"TD-000060"}, empNos: []string{"td-000070", "TD-000071", "td-00007"}},
		{name: "next inside the second block", leases: [][2]int64{{1, 100}, {201, 300}, {501, 600}}, next: 250,
			tags: []string{"TD-000010", "TD-000249", "TD-000250", "TD-000251", "TD-000300", "TD-000301", "TD-000550"}},
		{name: "past the width", settings: map[string]string{SettingTagWidth: "3"}, leases: [][2]int64{{990, 1010}, {99_990, 100_020}},
			tags: []string{"TD-995", "TD-999", "TD-1000", "TD-1005", "TD-0999", "TD-01000", "TD-99999", "TD-100000", "TD-100020", "TD-100021"}},
		{name: "check character", settings: map[string]string{SettingTagCheck: "1"}, leases: [][2]int64{{1, 200}},
			tags: []string{TagScheme{Prefix: "TD-", Width: 6, Check: true}.Format(5), TagScheme{Prefix: "TD-", Width: 6, Check: true}.Format(150), "TD-000007", "TD-0000070", "TD-000200Z"}},
		{name: "another prefix, no hyphen", settings: map[string]string{SettingTagPrefix: "LAB", SettingTagWidth: "4"}, leases: [][2]int64{{1, 50}},
			tags: []string{"LAB0001", "LAB0049", "LAB0050", "LAB00501", "LA0002", "TD-000003"}, empNos: []string{"lab0010"}},
		{name: "lower-case prefix", settings: map[string]string{SettingTagPrefix: "td-"}, leases: [][2]int64{{1, 100}},
			tags: []string{"TD-000001"}, empNos: []string{"TD-000002", "td-000003"}},
		{name: "a block past the walk", leases: [][2]int64{{1, 3000}, {3001, 9000}},
			tags: []string{"TD-000001", "TD-002999", "TD-004000", "TD-008999", "TD-009000", "TD-009001"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := leaseTestDB(t)
			for _, tag := range c.tags {
				if _, err := db.Receive(ctx, Receipt{Tag: tag, Model: "L5440", Location: "STORE"}); err != nil {
					t.Fatal(tag, err)
				}
			}
			for _, code := range c.locs {
				if _, err := db.AddLocation(ctx, code, "Place "+code, ""); err != nil {
					t.Fatal(code, err)
				}
			}
			for i, b := range c.badges {
				if _, err := db.AddPerson(ctx, PersonInput{Name: fmt.Sprintf("Badge %d", i), Badge: b}); err != nil {
					t.Fatal(b, err)
				}
			}
			for i, e := range c.empNos {
				if _, err := db.AddPerson(ctx, PersonInput{Name: fmt.Sprintf("Employee %d", i), EmployeeNo: e}); err != nil {
					t.Fatal(e, err)
				}
			}
			for k, v := range c.settings {
				if err := db.SetSetting(ctx, k, v); err != nil {
					t.Fatal(err)
				}
			}
			if c.next > 0 {
				if err := db.SetSetting(ctx, SettingTagNext, strconv.FormatInt(c.next, 10)); err != nil {
					t.Fatal(err)
				}
			}
			for _, l := range c.leases {
				if err := db.AddLease(ctx, l[0], l[1]); err != nil {
					t.Fatal(err)
				}
			}
			wantLeft, wantFrom, err := leaseRemainingWalk(ctx, db, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			left, from, err := db.LeaseRemaining(ctx)
			if err != nil || left != wantLeft || from != wantFrom {
				t.Fatalf("LeaseRemaining = %d left, from %d, %v; looking up each number: %d left, from %d", left, from, err, wantLeft, wantFrom)
			}
		})
	}
}

// BenchmarkLeaseRemaining: a desk holding a 100,000-number import lease,
// a hundred of its tags given. walk is each number looked up (as it was),
// range the count by range (as it is).
func BenchmarkLeaseRemaining(b *testing.B) {
	ctx := context.Background()
	db := leaseTestDB(b)
	if err := db.AddLease(ctx, 1, 100_000); err != nil {
		b.Fatal(err)
	}
	rs := make([]Receipt, 100)
	for i := range rs {
		rs[i] = Receipt{Model: "L5440", Location: "STORE"}
	}
	if _, err := db.ReceiveAll(ctx, rs); err != nil {
		b.Fatal(err)
	}
	// Taken ahead of the desk's next number: pre-printed tags received.
	for _, n := range []int{150, 2_000, 60_000} {
		if _, err := db.Receive(ctx, Receipt{Tag: fmt.Sprintf("TD-%06d", n), Model: "L5440", Location: "STORE"}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("walk", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := leaseRemainingWalk(ctx, db, 5000); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("range", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := db.LeaseRemaining(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
