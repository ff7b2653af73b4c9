package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	syncpkg "github.com/tagdesk/tagdesk/sync"
)

// syncServer is a `tagdesk serve` process on a free loopback port.
type syncServer struct {
	cmd *exec.Cmd
	url string
	db  string
}

func startServer(t *testing.T, db string, extra ...string) *syncServer {
	t.Helper()
	cmd := exec.Command(tagdeskBin(t), append([]string{"--db", db, "serve", "--listen", "127.0.0.1:0", "--rate", "1000"}, extra...)...)
	cmd.Env = append(os.Environ(), "TAGDESK_OPERATOR=server")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(db + ".log")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &syncServer{cmd: cmd, db: db}
	t.Cleanup(func() { s.kill(); logf.Close() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	select {
	case line := <-lines:
		i := strings.Index(line, "listening on ")
		if i < 0 {
			t.Fatalf("serve said %q", line)
		}
		s.url = strings.TrimSpace(line[i+len("listening on "):])
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	return s
}

// kill stops the server with SIGKILL (no graceful anything).
func (s *syncServer) kill() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// stop stops the server with SIGTERM and waits for the graceful shutdown.
func (s *syncServer) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		s.kill()
		t.Fatal("server did not shut down on SIGTERM")
	}
}

func addToken(t *testing.T, serverDB, name string, extra ...string) string {
	t.Helper()
	out := strings.TrimSpace(mustCLI(t, serverDB, append([]string{"serve", "token", "add", name}, extra...)...))
	lines := strings.Split(out, "\n")
	return lines[len(lines)-1]
}

func assetListJSON(t *testing.T, db string) []map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, db, "asset", "list", "--json")), &list); err != nil {
		t.Fatalf("asset list: %v", err)
	}
	sort.Slice(list, func(i, j int) bool { return fmt.Sprint(list[i]["tag"]) < fmt.Sprint(list[j]["tag"]) })
	return list
}

func assertSameRegister(t *testing.T, dbs ...string) {
	t.Helper()
	want, _ := json.Marshal(assetListJSON(t, dbs[0]))
	for _, db := range dbs[1:] {
		got, _ := json.Marshal(assetListJSON(t, db))
		if string(got) != string(want) {
			t.Fatalf("registers differ:\n%s: %s\n%s: %s", dbs[0], want, db, got)
		}
	}
}

func assertVerified(t *testing.T, dbs ...string) {
	t.Helper()
	for _, db := range dbs {
		var rep struct {
			OK       bool     `json:"ok"`
			Problems []string `json:"problems"`
		}
		out, errs, _ := cli(t, db, "verify", "--json")
		if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.OK {
			t.Fatalf("verify %s: %v %v %s", db, err, rep.Problems, errs)
		}
	}
}

type syncStatus struct {
	Online   bool `json:"online"`
	Pending  int  `json:"pending"`
	Stalled  bool `json:"stalled"`
	Problems []string
	Refusals []struct {
		ID     int64  `json:"id"`
		Event  string `json:"event"`
		Reason string `json:"reason"`
		Winner *struct {
			DeviceID string `json:"device_id"`
			Operator string `json:"operator"`
		} `json:"winner"`
	} `json:"refusals"`
}

func statusOf(t *testing.T, db string) syncStatus {
	t.Helper()
	var st syncStatus
	if err := json.Unmarshal([]byte(mustCLI(t, db, "sync", "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSyncE2EConvergenceOutageConflict(t *testing.T) { runE2EConvergence(t, nil) }

// The same suite with the server on PostgreSQL.
func TestSyncE2EPostgres(t *testing.T) {
	runE2EConvergence(t, postgresServerArgs(t, "e2e"))
}

// postgresServerArgs returns the `tagdesk serve` flags for a PostgreSQL
// server in a fresh schema (named from prefix) that is dropped after the
// test. It skips without TAGDESK_TEST_POSTGRES, and fails under CI.
func postgresServerArgs(t *testing.T, prefix string) []string {
	t.Helper()
	url := os.Getenv("TAGDESK_TEST_POSTGRES")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TAGDESK_TEST_POSTGRES is not set: CI must run the PostgreSQL tests (.ci/postgres.sh)")
		}
		t.Skip("PostgreSQL tests skipped: set TAGDESK_TEST_POSTGRES=postgres://user:pass@127.0.0.1:5432/db?sslmode=disable")
	}
	schema := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano())
	psql := func(sql string) {
		conn, err := pgxConnect(url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Exec(sql); err != nil {
			t.Fatal(err)
		}
	}
	psql(`CREATE SCHEMA ` + schema)
	t.Cleanup(func() { psql(`DROP SCHEMA ` + schema + ` CASCADE`) })
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return []string{"--postgres", url + sep + "search_path=" + schema}
}

// serverState is the server's state database: the SQLite server's own, or
// the PostgreSQL server's local projection next to it.
func serverState(t *testing.T, srvDB string, pg bool) string {
	t.Helper()
	if !pg {
		return srvDB
	}
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(srvDB), "pg-projection-*.db"))
	if len(m) != 1 {
		t.Fatalf("PostgreSQL projection: %v", m)
	}
	return m[0]
}

