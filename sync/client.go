package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// Client syncs one device database with the server.
type Client struct {
	DB     *store.DB
	Server string // base URL, e.g. http://127.0.0.1:7420
	Token  string
	HTTP   *http.Client
	// Retries is how many times a request is retried after a network error
	// or a 5xx/429 answer (default 4); Backoff the first wait (default 200 ms,
	// doubling, at most 5 s).
	Retries int
	Backoff time.Duration
	// RetryFor bounds the time a request spends being retried (default
	// 60 s): a link that takes each attempt and drops it before the
	// answer must not keep a sync silent for five attempts of a minute.
	RetryFor time.Duration
	// LeaseBlock is how many tag numbers to lease at a time (default 1000),
	// LeaseLow how few left trigger a new lease (default 200).
	LeaseBlock, LeaseLow int64
	// PushBatch and PullLimit size the requests (defaults 200 and 2,000).
	PushBatch, PullLimit int
	// PushWindow is how many push batches may be on the wire at once
	// (default DefaultPushWindow); answers are still taken in order.
	PushWindow int
	// PushOnly skips the pull: a quick background push of new local work.
	PushOnly bool
}

// DefaultPushWindow: the next batches travel and are decoded while the
// server applies the current one, and wait in its queue so that several
// of them share a commit (one fsync). Four rather than three kept the
// 100k push near 12,900 events/s instead of 10,000-10,500 while this
// machine's fsyncs were slow.
const DefaultPushWindow = 4

// minPushBatch is the smallest push batch a slow link falls back to.
const minPushBatch = 10

// timedOut reports a request that got no answer in its time.
func timedOut(err error) bool {
	var ne net.Error
	return err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout())
}

// NewClient returns a client for db using the stored server and token.
// caFile, if not empty, is a PEM file of CAs to trust for TLS.
func NewClient(ctx context.Context, db *store.DB) (*Client, error) {
	st, err := db.SyncState(ctx)
	if err != nil {
		return nil, err
	}
	if st.Server == "" || st.Token == "" {
		return nil, store.Errorf(store.EINVALID, "no sync server configured: run tagdesk sync --server URL --token TOKEN")
	}
	hc, err := HTTPClient(st.CAFile)
	if err != nil {
		return nil, err
	}
	return &Client{DB: db, Server: st.Server, Token: st.Token, HTTP: hc}, nil
}

// HTTPClient returns an HTTP client that trusts the CAs in caFile (if given)
// besides the system's.
func HTTPClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s has no PEM certificate", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}, nil
}

// Progress is reported while syncing.
type Progress struct {
	Phase   string // hello, lease, push, pull, rebase
	Done    int    // events pushed, or changes read (pull phase: this desk's own included) so far
	Pending int    // events still to push (push phase)
	Others  int    // of the changes read, the other desks' (pull phase): the report's Pulled
}

// Report says what a sync did.
type Report struct {
	Pushed     int    `json:"pushed"`
	Applied    int    `json:"applied"`
	Refused    int    `json:"refused"`
	Duplicates int    `json:"duplicates"`
	Pulled     int    `json:"pulled"`
	Cursor     int64  `json:"cursor"`
	Epoch      string `json:"epoch"`
	EpochReset bool   `json:"epoch_reset"`
	Rebased    bool   `json:"rebased"`
	// Regapped: the server's order skipped changes this desk never
	// pulled, and the desk read it again from its start (EpochReset too).
	Regapped bool `json:"regapped,omitempty"`
	// LeaseRefused is why the server refused this desk a block of tag
	// numbers, if it did (the sync went on without it).
	LeaseRefused string `json:"lease_refused,omitempty"`
}

// HTTPError is a non-200 answer from the server.
type HTTPError struct {
	Status int
	Body   ErrorResponse
	// RetryAfter is the wait a 429 asked for (Retry-After, in seconds), or
	// 0.
	RetryAfter time.Duration
	// Plain is the first line of an answer that is not tagdesk's JSON
	// (another server's page), if any.
	Plain string
}

