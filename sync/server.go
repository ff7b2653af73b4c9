package sync

import (
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// Backend is the server's storage: SQLite (a store.DB) or PostgreSQL.
type Backend interface {
	// Epoch is the storage's identity; a restored or replaced one has a new one.
	Epoch(ctx context.Context) (string, error)
	Authenticate(ctx context.Context, token string) (store.TokenInfo, error)
	Bind(ctx context.Context, tokenName, deviceID string) error
	HighWater(ctx context.Context, deviceID string) (int64, error)
	Head(ctx context.Context) (int64, error)
	// HashAt is the hash of the event at place serverSeq of the log; ""
	// if none.
	HashAt(ctx context.Context, serverSeq int64) (string, error)
	// Push applies a batch; queued, when the backend calls it, says the
	// batch is queued so that a batch pushed after it commits after it.
	Push(ctx context.Context, deviceID string, events []store.Event, queued func()) (store.PushReply, error)
	Pull(ctx context.Context, cursor int64, limit int) ([]store.PulledChange, int64, bool, error)
	Lease(ctx context.Context, deviceID string, count, min int64) (int64, int64, error)
	AddToken(ctx context.Context, name, token string) error
	Tokens(ctx context.Context) ([]store.TokenInfo, error)
	RevokeToken(ctx context.Context, name string) error
	Close() error
}

// SQLiteBackend keeps the server's state in a tagdesk database.
type SQLiteBackend struct {
	DB    *store.DB
	epoch string
	// marker is the restore marker's path when the marker is kept
	// (OpenSQLiteChecked): each lease is written to it before it is
	// answered, so that a database restored from a backup does not grant
	// a block again. markerMu orders the marker's writers.
	marker   string
	markerMu gosync.Mutex
	// revoked is the revocation record's path (RevokedPath), kept with
	// the marker: each revocation is written to it, and a database
	// restored from a backup revokes again the tokens it lists.
	// RevokedAgain names those an open revoked again.
	revoked      string
	RevokedAgain []string
	// RecordProblem says why the revocation record could not be read or
	// added to at opening ("": it was); dbPath is the database's path.
	RecordProblem string
	dbPath        string
}

// SQLiteOptions tune OpenSQLite.
type SQLiteOptions struct {
	// NewEpoch gives the database a new epoch: do that after restoring it
	// from a backup.
	NewEpoch bool
	// Session says the server runs on it (tagdesk serve), rather than a
	// command such as adding a token: its WAL is prepared ahead
	// (store.Options.Session).
	Session bool
}

// OpenSQLite opens (creating) the server database at path.
func OpenSQLite(ctx context.Context, path string, opt SQLiteOptions) (*SQLiteBackend, error) {
	db, err := store.Open(ctx, path, store.Options{Operator: "server", NoSearch: true, Session: opt.Session})
	if err != nil {
		return nil, err
	}
	epoch, err := db.ServerInit(ctx, opt.NewEpoch)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &SQLiteBackend{DB: db, epoch: epoch}, nil
}

// StateDB is the server's state database.
func (b *SQLiteBackend) StateDB() *store.DB { return b.DB }

// Epoch implements Backend.
func (b *SQLiteBackend) Epoch(ctx context.Context) (string, error) { return b.epoch, nil }

// Authenticate implements Backend.
func (b *SQLiteBackend) Authenticate(ctx context.Context, token string) (store.TokenInfo, error) {
	return b.DB.ServerAuthenticate(ctx, token)
}

// Bind implements Backend.
func (b *SQLiteBackend) Bind(ctx context.Context, name, device string) error {
	return b.DB.ServerBind(ctx, name, device)
}

// HighWater implements Backend.
func (b *SQLiteBackend) HighWater(ctx context.Context, device string) (int64, error) {
	return b.DB.ServerHighWater(ctx, device)
}

// Head implements Backend.
func (b *SQLiteBackend) Head(ctx context.Context) (int64, error) { return b.DB.ServerHead(ctx) }

// HashAt implements Backend.
func (b *SQLiteBackend) HashAt(ctx context.Context, serverSeq int64) (string, error) {
	return b.DB.ServerHashAt(ctx, serverSeq)
}

// Push implements Backend.
func (b *SQLiteBackend) Push(ctx context.Context, device string, events []store.Event, queued func()) (store.PushReply, error) {
	return b.DB.ServerPushWith(ctx, device, events, store.PushHooks{Queued: queued})
}

// Pull implements Backend.
func (b *SQLiteBackend) Pull(ctx context.Context, cursor int64, limit int) ([]store.PulledChange, int64, bool, error) {
	return b.DB.ServerPullBytes(ctx, cursor, limit, MaxPullBytes)
}

// Lease implements Backend.
func (b *SQLiteBackend) Lease(ctx context.Context, device string, count, min int64) (int64, int64, error) {
	first, last, err := b.DB.ServerLease(ctx, device, count, min)
	if err == nil && b.marker != "" {
		// Kept beside the database before the desk is answered: a
		// backup restored later does not forget it (the marker raises
		// the counter), whichever desk asks first after the restore.
		if err := b.writeMarker(ctx); err != nil {
			return 0, 0, err
		}
	}
	return first, last, err
}

// AddToken implements Backend.
func (b *SQLiteBackend) AddToken(ctx context.Context, name, token string) error {
	return b.DB.ServerAddToken(ctx, name, token)
}

// Tokens implements Backend.
func (b *SQLiteBackend) Tokens(ctx context.Context) ([]store.TokenInfo, error) {
	return b.DB.ServerTokens(ctx)
}

// RevokeToken implements Backend.
func (b *SQLiteBackend) RevokeToken(ctx context.Context, name string) error {
	r, err := b.DB.ServerRevoke(ctx, name)
	if err != nil || b.revoked == "" {
		return err
	}
	if err := appendRevocations(b.revoked, []store.Revocation{r}, b.dbPath); err != nil {
		return &NotRecordedError{Name: r.Name, Err: err}
	}
	return nil
}

// NotRecordedError says a token was revoked but its revocation is not in
// the revocation record (RevokedPath).
type NotRecordedError struct {
	Name string
	Err  error
}

func (e *NotRecordedError) Error() string {
	return fmt.Sprintf("token %s is revoked, but %v: a database restored from an older backup would let it in again (tagdesk serve token revoke it again then)", e.Name, e.Err)
}

func (e *NotRecordedError) Unwrap() error { return e.Err }

// Close implements Backend.
func (b *SQLiteBackend) Close() error { return b.DB.Close() }

// ServerOptions tune the HTTP server.
type ServerOptions struct {
	Logger *slog.Logger
	// RatePerSecond and Burst limit each token's requests (0: 50/s, burst 100).
	RatePerSecond float64
	Burst         int
	Now           func() time.Time
}

// Server is the sync HTTP API over a Backend.
type Server struct {
	b     Backend
	log   *slog.Logger
	rate  float64
	burst float64
	now   func() time.Time

	mu      gosync.Mutex
	buckets map[string]*bucket

	order *pushOrder // each device's pushes in sequence order (order.go)
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewServer returns the API handler over b.
func NewServer(b Backend, opt ServerOptions) *Server {
	s := &Server{b: b, log: opt.Logger, rate: opt.RatePerSecond, burst: float64(opt.Burst), now: opt.Now, buckets: map[string]*bucket{},
		order: newPushOrder(2 * time.Second)}
	if s.log == nil {
		s.log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	if s.rate <= 0 {
		s.rate = 50
	}
	if s.burst <= 0 {
		s.burst = 100
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// allow takes one request from key's token bucket.
func (s *Server) allow(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	b, ok := s.buckets[key]
	if !ok {
		b = &bucket{tokens: s.burst, last: now}
		s.buckets[key] = b
	}
	b.tokens = min(s.burst, b.tokens+now.Sub(b.last).Seconds()*s.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// ServeHTTP routes the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	sw := &statusWriter{ResponseWriter: w, status: 200}
	device := ""
	defer func() {
		// Never the token: only its name and device.
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "device", device, "status", sw.status, "ms", s.now().Sub(start).Milliseconds())
	}()
	if r.URL.Path == "/healthz" {
		epoch, err := s.b.Epoch(r.Context())
		if err != nil {
			s.fail(sw, r, http.StatusServiceUnavailable, CodeInternal, err)
			return
		}
		s.reply(sw, r, map[string]any{"ok": true, "epoch": epoch})
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		s.fail(sw, r, http.StatusUnauthorized, CodeUnauthorized, errors.New("no device token"))
		return
	}
	info, err := s.b.Authenticate(r.Context(), token)
	if err != nil {
		if errors.Is(err, store.ErrUnauthorized) {
			s.fail(sw, r, http.StatusUnauthorized, CodeUnauthorized, err)
		} else {
			s.fail(sw, r, http.StatusInternalServerError, CodeInternal, err)
		}
		return
	}
	device = info.DeviceID
	if !s.allow(info.Name) {
		sw.Header().Set("Retry-After", "1")
		s.fail(sw, r, http.StatusTooManyRequests, CodeRateLimited, errors.New("too many requests"))
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/hello":
		s.hello(sw, r, info, &device)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/push":
		s.push(sw, r, info)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/pull":
		s.pull(sw, r, info)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/lease":
		s.lease(sw, r, info)
	default:
		s.fail(sw, r, http.StatusNotFound, CodeBadRequest, fmt.Errorf("no such endpoint %s %s", r.Method, r.URL.Path))
	}
}

// body returns the request body, decompressed and size-limited.
func body(w http.ResponseWriter, r *http.Request) (io.Reader, error) {
	rd := io.Reader(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("bad gzip body: %w", err)
		}
		rd = gz
	}
	return &limited{r: rd, n: MaxDecodedBytes}, nil
}

// limited fails (rather than truncating) past n bytes: a gzip bomb is refused.
type limited struct {
	r io.Reader
	n int64
}

var errTooLarge = errors.New("request body too large")

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	rd, err := body(w, r)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(rd)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad request body: %w", err)
	}
	if dec.More() {
		// (A hello with junk after it bound the token, as push refuses.)
		return fmt.Errorf("bad request body: more than one JSON value")
	}
	return nil
}

func (s *Server) badBody(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || errors.Is(err, errTooLarge) {
		s.fail(w, r, http.StatusRequestEntityTooLarge, CodeTooLarge, errors.New("request body too large"))
		return
	}
	s.fail(w, r, http.StatusBadRequest, CodeBadRequest, err)
}

func (s *Server) hello(w http.ResponseWriter, r *http.Request, info store.TokenInfo, device *string) {
	var req HelloRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.badBody(w, r, err)
		return
	}
	ctx := r.Context()
	if req.Version < store.PayloadVersion {
		// An older desk could not read what newer desks send through this
		// server, and would stop half way through applying it.
		s.fail(w, r, http.StatusConflict, CodeConflict, fmt.Errorf("this desk runs an older tagdesk than the server (event payload version %d, the server's %d): upgrade tagdesk on this desk, then sync", req.Version, store.PayloadVersion))
		return
	}
	if !ValidDeviceID(req.DeviceID) {
		s.fail(w, r, http.StatusBadRequest, CodeBadRequest, fmt.Errorf("bad hello: device id %q is not 1 to 64 letters, digits, - and _", clip(req.DeviceID)))
		return
	}
	if err := s.b.Bind(ctx, info.Name, req.DeviceID); err != nil {
		s.storeFail(w, r, err)
		return
	}
	*device = req.DeviceID
	resp := HelloResponse{Now: s.now().UTC().Format(time.RFC3339Nano), Version: store.PayloadVersion}
	var err error
	if resp.Epoch, err = s.b.Epoch(ctx); err == nil {
		if resp.HighWater, err = s.b.HighWater(ctx, req.DeviceID); err == nil {
			resp.Head, err = s.b.Head(ctx)
		}
	}
	if err == nil && req.At != nil && req.At.ServerSeq > 0 && req.At.ServerSeq <= resp.Head {
		// (Beyond the head, the desk sees the head went backwards itself.)
		var hash string
		if hash, err = s.b.HashAt(ctx, req.At.ServerSeq); err == nil {
			resp.Diverged = hash != req.At.Hash
		}
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, CodeInternal, err)
		return
	}
	s.reply(w, r, resp)
}