func runE2EConvergence(t *testing.T, pgArgs []string) {
	dir := t.TempDir()
	srvDB, a, b := filepath.Join(dir, "server.db"), filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	tokA, tokB := addToken(t, srvDB, "desk-a", pgArgs...), addToken(t, srvDB, "desk-b", pgArgs...)
	srv := startServer(t, srvDB, pgArgs...)

	mustCLI(t, a, "location", "add", "HQ", "Head office")
	mustCLI(t, a, "person", "add", "--name", "Ana Silva", "--badge", "B1001")
	mustCLI(t, a, "model", "add", "Latitude 5440", "--manufacturer", "Dell")
	mustCLI(t, a, "sync", "--server", srv.url, "--token", tokA)
	mustCLI(t, b, "sync", "--server", srv.url, "--token", tokB)
	// Tags received after enrolment come from leased blocks: no collision.
	mustCLI(t, a, "receive", "--model", "Latitude 5440", "--location", "HQ", "SNA1", "SNA2", "SNA3")
	mustCLI(t, b, "receive", "--model", "Latitude 5440", "--location", "HQ", "SNB1", "SNB2")
	mustCLI(t, a, "sync")
	mustCLI(t, b, "sync")
	mustCLI(t, a, "sync")
	assertSameRegister(t, a, b)
	list := assetListJSON(t, a)
	if len(list) != 5 {
		t.Fatalf("want 5 assets on both desks, got %d", len(list))
	}
	tags := map[string]bool{}
	for _, x := range list {
		tags[x["tag"].(string)] = true
	}
	if len(tags) != 5 {
		t.Fatalf("tags collide: %v", tags)
	}
	tag := list[0]["tag"].(string)
	other := list[1]["tag"].(string)

	// The server goes away; both desks keep working.
	srv.stop(t)
	mustCLI(t, a, "checkout", "--to", "B1001", tag)
	mustCLI(t, a, "asset", "update", other, "notes=from A")
	mustCLI(t, b, "person", "add", "--name", "Bo Chen", "--badge", "B2002")
	mustCLI(t, b, "checkout", "--to", "B2002", tag)
	mustCLI(t, b, "asset", "update", other, "notes=from B")
	mustCLI(t, b, "receive", "--model", "Latitude 5440", "--location", "HQ", "SNB3")
	mustCLI(t, a, "receive", "--model", "Latitude 5440", "--location", "HQ", "snb3") // the same box, on both desks
	_, errs, code := cli(t, b, "sync")
	if code != 1 || !strings.Contains(errs, "kept locally") {
		t.Fatalf("sync with the server down: exit %d, %s", code, errs)
	}
	if st := statusOf(t, b); st.Pending != 4 || st.Online {
		t.Fatalf("status while offline: %+v", st)
	}

	// Back online: A arrives first and wins the check-out.
	srv = startServer(t, srvDB, pgArgs...) // on a new port: the desks are told once, and remember it
	mustCLI(t, a, "sync", "--server", srv.url)
	out, errs, code := cli(t, b, "sync", "--server", srv.url)
	if code != 1 || !strings.Contains(out, "1 refused") || !strings.Contains(errs, "the server refused 1 change(s), kept here to resolve") {
		t.Fatalf("B's sync: exit %d\n%s%s", code, out, errs)
	}
	mustCLI(t, a, "sync")
	assertSameRegister(t, a, b)
	st := statusOf(t, b)
	if len(st.Refusals) != 1 || !strings.Contains(st.Refusals[0].Reason, "already checked out to Ana Silva (B1001)") || st.Refusals[0].Winner == nil {
		t.Fatalf("refusal not shown with the winner: %+v", st)
	}
	human := mustCLI(t, b, "sync", "status")
	if !strings.Contains(human, "needs attention") || !strings.Contains(human, "Ana Silva") {
		t.Fatalf("sync status does not explain the conflict:\n%s", human)
	}
	var got []map[string]any
	json.Unmarshal([]byte(mustCLI(t, b, "asset", "list", "--json", "--query", other)), &got)
	if len(got) != 1 || got[0]["notes"] != "from B" {
		t.Fatalf("descriptive field: last arrival should win, got %v", got)
	}
	assertVerified(t, a, b, serverState(t, srvDB, pgArgs != nil))
	// A later sync with nothing new still says the refusal is there to
	// resolve, and exits 1: a script never takes it for a clean sync.
	if _, errs, code := cli(t, b, "sync"); code != 1 || !strings.Contains(errs, "1 change(s) the server refused are still to resolve") {
		t.Fatalf("B's next sync: exit %d, %s", code, errs)
	}

	// Resolve by redoing: check-in then check-out to Bo, everywhere.
	mustCLI(t, b, "sync", "resolve", fmt.Sprint(st.Refusals[0].ID), "--redo")
	if _, errs, code := cli(t, b, "sync", "resolve", "#"+fmt.Sprint(st.Refusals[0].ID), "--accept"); code != 1 || !strings.Contains(errs, "is already resolved") || !strings.Contains(errs, "nothing changed") {
		t.Fatalf("resolving it again: exit %d, %s", code, errs)
	}
	mustCLI(t, b, "sync")
	mustCLI(t, a, "sync")
	assertSameRegister(t, a, b)
	json.Unmarshal([]byte(mustCLI(t, a, "asset", "list", "--json", "--query", tag)), &got)
	if len(got) != 1 || got[0]["custodian"] != "B2002" {
		t.Fatalf("after redo: %v", got)
	}
	if st := statusOf(t, b); len(st.Refusals) != 0 || st.Pending != 0 {
		t.Fatalf("after resolve: %+v", st)
	}
	// The box both desks received while apart is two assets now, on each
	// desk: report duplicates shows them, each with the desk that received it.
	var shares []struct {
		Serial string
		Assets []struct{ Tag, Device string }
	}
	if err := json.Unmarshal([]byte(mustCLI(t, a, "report", "duplicates", "--json")), &shares); err != nil {
		t.Fatal(err)
	}
	if len(shares) != 1 || shares[0].Serial != "SNB3" || len(shares[0].Assets) != 2 || shares[0].Assets[0].Device == shares[0].Assets[1].Device {
		t.Fatalf("report duplicates: %+v", shares)
	}
	if out := mustCLI(t, b, "report", "duplicates"); !strings.Contains(out, "Serial SNB3 is on 2 assets:") || !strings.Contains(out, "1 serial(s) on more than one asset (2 assets)") {
		t.Errorf("report duplicates:\n%s", out)
	}
	// Who resolved it, how and when, for an auditor.
	if out := mustCLI(t, b, "sync", "status", "--resolved"); !strings.Contains(out, "redone as ") || !strings.Contains(out, " by e2e at ") {
		t.Errorf("resolved refusals:\n%s", out)
	}
	assertVerified(t, a, b, serverState(t, srvDB, pgArgs != nil))

	// The desks' record of the server's answers agrees with the server's
	// log; a refusal made up on a desk (its own receipt "refused", so that
	// the asset drops out of its register) does not.
	for _, db := range []string{a, b} {
		if out := mustCLI(t, db, "verify", "--server"); !strings.Contains(out, "OK: the server at "+srv.url+" agrees") {
			t.Fatalf("verify --server on %s:\n%s", db, out)
		}
	}
	forge, err := sql.Open("sqlite", b)
	if err != nil {
		t.Fatal(err)
	}
	const receipt = `SELECT e.id FROM events e JOIN sync_log l ON l.event_id = e.id WHERE e.type = 'asset.received' AND l.refused = 0 AND e.device_id = (SELECT device_id FROM events WHERE type = 'person.created' ORDER BY id DESC LIMIT 1) ORDER BY e.id LIMIT 1`
	for _, q := range []string{
		`INSERT INTO sync_refusals(event_id, code, reason, refused_at) SELECT id, 'conflict', 'made up', '2026-11-28T00:00:00Z' FROM (` + receipt + `)`,
		`UPDATE sync_log SET refused = 1 WHERE event_id = (` + receipt + `)`,
	} {
		if res, err := forge.Exec(q); err != nil {
			t.Fatal(err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%s: %d rows", q, n)
		}
	}
	forge.Close()
	out, _, code = cli(t, b, "verify", "--server")
	if code != 1 || !strings.Contains(out, "PROBLEM: server: the desk records this desk's change") || !strings.Contains(out, "as refused by the server, which applied it") {
		t.Fatalf("verify --server after a made-up refusal: exit %d\n%s", code, out)
	}

	// A mistyped token or server on a desk that syncs: refused, and the
	// ones that work are kept (it locked the desk out).
	for _, args := range [][]string{{"sync", "--token", "tdk_typo"}, {"sync", "--server", "http://127.0.0.1:1"}} {
		if _, errs, code := cli(t, a, args...); code != 1 || !strings.Contains(errs, "the new --server/--token/--ca were not kept: this desk syncs with "+srv.url+" again") {
			t.Fatalf("%v: exit %d, %s", args, code, errs)
		}
		mustCLI(t, a, "sync")
	}
	notPEM := filepath.Join(dir, "not-a-ca.pem")
	if err := os.WriteFile(notPEM, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ca := range []string{filepath.Join(dir, "no-such-ca.pem"), notPEM, dir} {
		if _, errs, code := cli(t, a, "sync", "--ca", ca); code != 2 || !strings.Contains(errs, "--ca:") || !strings.Contains(errs, "nothing changed") {
			t.Fatalf("--ca %s: exit %d, %s", ca, code, errs)
		}
	}
	mustCLI(t, a, "sync")
	// A token mistyped while the server is down is kept (that says nothing
	// of it), and undone at the first sync the server refuses it.
	srv.stop(t)
	if _, errs, code := cli(t, a, "sync", "--token", "tdk_typo2"); code != 1 || strings.Contains(errs, "were not kept") {
		t.Fatalf("a new token, the server down: exit %d, %s", code, errs)
	}
	srv = startServer(t, srvDB, pgArgs...)
	if _, errs, code := cli(t, a, "sync", "--server", srv.url); code != 1 || !strings.Contains(errs, "were not kept: this desk syncs with") {
		t.Fatalf("the first sync that finds the token refused: exit %d, %s", code, errs)
	}
	mustCLI(t, a, "sync", "--server", srv.url)
	cli(t, b, "sync", "--server", srv.url) // (the server's new port; b has a made-up refusal: exit 1)

	// Tokens: wrong, another device's, revoked.
	c := filepath.Join(dir, "c.db")
	if _, errs, code := cli(t, c, "sync", "--server", srv.url, "--token", "tdk_wrong"); code != 1 || !strings.Contains(errs, "401") {
		t.Fatalf("wrong token: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, c, "sync", "--token", tokA); code != 1 || !strings.Contains(errs, "belongs to device") {
		t.Fatalf("another device's token: exit %d %s", code, errs)
	}
	deviceOf := func() string { // desk-b's device in the server's token list
		t.Helper()
		m := regexp.MustCompile(`(?m)^desk-b +(\S+) `).FindStringSubmatch(mustCLI(t, srvDB, append([]string{"serve", "token", "list"}, pgArgs...)...))
		if m == nil {
			t.Fatal("desk-b is not in token list")
		}
		return m[1]
	}
	enrolled := deviceOf()
	mustCLI(t, srvDB, append([]string{"serve", "token", "revoke", "desk-b"}, pgArgs...)...)
	if _, errs, code := cli(t, b, "sync"); code != 1 || !strings.Contains(errs, "401") {
		t.Fatalf("revoked token: exit %d %s", code, errs)
	}
	// The list still says which device the revoked token was (it said "-").
	if enrolled == "-" || deviceOf() != enrolled {
		t.Errorf("desk-b's device was %s, after the revoke %s", enrolled, deviceOf())
	}
	logs, _ := os.ReadFile(srvDB + ".log")
	for _, tok := range []string{tokA, tokB} {
		if strings.Contains(string(logs), tok) {
			t.Fatal("a token appears in the server log")
		}
	}
}

// Kill -9 the server and the client at random points of a large push; after
// a clean resync every event is on the server exactly once.
func TestSyncE2EKillDuringLargePush(t *testing.T) { runE2EKill(t, nil) }

func TestSyncE2EKillPostgres(t *testing.T) {
	runE2EKill(t, postgresServerArgs(t, "e2ek"))
}

func runE2EKill(t *testing.T, pgArgs []string) {
	dir := t.TempDir()
	srvDB, a := filepath.Join(dir, "server.db"), filepath.Join(dir, "a.db")
	tok := addToken(t, srvDB, "desk-a", pgArgs...)
	srv := startServer(t, srvDB, pgArgs...)
	mustCLI(t, a, "location", "add", "HQ", "Head office")
	mustCLI(t, a, "model", "add", "Latitude 5440")
	// 3,000 receipts made before enrolling: the first sync is one large push.
	for chunk := 0; chunk < 3; chunk++ {
		args := []string{"receive", "--model", "Latitude 5440", "--location", "HQ"}
		for i := 0; i < 1000; i++ {
			args = append(args, fmt.Sprintf("SN%d-%d", chunk, i))
		}
		mustCLI(t, a, args...)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for round := 0; round < 6; round++ {
		cmd := exec.Command(tagdeskBin(t), "--db", a, "sync", "--quiet", "--server", srv.url, "--token", tok)
		cmd.Env = append(os.Environ(), "TAGDESK_OPERATOR=e2e")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		if round%2 == 0 {
			srv.kill()
			cmd.Wait()
			srv = startServer(t, srvDB, pgArgs...)
		} else {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	mustCLI(t, a, "sync", "--server", srv.url)
	if st := statusOf(t, a); st.Pending != 0 {
		t.Fatalf("still pending after resync: %+v", st)
	}
	srv.stop(t)
	// Exactly once: the server's log holds each of A's events once, in a
	// chain the server verifies, and the same state as A.
	var rep struct {
		OK      bool `json:"ok"`
		Devices []struct {
			DeviceID string `json:"device_id"`
			Events   int64  `json:"events"`
		} `json:"devices"`
		Events int64 `json:"events"`
	}
	json.Unmarshal([]byte(mustCLI(t, a, "verify", "--json")), &rep)
	want := rep.Events
	state := serverState(t, srvDB, pgArgs != nil)
	json.Unmarshal([]byte(mustCLI(t, state, "verify", "--json")), &rep)
	if !rep.OK || rep.Events != want || len(rep.Devices) != 1 {
		t.Fatalf("server has %d events (ok %v), device has %d", rep.Events, rep.OK, want)
	}
	assertSameRegister(t, a, state)
}

type pgConn struct{ c *pgx.Conn }

func pgxConnect(url string) (*pgConn, error) {
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		return nil, err
	}
	return &pgConn{c}, nil
}

func (p *pgConn) Exec(sql string) (pgconn.CommandTag, error) {
	return p.c.Exec(context.Background(), sql)
}

func (p *pgConn) Close() { p.c.Close(context.Background()) }

// sync resolve takes several refusal IDs or --all; with none open, --all
// says so; neither is bad usage.
func TestSyncResolveArguments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	if out := mustCLI(t, db, "sync", "resolve", "--all", "--accept"); !strings.Contains(out, "no refusal to resolve") {
		t.Errorf("--all with none: %s", out)
	}
	for _, args := range [][]string{{"sync", "resolve", "--accept"}, {"sync", "resolve", "--all", "1", "--accept"}, {"sync", "resolve", "1", "x", "--redo"}} {
		if _, errs, code := cli(t, db, args...); code != 2 {
			t.Errorf("%v: exit %d, %s", args, code, errs)
		}
	}
	if _, errs, code := cli(t, db, "sync", "resolve", "7", "8", "--accept"); code != 1 || !strings.Contains(errs, "no refusal #7") || !strings.Contains(errs, "nothing changed") {
		t.Errorf("unknown IDs: exit %d, %s", code, errs)
	}
}

// What a failed first contact says of the new server or token it was
// given: a new server that did not answer, or a token the server refused,
// is not kept; a token given to a server that did not answer is.
func TestRefusedEndpoint(t *testing.T) {
	down := errors.New("dial tcp 127.0.0.1:1: connection refused")
	for _, c := range []struct {
		err              error
		newServer, newCA bool
		want             bool
	}{
		{&syncpkg.HTTPError{Status: 401}, false, false, true},
		{&syncpkg.HTTPError{Status: 409}, false, false, true},
		{down, false, false, false},
		{&syncpkg.HTTPError{Status: 503}, false, false, false},
		{down, true, false, true},
		{fmt.Errorf("hello: %w", x509.UnknownAuthorityError{}), false, true, true},
		{fmt.Errorf("hello: %w", x509.UnknownAuthorityError{}), false, false, false},
	} {
		if got := refusedEndpoint(c.err, c.newServer, c.newCA); got != c.want {
			t.Errorf("%v, new server %v, new CA %v: %v", c.err, c.newServer, c.newCA, got)
		}
	}
}

// From a sync hunt: serve's options before a token command's words
// ("serve --postgres URL token add NAME") were refused as "serve takes no
// arguments": the refusal shows the order that works.
func TestE2EServeOptionsBeforeTokenCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	_, errs, code := cli(t, db, "serve", "--postgres", "postgres://127.0.0.1:1/none", "token", "add", "pdub")
	if code != 2 || !strings.Contains(errs, "tagdesk serve token add pdub --postgres URL") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}