func (e *HTTPError) Error() string {
	msg := e.Body.Error
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("server said %d: %s", e.Status, msg)
}

// notTagdesk explains a hello that some other web server answered: an
// error page (not JSON), or a status without tagdesk's error body.
func (c *Client) notTagdesk(err error) error {
	var he *HTTPError
	var se *json.SyntaxError
	// A server from before payload versions refuses the hello's version
	// field it does not know: it runs an older tagdesk than this desk.
	if errors.As(err, &he) && he.Status == http.StatusBadRequest && strings.Contains(he.Body.Error, `unknown field "version"`) {
		return fmt.Errorf("the server at %s runs an older tagdesk than this desk (from before event payload versions): upgrade the server first, then sync; nothing was sent", c.Server)
	}
	if errors.As(err, &he) && he.Status == http.StatusBadRequest && strings.Contains(he.Plain, "HTTP request to an HTTPS server") {
		// Go's TLS server answering plain HTTP: the address is right, the
		// scheme is not.
		return fmt.Errorf("the server at %s speaks HTTPS: use --server %s", c.Server, "https://"+strings.TrimPrefix(c.Server, "http://"))
	}
	switch {
	case errors.As(err, &he) && he.Body.Error == "" && (he.Status == http.StatusNotImplemented || he.Status < 500 && he.Status != http.StatusTooManyRequests):
		// (A 502, 503 or 504 without a body is a proxy whose tagdesk is
		// down: that error says so.)
	case errors.As(err, &se):
	default:
		return err
	}
	return fmt.Errorf("%s is not a tagdesk sync server (%w): check --server", c.Server, err)
}

// retryable: network trouble, 5xx and 429; never other 4xx (F6).
func retryable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 && he.Status != http.StatusNotImplemented || he.Status == http.StatusTooManyRequests
	}
	// An answer that is not our JSON (another web server) will not become
	// ours by asking again.
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		return false
	}
	// Nor will a certificate the desk does not trust.
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	retries, wait := c.Retries, c.Backoff
	if retries == 0 {
		retries = 4
	}
	if retries < 0 {
		retries = 0
	}
	if wait <= 0 {
		wait = 200 * time.Millisecond
	}
	budget := c.RetryFor
	if budget <= 0 {
		budget = 60 * time.Second
	}
	start := time.Now()
	var err error
	for attempt := 0; ; attempt++ {
		err = c.once(ctx, method, path, in, out)
		// A server that asks the desk to slow down (429, Retry-After) is
		// waited for as it asks, within the budget, not given up on
		// after the attempts a failing one gets.
		var he *HTTPError
		slowDown := errors.As(err, &he) && he.Status == http.StatusTooManyRequests
		if err == nil || !retryable(err) || attempt >= retries && !slowDown || time.Since(start) > budget {
			return err
		}
		sleep := wait
		if slowDown && he.RetryAfter > 0 {
			sleep = he.RetryAfter
		}
		// Never past the budget. A server that asks for longer than is
		// left is not asked again early (it would say 429 again).
		if left := budget - time.Since(start); sleep > left {
			if slowDown && he.RetryAfter > 0 {
				return fmt.Errorf("%w (it asked to wait %s, longer than this sync waits)", err, he.RetryAfter)
			}
			if left <= 0 {
				return err
			}
			sleep = left
		}
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(wait*2, 5*time.Second)
	}
}

// gzipJSON is a request body already encoded (JSON, gzip).
type gzipJSON []byte

// encodeBody encodes a request body as gzip-compressed JSON.
func encodeBody(in any) (gzipJSON, error) {
	var buf bytes.Buffer
	// BestSpeed: event batches compress well at any level, and the
	// default level costs several times the CPU for a few per cent.
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := json.NewEncoder(gz).Encode(in); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if err := gz.Close(); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return buf.Bytes(), nil
}

