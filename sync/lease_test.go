package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// leaseOver asks the server at url for a block over the loopback, as a
// client of its own (a script, a broken or hostile desk) would.
func leaseOver(t *testing.T, url, token string, count, min int64) (int, LeaseResponse, ErrorResponse) {
	t.Helper()
	b, _ := json.Marshal(LeaseRequest{Count: count, Min: min})
	req, err := http.NewRequest(http.MethodPost, url+"/v1/lease", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ok LeaseResponse
	var bad ErrorResponse
	if resp.StatusCode == http.StatusOK {
		err = json.NewDecoder(resp.Body).Decode(&ok)
	} else {
		err = json.NewDecoder(resp.Body).Decode(&bad)
	}
	if err != nil {
		t.Fatalf("lease answer (%d): %v", resp.StatusCode, err)
	}
	return resp.StatusCode, ok, bad
}

// From a server review: each lease request granted a new block past the
// last, and nothing bounded how many unused numbers one device held: a
// token asking in a loop (or asking each time far past the counter) took
// the whole tag space from every desk. A desk holding more than
// MaxLeaseHeld unused numbers by the server's count, or whose leases have
// skipped MaxLeaseJump numbers in all, is refused a new block (400, the
// reason in the answer and the server's log); a desk's top-up and a large
// lease still work.
func TestLeaseBoundedPerDevice(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	var logged bytes.Buffer
	e.h = NewServer(e.srv, ServerOptions{RatePerSecond: 1000, Burst: 1000, Logger: slog.New(slog.NewJSONHandler(&logged, nil))})
	hs := httptest.NewServer(e.h)
	defer hs.Close()

	// Enrolled by its first sync, which leases its first block.
	if _, err := e.client(t, hs.URL).Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	left, from, err := e.dev.LeaseRemaining(ctx)
	if err != nil || left != 1000 {
		t.Fatalf("after the first sync: %d left (%v)", left, err)
	}

	// A large lease (an import's) is granted.
	code, got, bad := leaseOver(t, hs.URL, e.tok, 100_000, from)
	if code != http.StatusOK || got.Last-got.First+1 != 100_000 {
		t.Fatalf("a lease of 100,000: %d %+v %s", code, got, bad.Error)
	}
	// Asked again in a loop, past the last block each time: refused once
	// the device would hold more than MaxLeaseHeld unused.
	code, _, bad = leaseOver(t, hs.URL, e.tok, 100_000, got.Last+1)
	if code != http.StatusBadRequest || !strings.Contains(bad.Error, "unused tag numbers") {
		t.Fatalf("a second lease of 100,000 on top of 101,000 unused: %d %s", code, bad.Error)
	}
	if !strings.Contains(logged.String(), `"msg":"lease refused"`) || !strings.Contains(logged.String(), "unused tag numbers") {
		t.Errorf("the server's log does not say why:\n%s", logged.String())
	}
	before, err := e.srv.DB.ServerLeaseNext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if code, _, _ := leaseOver(t, hs.URL, e.tok, 100_000, before); code != http.StatusBadRequest {
			t.Fatalf("a lease in a loop: %d", code)
		}
	}
	if after, _ := e.srv.DB.ServerLeaseNext(ctx); after != before {
		t.Errorf("refused leases moved the counter from %d to %d", before, after)
	}

	// The desk's own top-up still works: it receives, and its sync tops
	// its block up (the server holds its 101,000 less its receipts).
	e.receiveMany(t, 5)
	rep, err := e.client(t, hs.URL).Sync(ctx, nil)
	if err != nil || rep.LeaseRefused != "" {
		t.Fatalf("the desk's sync: %v, lease refused %q", err, rep.LeaseRefused)
	}
	if left, _, _ := e.dev.LeaseRemaining(ctx); left != 1995 {
		t.Errorf("after the top-up: %d left, want 1,995", left)
	}

	// Another device asking far past the counter, a block of one number
	// at a time: each skip is the whole tag space's for good. One jump
	// a register makes is granted; its leases may not skip MaxLeaseJump
	// numbers in all.
	tok2 := store.NewToken()
	if err := e.srv.AddToken(ctx, "jumper", tok2); err != nil {
		t.Fatal(err)
	}
	if code, b := e.call(t, "POST", "/v1/hello", tok2, HelloRequest{DeviceID: "DJUMP00001", Version: store.PayloadVersion}); code != 200 {
		t.Fatalf("hello: %d %s", code, b)
	}
	next, _ := e.srv.DB.ServerLeaseNext(ctx)
	code, got, bad = leaseOver(t, hs.URL, tok2, 1, next+store.MaxLeaseJump*3/4)
	if code != http.StatusOK {
		t.Fatalf("a first jump: %d %s", code, bad.Error)
	}
	code, _, bad = leaseOver(t, hs.URL, tok2, 1, got.Last+1+store.MaxLeaseJump*3/4)
	if code != http.StatusBadRequest || !strings.Contains(bad.Error, "skipped") {
		t.Fatalf("a second jump: %d %s", code, bad.Error)
	}
	// Its blocks from the counter on are still granted.
	if code, got, bad = leaseOver(t, hs.URL, tok2, 1000, got.Last+1); code != http.StatusOK || got.First != got.Last-999 {
		t.Fatalf("a lease from the counter: %d %+v %s", code, got, bad.Error)
	}
}

// From a review: a desk at the bound that had just used its block was
// refused a lease in the very sync that pushed its receipts (the lease
// came before the push), and told it held numbers it did not. Now a
// refused lease is asked again after the push; the server counts a desk's
// receipts from where its last count left off (srv_meta), so the second
// round still counts the first round's.
func TestLeaseAfterThePushAtTheBound(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewServer(e.h)
	defer hs.Close()
	if _, err := e.client(t, hs.URL).Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Blocks leased elsewhere (an import's) bring the desk to 199,500.
	_, from, _ := e.dev.LeaseRemaining(ctx)
	for _, n := range []int64{100_000, 98_500} {
		if code, got, bad := leaseOver(t, hs.URL, e.tok, n, from); code != http.StatusOK {
			t.Fatalf("lease of %d: %d %s", n, code, bad.Error)
		} else {
			from = got.Last + 1
		}
	}
	if _, err := e.dev.AddLocation(ctx, "WH", "Warehouse", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		left, _, _ := e.dev.LeaseRemaining(ctx)
		rs := make([]store.Receipt, left)
		for i := range rs {
			rs[i] = store.Receipt{Serial: fmt.Sprintf("R%d-%05d", round, i), Model: "L5440", Location: "WH"}
		}
		if _, err := e.dev.ReceiveAll(ctx, rs); err != nil {
			t.Fatal(err)
		}
		rep, err := e.client(t, hs.URL).Sync(ctx, nil)
		if err != nil || rep.LeaseRefused != "" {
			t.Fatalf("round %d: %v, lease refused %q", round, err, rep.LeaseRefused)
		}
		if left, _, _ := e.dev.LeaseRemaining(ctx); left != 1000 {
			t.Fatalf("round %d: %d left after the sync, want 1,000", round, left)
		}
	}
}