func (s *Server) enrolled(w http.ResponseWriter, r *http.Request, info store.TokenInfo, device string) bool {
	if info.DeviceID == "" {
		s.fail(w, r, http.StatusForbidden, CodeForbidden, errors.New("this token is not enrolled yet: say hello first"))
		return false
	}
	if device != "" && device != info.DeviceID {
		s.fail(w, r, http.StatusForbidden, CodeForbidden, fmt.Errorf("this token belongs to device %s, not %s", info.DeviceID, device))
		return false
	}
	return true
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, info store.TokenInfo) {
	rd, err := body(w, r)
	if err != nil {
		s.badBody(w, r, err)
		return
	}
	req, events, err := DecodePushRequest(rd)
	if err != nil {
		s.badBody(w, r, err)
		return
	}
	if !s.enrolled(w, r, info, req.DeviceID) {
		return
	}
	ctx := r.Context()
	epoch, err := s.b.Epoch(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, CodeInternal, err)
		return
	}
	if req.Epoch != epoch {
		s.failWith(w, r, http.StatusConflict, ErrorResponse{Error: "the server's epoch changed (restored or replaced): say hello again", Code: CodeEpoch, Epoch: epoch})
		return
	}
	var first, last int64
	if len(events) > 0 {
		first, last = events[0].Seq, events[len(events)-1].Seq
	}
	turn, err := s.order.admit(ctx, req.DeviceID, first, func(ctx context.Context) (int64, error) {
		return s.b.HighWater(ctx, req.DeviceID)
	})
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	defer turn.done(0, false) // a panic in the store must not hold the device's line
	reply, err := s.b.Push(ctx, req.DeviceID, events, func() { turn.queued(last) })
	turn.done(reply.HighWater, err == nil)
	if err != nil {
		var gap *store.GapError
		if errors.As(err, &gap) {
			s.failWith(w, r, http.StatusConflict, ErrorResponse{Error: gap.Error(), Code: CodeGap, ExpectedSeq: gap.Expected, Epoch: epoch})
			return
		}
		s.storeFail(w, r, err)
		return
	}
	if reply.Results == nil {
		reply.Results = []store.PushResult{}
	}
	s.reply(w, r, PushResponse{Results: reply.Results, HighWater: reply.HighWater, Epoch: epoch})
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request, info store.TokenInfo) {
	if !s.enrolled(w, r, info, "") {
		return
	}
	q := r.URL.Query()
	cursor, err := strconv.ParseInt(q.Get("cursor"), 10, 64)
	if err != nil || cursor < 0 {
		s.fail(w, r, http.StatusBadRequest, CodeBadRequest, errors.New("cursor must be a number ≥ 0"))
		return
	}
	limit := DefaultPull
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > MaxPullLimit {
			s.fail(w, r, http.StatusBadRequest, CodeBadRequest, fmt.Errorf("limit must be 1 to %d", MaxPullLimit))
			return
		}
	}
	ctx := r.Context()
	epoch, err := s.b.Epoch(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, CodeInternal, err)
		return
	}
	if e := q.Get("epoch"); e != "" && e != epoch {
		s.failWith(w, r, http.StatusConflict, ErrorResponse{Error: "the server's epoch changed (restored or replaced): say hello again", Code: CodeEpoch, Epoch: epoch})
		return
	}
	changes, next, more, err := s.b.Pull(ctx, cursor, limit)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, CodeInternal, err)
		return
	}
	resp := PullResponse{Changes: make([]WireChange, len(changes)), NextCursor: next, HasMore: more, Epoch: epoch}
	for i, c := range changes {
		resp.Changes[i] = WireChange{ServerSeq: c.ServerSeq, Refused: c.Refused, Event: ToWire(c.Event)}
	}
	s.reply(w, r, resp)
}