func (c *Client) once(ctx context.Context, method, path string, in, out any) error {
	var rd io.Reader
	if in != nil {
		body, ok := in.(gzipJSON)
		if !ok {
			var err error
			if body, err = encodeBody(in); err != nil {
				return err
			}
		}
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.Server, "/")+path, rd)
	if err != nil {
		return fmt.Errorf("request %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return &reachError{server: c.Server, err: err}
	}
	defer resp.Body.Close()
	body := io.Reader(io.LimitReader(resp.Body, 64<<20))
	if resp.Header.Get("Content-Encoding") == "gzip" && !resp.Uncompressed {
		gz, err := gzip.NewReader(body)
		if err != nil {
			return fmt.Errorf("read %s answer: %w", path, err)
		}
		body = gz
	}
	if resp.StatusCode != http.StatusOK {
		he := &HTTPError{Status: resp.StatusCode}
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
			he.RetryAfter = time.Duration(min(secs, 60)) * time.Second
		}
		raw, _ := io.ReadAll(io.LimitReader(body, 64<<10))
		if json.Unmarshal(raw, &he.Body) != nil {
			// Another server's page: its first line, to explain it
			// (read, never shown).
			first, _, _ := strings.Cut(strings.TrimSpace(string(raw[:min(len(raw), 512)])), "\n")
			he.Plain = first
		}
		return he
	}
	if err := json.NewDecoder(body).Decode(out); err != nil {
		if linkLost(err) {
			// The answer was cut off: the link went, not the server's sense.
			return &reachError{server: c.Server, err: fmt.Errorf("the answer to %s was cut off: %w", path, err)}
		}
		return fmt.Errorf("read %s answer: %w", path, err)
	}
	return nil
}

// linkLost reports whether reading an answer failed because the connection
// did: cut off, reset, or timed out.
func linkLost(err error) bool {
	var ne net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.As(err, &ne)
}

// Sync runs one round: hello (enrol, detect a new epoch), lease tag numbers
// if few are left, push every pending event in batches, then pull every new
// change; finally rebase the local view if the server decided differently.
// progress may be nil. The outcome is recorded for `sync status`.
func (c *Client) Sync(ctx context.Context, progress func(Progress)) (Report, error) {
	rep, err := c.sync(ctx, progress)
	if err != nil && ctx.Err() == nil {
		// Cut off after the server refused changes (the link dropped
		// while pulling): the view is rebased now, not at the next sync,
		// so that what the desk shows and redoes is what the server
		// decided. (It needs no server.)
		starting := func() {
			if progress != nil {
				progress(Progress{Phase: "rebase"})
			}
		}
		if did, rerr := c.DB.RebuildIfNeeded(ctx, starting); rerr != nil {
			err = errors.Join(err, fmt.Errorf("rebase this desk's view (done at the next sync): %w", rerr))
		} else if did {
			rep.Rebased = true
		}
	}
	// The server could not be reached, at whatever step: recorded as
	// that, so that the desk shows itself offline (store.UnreachablePrefix).
	recorded := err
	var re *reachError
	switch {
	case err != nil && errors.Is(ctx.Err(), context.Canceled):
		// Stopped (ctrl-c, the UI closing): whatever step it was in, not
		// a link that failed. (A deadline that passed is the link's.)
		recorded = errors.New("interrupted before it finished (nothing is lost): sync again")
	case errors.As(err, &re):
		recorded = re
	}
	if rerr := c.DB.RecordSyncAttempt(context.WithoutCancel(ctx), recorded); rerr != nil && err == nil {
		err = rerr
	}
	return rep, err
}

func (c *Client) sync(ctx context.Context, progress func(Progress)) (Report, error) {
	var rep Report
	if progress == nil {
		progress = func(Progress) {}
	}
	did, err := c.DB.RebuildIfNeeded(ctx, func() { progress(Progress{Phase: "rebase"}) })
	if err != nil {
		return rep, err
	}
	rep.Rebased = did
	// A new epoch found mid-round restarts the round, a bounded number of times.
	for round := 0; round < 3; round++ {
		again, err := c.round(ctx, &rep, progress)
		if err != nil || !again {
			return rep, err
		}
	}
	return rep, fmt.Errorf("the server's epoch keeps changing; try again later")
}

