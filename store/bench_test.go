package store_test

// Go benchmarks of the store's hot paths on a demo database. The figures
// against the targets (at 1M assets) come from `make bench`
// (cmd/benchreport); these are for profiling a change:
//
//	go test -run '^$' -bench . -benchtime 2000x -cpuprofile cpu.out ./store/
//
// BENCH_ASSETS sets the demo size (default 20,000).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

func benchAssets(tb testing.TB) int {
	if v := os.Getenv("BENCH_ASSETS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			tb.Fatalf("BENCH_ASSETS=%q: want a number of at least 100", v)
		}
		return n
	}
	return 20_000
}

// benchDemo builds a demo in a temporary folder and opens it.
func benchDemo(b *testing.B) (*store.DB, int) {
	b.Helper()
	n := benchAssets(b)
	path := filepath.Join(b.TempDir(), "demo.db")
	if _, err := store.BuildDemo(context.Background(), path, store.DemoOptions{Assets: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(context.Background(), path, store.Options{Operator: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, n
}

func tagOf(n int, i int) string {
	return store.TagScheme{Prefix: "TD-", Width: 6}.Format(int64(i%n + 1))
}

func BenchmarkBuildDemo(b *testing.B) {
	n := benchAssets(b)
	dir := b.TempDir()
	for b.Loop() {
		if _, err := store.BuildDemo(context.Background(), filepath.Join(dir, "demo.db"), store.DemoOptions{Assets: n, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "assets/s")
}

func BenchmarkResolveTag(b *testing.B) {
	db, n := benchDemo(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		if _, err := db.Resolve(ctx, tagOf(n, rng.IntN(n))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveSerial(b *testing.B) {
	db, n := benchDemo(b)
	ctx := context.Background()
	var serials []string
	for i := 0; i < 1000; i++ {
		a, err := db.Asset(ctx, tagOf(n, i*7919))
		if err != nil {
			b.Fatal(err)
		}
		serials = append(serials, a.Serial)
	}
	i := 0
	for b.Loop() {
		if _, err := db.Resolve(ctx, serials[i%len(serials)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkSearchFirstPage(b *testing.B) {
	db, _ := benchDemo(b)
	ctx := context.Background()
	for _, q := range []string{"00421", "Murphy", "Latitude 5440", "Dell", "Dublin"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.SearchAssets(ctx, store.AssetFilter{Query: q, Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckOutIn: one durable check-out and one check-in, each its
// own transaction with its event (synchronous=FULL).
func BenchmarkCheckOutIn(b *testing.B) {
	db, _ := benchDemo(b)
	ctx := context.Background()
	var tags []string
	if err := db.EachAsset(ctx, store.AssetFilter{Status: store.StatusInStock, Limit: 500}, func(a store.Asset) error {
		tags = append(tags, a.Tag)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	if len(tags) == 0 {
		b.Fatal("no asset in stock")
	}
	i := 0
	for b.Loop() {
		tag := tags[i%len(tags)]
		if _, err := db.CheckOut(ctx, tag, fmt.Sprintf("B%d", 10000+i%50), ""); err != nil {
			b.Fatal(err)
		}
		if _, err := db.CheckIn(ctx, tag, store.CheckInOptions{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