func (s *Server) lease(w http.ResponseWriter, r *http.Request, info store.TokenInfo) {
	if !s.enrolled(w, r, info, "") {
		return
	}
	var req LeaseRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.badBody(w, r, err)
		return
	}
	first, last, err := s.b.Lease(r.Context(), info.DeviceID, req.Count, req.Min)
	if err != nil {
		if store.ErrorCode(err) == store.EINVALID {
			// (The desk syncs on without a block: the operator reads
			// here which desk, and why.)
			s.log.Warn("lease refused", "device", info.DeviceID, "token", info.Name, "count", req.Count, "min", req.Min, "error", store.ErrorMessage(err))
		}
		s.storeFail(w, r, err)
		return
	}
	s.reply(w, r, LeaseResponse{First: first, Last: last})
}

func (s *Server) storeFail(w http.ResponseWriter, r *http.Request, err error) {
	switch store.ErrorCode(err) {
	case store.EINVALID, store.ENOTFOUND:
		s.fail(w, r, http.StatusBadRequest, CodeBadRequest, err)
	case store.ECONFLICT:
		s.fail(w, r, http.StatusConflict, CodeConflict, err)
	default:
		s.fail(w, r, http.StatusInternalServerError, CodeInternal, err)
	}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code string, err error) {
	msg := store.ErrorMessage(err)
	if status >= 500 && r.Context().Err() != nil {
		// The client went away mid-request (killed, link lost): its
		// transaction rolled back, and nobody reads this answer. Not a
		// fault of the server's.
		s.log.Info("client gone", "path", r.URL.Path, "error", msg)
		status = 499
	} else if status >= 500 {
		s.log.Error("request failed", "path", r.URL.Path, "error", msg)
		msg = "internal error"
	}
	s.failWith(w, r, status, ErrorResponse{Error: msg, Code: code})
}

func (s *Server) failWith(w http.ResponseWriter, r *http.Request, status int, body ErrorResponse) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, v any) {
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // see Client.once
		if err := json.NewEncoder(gz).Encode(v); err != nil {
			s.log.Error("write response", "error", err)
		}
		if err := gz.Close(); err != nil {
			s.log.Error("write response", "error", err)
		}
		return
	}
	if err := json.NewEncoder(w).Encode(v); err != nil {
		s.log.Error("write response", "error", err)
	}
}

// ListenAndServe serves the API on addr until ctx ends, then shuts down
// gracefully (in-flight requests finish, up to 10 s). With certFile and
// keyFile it serves TLS. ready, if not nil, gets the bound address.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, certFile, keyFile string, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	if log != nil {
		log.Info("listening", "addr", ln.Addr().String(), "tls", certFile != "")
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if log != nil {
		log.Info("shutting down")
	}
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