func (c *Client) round(ctx context.Context, rep *Report, progress func(Progress)) (bool, error) {
	db := c.DB
	// What this desk has pulled and had acknowledged, read before the
	// server is asked: another sync of this desk (the UI's, beside a
	// script's) may move both on while this hello is answered, past the
	// head the answer gives, and this desk must not take that for a
	// server restored from a backup.
	before, err := db.SyncState(ctx)
	if err != nil {
		return false, err
	}
	req := HelloRequest{DeviceID: db.DeviceID(), Version: store.PayloadVersion}
	pointSeq, pointHash, err := db.LogPoint(ctx, before.Cursor)
	if err != nil {
		return false, err
	}
	if pointSeq > 0 {
		req.At = &LogPoint{ServerSeq: pointSeq, Hash: pointHash}
	}
	progress(Progress{Phase: "hello"})
	var hello HelloResponse
	err = c.do(ctx, http.MethodPost, "/v1/hello", req, &hello)
	if he := (*HTTPError)(nil); err != nil && req.At != nil && errors.As(err, &he) && he.Status == http.StatusBadRequest {
		// A server from before HelloRequest.At refuses a field it does
		// not know: asked again without it.
		req.At = nil
		err = c.do(ctx, http.MethodPost, "/v1/hello", req, &hello)
	}
	if err != nil {
		return false, c.notTagdesk(err)
	}
	if hello.Epoch == "" {
		// Some other web server that answers JSON: taken for a tagdesk
		// server, its empty answer would look like a replaced server.
		return false, fmt.Errorf("%s is not a tagdesk sync server (its answer to hello has no epoch): check --server", c.Server)
	}
	// A server older than this desk would refuse what it cannot read, and
	// keep the refusals: it must be upgraded first.
	if hello.Version < store.PayloadVersion {
		return false, fmt.Errorf("the server at %s runs an older tagdesk than this desk (event payload version %d, this desk's %d): upgrade the server first, then sync; nothing was sent", c.Server, hello.Version, store.PayloadVersion)
	}
	// A desk whose clock is far from the server's would send changes
	// dated wrong for every desk (the server refuses those dated ahead):
	// stop before sending anything, and say so.
	if t, err := time.Parse(time.RFC3339Nano, hello.Now); err == nil {
		if skew := store.ClockSkew(db.Now(), t); skew != "" {
			return false, fmt.Errorf("%s: set this computer's clock right, then sync; nothing was sent", skew)
		}
	}
	if err := db.MarkEnrolled(ctx, hello.Epoch); err != nil {
		return false, err
	}
	st, err := db.SyncState(ctx)
	if err != nil {
		return false, err
	}
	// A restored or replaced server: a new epoch, one that lost events it
	// had acknowledged or changes this device had pulled (F3), or one that
	// holds another change where this desk pulled one (Diverged: it lost
	// part of its log, which has grown again since). The reset is done
	// only if the desk still stands where it stood when the hello was
	// asked, its place in the order included (read whether or not the
	// hello carried it): another sync of it may have reset it and read the
	// log again meanwhile, and then the hello is asked again.
	restored := st.Epoch != hello.Epoch || hello.HighWater < before.AckedSeq || hello.Head < before.Cursor
	if restored || hello.Diverged && req.At != nil {
		reset, err := db.ResetForEpochIf(ctx, before, hello.Epoch, hello.HighWater, pointSeq, pointHash)
		if err != nil {
			return false, err
		}
		if !reset {
			return true, nil
		}
		rep.EpochReset = true
	}
	rep.Epoch = hello.Epoch
	if err := c.leaseOrSay(ctx, rep); err != nil {
		return false, err
	}
	batch := c.PushBatch
	if batch <= 0 || batch > MaxPushEvents {
		batch = MaxPushEvents
	}
	// Push: bounded by the outbox. The outbox is counted once; progress
	// counts down from there (a count per batch would read the whole outbox
	// every time). A batch's answers are recorded locally while the next
	// batch is on its way: the server commits a batch before it answers,
	// so the next one never depends on the local bookkeeping.
	if _, err := db.QueueUnsent(ctx); err != nil {
		return false, err
	}
	pending, err := db.PendingEvents(ctx)
	if err != nil {
		return false, err
	}
	window := c.PushWindow
	if window <= 0 {
		window = DefaultPushWindow
	}
	push := c.newPusher(ctx, batch, window, hello.Epoch)
	defer func() { push.stop() }() // the current one, after a restart too
	for guard := 0; guard < 1_000_000; guard++ {
		if err := push.rec.failed(); err != nil {
			return false, err
		}
		s, err := push.nextAnswer()
		if err != nil {
			return false, err
		}
		if s == nil {
			break
		}
		resp, err := s.resp, s.err
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusConflict {
			switch he.Body.Code {
			case CodeEpoch:
				return true, push.stop()
			case CodeGap:
				// The server does not have the events before this batch:
				// it lost acknowledged events (queue them again), or the
				// batch before this one did not reach it. Either way the
				// push starts again from the first event not acknowledged.
				if he.Body.ExpectedSeq >= s.events[0].Seq {
					return false, fmt.Errorf("push refused: %s", he.Body.Error)
				}
				if err := push.stop(); err != nil {
					return false, err
				}
				if err := db.Requeue(ctx, he.Body.ExpectedSeq); err != nil {
					return false, err
				}
				if pending, err = db.PendingEvents(ctx); err != nil {
					return false, err
				}
				push = c.newPusher(ctx, batch, window, hello.Epoch)
				continue
			}
		}
		if timedOut(err) && ctx.Err() == nil && (window > 1 || batch > minPushBatch) {
			// A slow link: the batches on the wire share it, and each
			// waits out its own time limit. Again from the first one not
			// answered, one smaller batch at a time (what did reach the
			// server comes back as duplicates).
			if err := push.stop(); err != nil {
				return false, err
			}
			window, batch = 1, max(minPushBatch, batch/4)
			if pending, err = db.PendingEvents(ctx); err != nil {
				return false, err
			}
			push = c.newPusher(ctx, batch, window, hello.Epoch)
			continue
		}
		if err != nil {
			return false, err
		}
		if resp.Epoch != hello.Epoch {
			return true, push.stop()
		}
		push.rec.record(resp.Results, resp.HighWater)
		for _, r := range resp.Results {
			switch {
			case r.Duplicate:
				rep.Duplicates++
			case r.Status == store.PushApplied:
				rep.Applied++
			default:
				rep.Refused++
			}
		}
		rep.Pushed += len(resp.Results)
		pending = max(0, pending-len(resp.Results))
		progress(Progress{Phase: "push", Done: rep.Pushed, Pending: pending})
	}
	if err := push.stop(); err != nil {
		return false, err
	}
	if rep.LeaseRefused != "" && rep.Pushed > 0 {
		// The server counts a desk's receipts as used numbers: refused as
		// holding too many before the push, it may lease now.
		rep.LeaseRefused = ""
		if err := c.leaseOrSay(ctx, rep); err != nil {
			return false, err
		}
	}
	if c.PushOnly {
		return false, nil
	}
	// Pull until the end of the log. The next page is fetched while this
	// one is applied (the server's read and the decoding overlap the local
	// transaction); pages are applied strictly in order, each with its
	// cursor in one transaction.
	limit := c.PullLimit
	if limit <= 0 || limit > MaxPullLimit {
		limit = DefaultPull
	}
	st, err = db.SyncState(ctx)
	if err != nil {
		return false, err
	}
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	pages := make(chan pulledPage, 1)
	go c.fetchPages(pctx, pages, st.Cursor, limit, hello.Epoch)
	read := 0
	for p := range pages {
		var he *HTTPError
		if errors.As(p.err, &he) && he.Status == http.StatusConflict && he.Body.Code == CodeEpoch {
			return true, nil
		}
		if p.err != nil {
			return false, p.err
		}
		if p.resp.Epoch != hello.Epoch {
			return true, nil
		}
		if err := db.ApplyPulled(ctx, p.changes, p.resp.NextCursor, p.resp.Epoch); err != nil {
			if !errors.Is(err, store.ErrChainGap) {
				return false, err
			}
			if rep.Regapped {
				return false, fmt.Errorf("%w: the server's log skips changes this desk never pulled, even read again from its start: run tagdesk verify --server, and see the README on restoring a server (serve --new-epoch)", err)
			}
			// The server's order skipped changes of another desk this
			// desk never pulled: it lost part of its log (restored from
			// a backup, marker and all) and grew again past this desk's
			// cursor. Everything is read again from its start, and what
			// the server lost of this desk's is sent again.
			// (What this round pushed is the server's now: its answers
			// raised acked_seq past the hello's high water.)
			if err := db.ResetForEpoch(ctx, hello.Epoch, max(hello.HighWater, st.AckedSeq)); err != nil {
				return false, err
			}
			rep.EpochReset, rep.Regapped = true, true
			return true, nil
		}
		// Pulled counts the other desks' changes: the server's order holds
		// this desk's own too, which it has (a lone desk "pulled" all it
		// pushed).
		own := c.DB.DeviceID()
		for _, ch := range p.changes {
			if ch.Event.DeviceID != own {
				rep.Pulled++
			}
		}
		read += len(p.changes) // (progress: what was read, its own included)
		rep.Cursor = p.resp.NextCursor
		progress(Progress{Phase: "pull", Done: read, Others: rep.Pulled})
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	did, err := db.RebuildIfNeeded(ctx, func() { progress(Progress{Phase: "rebase"}) })
	if err != nil {
		return false, err
	}
	if did {
		rep.Rebased = true
	}
	return false, nil
}

// leaseOrSay tops up the desk's tag numbers (lease). A lease the server
// refuses (a tag_next far too high, none left, too many held) must not
// keep this desk's changes from the server, nor the others' from it: said
// in rep, and the sync goes on. (The desk generates no tags until it has a
// block.)
func (c *Client) leaseOrSay(ctx context.Context, rep *Report) error {
	if err := c.lease(ctx); err != nil {
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != http.StatusBadRequest {
			return err
		}
		rep.LeaseRefused = err.Error()
	}
	return nil
}

func (c *Client) lease(ctx context.Context) error {
	block, low := c.LeaseBlock, c.LeaseLow
	if block <= 0 {
		block = 1000
	}
	if low <= 0 {
		// Topped up to a full block at every sync that finds fewer: a
		// receipt of a few hundred after a busy day must find them (the
		// desk cannot lease in the middle of a batch, offline).
		low = block
	}
	remaining, next, err := c.DB.LeaseRemaining(ctx)
	if err != nil {
		return err
	}
	if remaining >= low {
		return nil
	}
	var resp LeaseResponse
	if err := c.do(ctx, http.MethodPost, "/v1/lease", LeaseRequest{Count: block, Min: next}, &resp); err != nil {
		return fmt.Errorf("lease tag numbers: %w", err)
	}
	return c.DB.AddLease(ctx, resp.First, resp.Last)
}

// pulledPage is one pull response, decoded, or why there is none.
type pulledPage struct {
	resp    PullResponse
	changes []store.PulledChange
	err     error
}

// firstPullPage is the size of a pull's first page.
const firstPullPage = 250

// fetchPages fetches pull pages from cursor on, one ahead of the caller,
// until the end of the log, an error, another epoch or ctx ends; then it
// closes pages.
func (c *Client) fetchPages(ctx context.Context, pages chan<- pulledPage, cursor int64, limit int, epoch string) {
	defer close(pages)
	// Pages start small and grow: the first one is waited for with nothing
	// to overlap it, the later ones arrive while the one before is applied
	// (fetching and decoding an event costs a small part of applying it).
	size := min(limit, firstPullPage)
	for guard := 0; guard < 10_000_000; guard++ {
		var p pulledPage
		q := url.Values{"cursor": {strconv.FormatInt(cursor, 10)}, "limit": {strconv.Itoa(size)}, "epoch": {epoch}}
		size = min(size*4, limit)
		p.err = c.do(ctx, http.MethodGet, "/v1/pull?"+q.Encode(), nil, &p.resp)
		if p.err == nil && p.resp.Epoch == epoch {
			p.changes = make([]store.PulledChange, len(p.resp.Changes))
			for i, wc := range p.resp.Changes {
				e, err := FromWire(wc.Event)
				if err != nil {
					p.err = fmt.Errorf("pulled change %d: %w", wc.ServerSeq, err)
					break
				}
				p.changes[i] = store.PulledChange{ServerSeq: wc.ServerSeq, Refused: wc.Refused, Event: e}
				cursor = max(cursor, wc.ServerSeq)
			}
			if p.err == nil {
				store.PredecodePulled(p.changes)
			}
		}
		select {
		case pages <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil || p.resp.Epoch != epoch || !p.resp.HasMore {
			return
		}
		cursor = max(cursor, p.resp.NextCursor)
	}
}

// recorder records push answers in the local database, in order, on a
// goroutine of its own.
type recorder struct {
	ch   chan pushAnswer
	done chan struct{}
	once gosync.Once
	mu   gosync.Mutex
	err  error
}

type pushAnswer struct {
	results   []store.PushResult
	highWater int64
}

func startRecorder(ctx context.Context, db *store.DB) *recorder {
	r := &recorder{ch: make(chan pushAnswer, 1), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for a := range r.ch {
			if r.failed() != nil {
				continue // drain: nothing after a failure is recorded
			}
			if err := db.RecordPushResults(ctx, a.results, a.highWater); err != nil {
				r.mu.Lock()
				r.err = err
				r.mu.Unlock()
			}
		}
	}()
	return r
}

func (r *recorder) record(results []store.PushResult, highWater int64) {
	r.ch <- pushAnswer{results, highWater}
}

func (r *recorder) failed() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// wait records what is queued and returns the first error; it can be
// called more than once.
func (r *recorder) wait() error {
	r.once.Do(func() { close(r.ch) })
	<-r.done
	return r.failed()
}

// preparedPush is a push batch read from the outbox and encoded.
type preparedPush struct {
	events []store.Event
	body   gzipJSON
	err    error
}

// preparePush reads the outbox batch after event id after and encodes it,
// on a goroutine; the result arrives on the channel (no events: the outbox
// is done).
func (c *Client) preparePush(ctx context.Context, after int64, batch int, epoch string) <-chan preparedPush {
	ch := make(chan preparedPush, 1)
	go func() {
		var p preparedPush
		p.events, p.err = c.DB.OutboxAfter(ctx, after, batch)
		// A batch stops at MaxPushPayload bytes (one event at least): a
		// few large events (stocktake starts) must not make a body the
		// server refuses as too large. The rest go in the next batch.
		size := 0
		for i, e := range p.events {
			size += len(e.Payload)
			if i > 0 && size > MaxPushPayload {
				p.events = p.events[:i]
				break
			}
		}
		if p.err == nil && len(p.events) > 0 {
			req := PushRequest{DeviceID: c.DB.DeviceID(), Epoch: epoch, Events: make([]WireEvent, len(p.events))}
			for i, e := range p.events {
				req.Events[i] = ToWire(e)
			}
			p.body, p.err = encodeBody(req)
		}
		ch <- p
	}()
	return ch
}

// pusher keeps up to window push batches on the wire, in outbox order: the
// next batch is read and encoded while earlier ones travel, and a batch is
// sent before the answer to the previous one arrives (the server keeps a
// device's pushes in order, order.go). Answers are taken in the order sent
// and recorded by rec.
type pusher struct {
	c       *Client
	ctx     context.Context
	cancel  context.CancelFunc
	batch   int
	window  int
	epoch   string
	next    <-chan preparedPush // nil: the outbox is done
	flight  []*inFlight
	rec     *recorder
	stopped bool
}

// inFlight is one push request on the wire; done closes when its answer
// (or error) is in.
type inFlight struct {
	events []store.Event
	resp   PushResponse
	err    error
	done   chan struct{}
}

func (c *Client) newPusher(ctx context.Context, batch, window int, epoch string) *pusher {
	pctx, cancel := context.WithCancel(ctx)
	return &pusher{c: c, ctx: pctx, cancel: cancel, batch: batch, window: window, epoch: epoch,
		next: c.preparePush(pctx, 0, batch, epoch), rec: startRecorder(ctx, c.DB)}
}

// nextAnswer fills the window and returns the oldest batch on the wire once
// its answer is in; nil when the outbox is done.
func (p *pusher) nextAnswer() (*inFlight, error) {
	for p.next != nil && len(p.flight) < p.window {
		prep := <-p.next
		p.next = nil
		if prep.err != nil {
			return nil, prep.err
		}
		if len(prep.events) == 0 {
			break
		}
		p.next = p.c.preparePush(p.ctx, prep.events[len(prep.events)-1].ID, p.batch, p.epoch)
		f := &inFlight{events: prep.events, done: make(chan struct{})}
		go func() {
			defer close(f.done)
			f.err = p.c.do(p.ctx, http.MethodPost, "/v1/push", prep.body, &f.resp)
		}()
		p.flight = append(p.flight, f)
	}
	if len(p.flight) == 0 {
		return nil, nil
	}
	f := p.flight[0]
	p.flight = p.flight[1:]
	<-f.done
	return f, nil
}

// stop abandons the batches still on the wire (the server answers them the
// same way when they are sent again), waits for them and for the recorder,
// and returns the recorder's first error. It can be called more than once.
func (p *pusher) stop() error {
	if !p.stopped {
		p.stopped = true
		p.cancel()
		for _, f := range p.flight {
			<-f.done
		}
		p.flight = nil
		if p.next != nil {
			<-p.next
			p.next = nil
		}
	}
	return p.rec.wait()
}

// reachError is a request that got no answer: said as a person at the desk
// reads it (the server, then why), the cause kept for errors.Is and As.
type reachError struct {
	server string
	err    error
}

func (e *reachError) Unwrap() error { return e.err }

func (e *reachError) Error() string {
	why := e.err.Error()
	var dns *net.DNSError
	var ue *url.Error
	var cert *tls.CertificateVerificationError
	if errors.As(e.err, &cert) {
		// Reached, and not trusted: no link comes back to fix that (the
		// desk would show itself offline and wait). Said as what it is,
		// with what puts it right.
		var ua x509.UnknownAuthorityError
		var hn x509.HostnameError
		var inv x509.CertificateInvalidError
		fix := "check the server's certificate"
		switch {
		case errors.As(cert.Err, &ua):
			fix = "give its CA once: tagdesk sync --ca CA.pem"
		case errors.As(cert.Err, &hn):
			fix = "use a server name the certificate is for: tagdesk sync --server URL"
		case errors.As(cert.Err, &inv) && inv.Reason == x509.Expired:
			fix = "its certificate has expired or is not valid yet (or this computer's clock is wrong): renew it on the server"
		}
		return fmt.Sprintf("the server at %s has a TLS certificate this desk does not trust (%v): %s", e.server, cert.Err, fix)
	}
	switch {
	case errors.Is(e.err, syscall.ECONNREFUSED):
		why = "nothing answers there (is tagdesk serve running?)"
	case errors.Is(e.err, context.DeadlineExceeded) || errors.Is(e.err, os.ErrDeadlineExceeded):
		why = "no answer in time"
	case errors.Is(e.err, context.Canceled):
		why = "stopped"
	case errors.As(e.err, &dns):
		why = "no such server name (" + dns.Name + ")"
	case errors.Is(e.err, syscall.ENETUNREACH) || errors.Is(e.err, syscall.EHOSTUNREACH):
		why = "no route to it (is the network up?)"
	case errors.As(e.err, &ue):
		why = ue.Err.Error()
	}
	return store.UnreachablePrefix + " at " + e.server + ": " + why
}
