package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tagdesk/tagdesk/store"
	syncpkg "github.com/tagdesk/tagdesk/sync"
)

func syncCommands() []command {
	return []command{
		{name: "serve", summary: "run the central sync server", usage: "[--db PATH] [--listen ADDR] [--postgres URL] [--tls-cert F --tls-key F] [--new-epoch]", run: cmdServe},
		{name: "serve token add", summary: "enrol a device: print a new token (last line)", usage: "NAME [--db PATH | --postgres URL]", run: cmdTokenAdd},
		{name: "serve token list", summary: "list device tokens (never the tokens themselves)", usage: "[--json] [--db PATH | --postgres URL]", run: cmdTokenList},
		{name: "serve token revoke", summary: "revoke a device token", usage: "NAME [--db PATH | --postgres URL]", run: cmdTokenRevoke},
		{name: "sync", summary: "sync with the server: push pending changes, pull the others'", usage: "[--server URL --token T] [--ca FILE] [--json] [--quiet]", run: cmdSync},
		{name: "sync status", summary: "sync state: online, last success, pending, refusals", usage: "[--resolved] [--json]", run: cmdSyncStatus},
		{name: "sync resolve", summary: "resolve a refused change: accept the server's state or redo it", usage: "ID... | --all  --accept|--redo", run: cmdSyncResolve},
		{name: "sync watchdog", summary: "after how long unsynced changes are reported as a problem", usage: "DURATION (e.g. 1h, 30m)", run: cmdSyncWatchdog},
	}
}

// serverDBPath is --db, else $TAGDESK_SERVER_DB, else server.db next to the default database.
func (a *app) serverDBPath() string {
	if a.dbPath != "" {
		return a.dbPath
	}
	if p := a.getenv("TAGDESK_SERVER_DB"); p != "" {
		return p
	}
	return filepath.Join(filepath.Dir(defaultDBPath(a.getenv)), "server.db")
}

// openBackend opens the server's storage: PostgreSQL when pgURL is set, else SQLite.
func (a *app) openBackend(ctx context.Context, pgURL string, opt syncpkg.SQLiteOptions) (syncpkg.Backend, error) {
	if pgURL == "" {
		pgURL = a.getenv("TAGDESK_POSTGRES")
	}
	if pgURL != "" {
		b, err := syncpkg.OpenPostgres(ctx, pgURL, syncpkg.PostgresOptions{CacheDir: filepath.Dir(a.serverDBPath()), NewEpoch: opt.NewEpoch})
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	b, restored, err := syncpkg.OpenSQLiteChecked(ctx, a.serverDBPath(), opt)
	if err != nil {
		return nil, fmt.Errorf("open server database %s: %w", a.serverDBPath(), err)
	}
	if restored {
		fmt.Fprintf(a.stderr, "tagdesk serve: %s is behind its restore marker (restored from a backup?): started a new epoch, devices will re-send what it lacks\n", a.serverDBPath())
	}
	if len(b.RevokedAgain) > 0 {
		fmt.Fprintf(a.stderr, "tagdesk serve: %s was restored from a backup taken before token(s) %s were revoked: revoked again, as %s records\n", a.serverDBPath(), strings.Join(b.RevokedAgain, ", "), syncpkg.RevokedPath(a.serverDBPath()))
	}
	if b.RecordProblem != "" {
		fmt.Fprintf(a.stderr, "tagdesk serve: warning: %s (the revocation record: without it, a database restored from a backup lets in tokens revoked since; give it the server's owner)\n", b.RecordProblem)
	}
	return b, nil
}

// syncFailure is the error of a sync that failed with err, after pulled of
// the other desks' changes were pulled and saved (page by page); kept says
// what of this desk's waits. A read-only database or a full disk says the
// earlier pages were saved, where its own words say nothing was.
func syncFailure(err error, pulled int, kept string) error {
	msg := oneLine(err.Error())
	if errors.Is(err, store.ErrReadOnly) || errors.Is(err, store.ErrDiskFull) {
		// (The store's line is whole: what the sync was doing adds
		// nothing.)
		msg = store.ErrorMessage(err)
		if pulled > 0 {
			msg = store.PartialMessage(err, fmt.Sprintf("the rest of this sync was not saved (the %d change(s) pulled before it were)", pulled))
		}
	}
	return fmt.Errorf("sync failed: %s; %s", msg, kept)
}

// serverDBThere refuses a token command that only reads or changes tokens
// on a server database that does not exist: a mistyped --db made an empty
// one, listed no tokens, and revoked none. (token add and serve make it.)
func (a *app) serverDBThere(pgURL string) error {
	if pgURL != "" || a.getenv("TAGDESK_POSTGRES") != "" {
		return nil
	}
	path := a.serverDBPath()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no server database at %s (a mistyped --db?); nothing changed", path)
	}
	return nil
}

func cmdServe(ctx context.Context, a *app, args []string) error {
	c := findCommand("serve")
	fs := a.flags(c)
	listen := fs.String("listen", "127.0.0.1:7420", "address to listen on")
	pg := fs.String("postgres", "", "PostgreSQL URL (default: SQLite at --db)")
	cert := fs.String("tls-cert", "", "TLS certificate (PEM)")
	key := fs.String("tls-key", "", "TLS key (PEM)")
	newEpoch := fs.Bool("new-epoch", false, "start a new epoch: after restoring the database from a backup, so devices re-send what it lost")
	rate := fs.Float64("rate", 50, "requests per second allowed per device")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 && pos[0] == "token" {
		// (serve --postgres URL token add NAME: the command's words come
		// first, its options after them.)
		if len(pos) > 1 && slices.Contains([]string{"add", "list", "revoke"}, pos[1]) {
			return usagef("the token commands come right after serve, their options after them: tagdesk serve %s --postgres URL", strings.Join(pos, " "))
		}
		return usagef("serve token needs a subcommand: add, list, revoke")
	}
	if len(pos) > 0 {
		return usagef("serve takes no arguments (got %q)", pos[0])
	}
	if (*cert == "") != (*key == "") {
		return usagef("serve: --tls-cert and --tls-key go together")
	}
	b, err := a.openBackend(ctx, *pg, syncpkg.SQLiteOptions{NewEpoch: *newEpoch, Session: true})
	if err != nil {
		return err
	}
	defer b.Close()
	log := slog.New(slog.NewJSONHandler(a.stderr, nil))
	epoch, err := b.Epoch(ctx)
	if err != nil {
		return err
	}
	srv := syncpkg.NewServer(b, syncpkg.ServerOptions{Logger: log, RatePerSecond: *rate, Burst: int(*rate * 2)})
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	if *pg == "" && a.getenv("TAGDESK_POSTGRES") == "" {
		if err := syncpkg.WriteMarker(ctx, b, a.serverDBPath()); err != nil {
			return err
		}
		mctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			syncpkg.KeepMarker(mctx, b, a.serverDBPath(), 5*time.Second, log)
			close(done)
		}()
		defer func() { stop(); <-done }() // before b.Close: the last marker is written first
	}
	return syncpkg.ListenAndServe(ctx, *listen, srv, *cert, *key, log, func(addr net.Addr) {
		fmt.Fprintf(a.stdout, "tagdesk serve: epoch %s, listening on %s://%s\n", epoch, scheme, addr)
	})
}

func tokenFlags(a *app, c command, args []string) (pos []string, pg string, asJSON bool, err error) {
	fs := a.flags(c)
	p := fs.String("postgres", "", "PostgreSQL URL (default: SQLite at --db)")
	j := fs.Bool("json", false, "JSON output")
	pos, err = a.parse(c, fs, args)
	return pos, *p, *j, err
}

func cmdTokenAdd(ctx context.Context, a *app, args []string) error {
	c := findCommand("serve token add")
	pos, pg, _, err := tokenFlags(a, c, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("serve token add needs one NAME")
	}
	if err := store.ValidTokenName(pos[0]); err != nil {
		return usagef("serve token add: %s", store.ErrorMessage(err))
	}
	b, err := a.openBackend(ctx, pg, syncpkg.SQLiteOptions{})
	if err != nil {
		return err
	}
	defer b.Close()
	tok := store.NewToken()
	if err := b.AddToken(ctx, pos[0], tok); err != nil {
		return fmt.Errorf("%s; nothing changed", store.ErrorMessage(err))
	}
	fmt.Fprintf(a.stdout, "token %s added; give this token to the device (it is shown once):\n%s\n", pos[0], tok)
	return nil
}

func cmdTokenList(ctx context.Context, a *app, args []string) error {
	c := findCommand("serve token list")
	pos, pg, asJSON, err := tokenFlags(a, c, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("serve token list takes no arguments")
	}
	if err := a.serverDBThere(pg); err != nil {
		return err
	}
	b, err := a.openBackend(ctx, pg, syncpkg.SQLiteOptions{})
	if err != nil {
		return err
	}
	defer b.Close()
	ts, err := b.Tokens(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.stdout, ts)
	}
	fmt.Fprintf(a.stdout, "%-20s %-14s %-20s %s\n", "NAME", "DEVICE", "CREATED", "REVOKED")
	for _, t := range ts {
		fmt.Fprintf(a.stdout, "%-20s %-14s %-20s %s\n", t.Name, orDash(t.DeviceID), utcMinute(t.CreatedAt), orDash(utcMinute(t.RevokedAt)))
	}
	return nil
}

// utcMinute shows a stored time (RFC 3339) to the minute, in UTC (a
// server's list is read from anywhere); anything else as it is.
func utcMinute(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func cmdTokenRevoke(ctx context.Context, a *app, args []string) error {
	c := findCommand("serve token revoke")
	pos, pg, _, err := tokenFlags(a, c, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("serve token revoke needs one NAME")
	}
	if err := a.serverDBThere(pg); err != nil {
		return err
	}
	b, err := a.openBackend(ctx, pg, syncpkg.SQLiteOptions{})
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.RevokeToken(ctx, pos[0]); err != nil {
		var nr *syncpkg.NotRecordedError
		if !errors.As(err, &nr) {
			return fmt.Errorf("%s; nothing changed", store.ErrorMessage(err))
		}
		fmt.Fprintf(a.stderr, "tagdesk serve: warning: %v\n", err) // (revoked all the same)
	}
	fmt.Fprintf(a.stdout, "token %s revoked\n", pos[0])
	return nil
}

func cmdSync(ctx context.Context, a *app, args []string) error {
	c := findCommand("sync")
	fs := a.flags(c)
	server := fs.String("server", "", "server URL (remembered)")
	token := fs.String("token", "", "device token from 'tagdesk serve token add' (remembered)")
	ca := fs.String("ca", "", "PEM file of CAs to trust for the server's TLS certificate (remembered)")
	asJSON := fs.Bool("json", false, "JSON report")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unknown command %q for sync (want one of: status, resolve, watchdog)", pos[0])
	}
	if *server != "" && !strings.HasPrefix(*server, "http://") && !strings.HasPrefix(*server, "https://") {
		return usagef("sync: --server must be an http:// or https:// URL")
	}
	if *server != "" {
		// A URL that cannot be one (http://[::1) is a typo to say now,
		// not a server to try for seconds.
		if u, err := url.Parse(*server); err != nil || u.Host == "" {
			return usagef("sync: --server %q is not a URL a server can have (http://HOST:PORT)", clipBytes(*server, 80))
		}
	}
	if *ca != "" {
		// Read now: stored, a file that is not one (or a path relative to
		// where this ran) would stop every later sync. A bad option's
		// value: bad usage.
		abs, err := filepath.Abs(*ca)
		if err == nil {
			_, err = syncpkg.HTTPClient(abs)
		}
		if err != nil {
			return usagef("sync: --ca: %v; nothing changed", err)
		}
		*ca = abs
	}
	// A new desk may start from the server's register (sync --server on no
	// database); without --server, a missing database is a mistyped --db.
	a.reads = *server == ""
	a.inPlace = true
	return a.withDB(ctx, func(db *store.DB) error {
		before, err := db.SyncEndpoint(ctx)
		if err != nil {
			return err
		}
		newServer := *server != "" && *server != before.Server
		newCA := *ca != "" && *ca != before.CAFile
		if err := db.SetSyncServer(ctx, *server, *token, *ca); err != nil {
			return err
		}
		// undo puts back the endpoint that worked when this sync's failure
		// condemns the one it has now (refusedEndpoint), and says so.
		undo := func(err error) string {
			after, aerr := db.SyncEndpoint(context.WithoutCancel(ctx))
			if aerr != nil || after.Enrolled || !refusedEndpoint(err, newServer, newCA) {
				return ""
			}
			back, rerr := db.RestoreSyncFallback(context.WithoutCancel(ctx))
			if rerr != nil || back == "" {
				return ""
			}
			return "; the new --server/--token/--ca were not kept: this desk syncs with " + back + " again"
		}
		cl, err := syncpkg.NewClient(ctx, db)
		if err != nil {
			return fmt.Errorf("%w%s", err, undo(err))
		}
		pulled := 0 // the other desks' changes pulled and saved so far
		progress := func(p syncpkg.Progress) {
			if p.Phase == "pull" {
				pulled = p.Others
			}
			if *quiet {
				return
			}
			switch p.Phase {
			case "push":
				fmt.Fprintf(a.stderr, "pushed %d, %d pending\n", p.Done, p.Pending)
			case "pull":
				// (As the summary counts: the other desks' changes; the
				// server's order holds this desk's own too.)
				fmt.Fprintf(a.stderr, "pulled %d (%d read)\n", p.Others, p.Done)
			case "hello":
				fmt.Fprintf(a.stderr, "contacting %s\n", cl.Server)
			case "rebase":
				fmt.Fprintln(a.stderr, "putting this desk's changes in the server's order")
			default:
				fmt.Fprintf(a.stderr, "%s\n", p.Phase)
			}
		}
		rep, err := cl.Sync(ctx, progress)
		if err != nil {
			pending, _ := db.PendingEvents(context.WithoutCancel(ctx))
			kept := fmt.Sprintf("%d change(s) kept locally, pending", pending)
			if pending == 0 {
				kept = "nothing of this desk's was pending"
			}
			kept += undo(err)
			if errors.Is(ctx.Err(), context.Canceled) {
				return fmt.Errorf("sync interrupted before it finished: nothing is lost (%s); run tagdesk sync again", kept)
			}
			return syncFailure(err, pulled, kept)
		}
		if *asJSON {
			if err := writeJSON(a.stdout, rep); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(a.stdout, "synced: pushed %d (%d applied, %d refused, %d already there), pulled %d\n", rep.Pushed, rep.Applied, rep.Refused, rep.Duplicates, rep.Pulled)
			if rep.EpochReset {
				fmt.Fprintln(a.stdout, "the server was restored or replaced: this desk re-sent what it no longer had")
			}
		}
		if rep.LeaseRefused != "" {
			until := "until it has some"
			if left, _, err := db.LeaseRemaining(ctx); err == nil && left > 0 {
				// (Refused for holding many already, by the server's
				// count: it still has these.)
				until = fmt.Sprintf("once the %d it holds are used", left)
			}
			fmt.Fprintf(a.stderr, "warning: no tag numbers leased (%s): this desk generates no new tags %s; the rest synced\n", oneLine(rep.LeaseRefused), until)
		}
		if rep.Refused > 0 {
			// The rest synced, but these changes did not reach the
			// register: a script must not take the sync for a success.
			return fmt.Errorf("the server refused %d change(s), kept here to resolve: see tagdesk sync status", rep.Refused)
		}
		// Refusals answered before (to a sync that failed later, or was
		// stopped, and never said so) are still changes that did not
		// reach the register.
		refs, err := db.Refusals(ctx, false)
		if err != nil {
			return err
		}
		if len(refs) > 0 {
			return fmt.Errorf("%d change(s) the server refused are still to resolve: see tagdesk sync status, then tagdesk sync resolve", len(refs))
		}
		return nil
	})
}

func cmdSyncStatus(ctx context.Context, a *app, args []string) error {
	c := findCommand("sync status")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	resolved := fs.Bool("resolved", false, "list the refusals resolved so far: how, when and by whom")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("sync status takes no arguments")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		if *resolved {
			return printResolved(ctx, a, db, *asJSON)
		}
		st, err := db.Status(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(a.stdout, st)
		}
		w := a.stdout
		when := func(t time.Time) string {
			if t.IsZero() {
				return "never"
			}
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		server := st.Server
		if server == "" {
			server = "(none configured)"
		}
		// (As at the last sync: status asks nothing of the server.)
		online := "offline at the last sync"
		switch {
		case st.Server == "":
			online = "this desk works alone: tagdesk sync --server URL --token TOKEN enrols it"
		case st.LastSuccess.IsZero() && st.LastError == "":
			online = "not synced yet"
		case st.LastSuccess.After(st.LastAttempt):
			// Batches went through and the sync's end was never recorded
			// (killed, the machine off): not a link that was down, even
			// if the attempt before it failed.
			online = "the last sync was cut off before it finished: run tagdesk sync"
		case st.Online:
			online = "online at the last sync"
		case strings.Contains(st.LastError, "server said "), strings.Contains(st.LastError, "runs an older tagdesk"):
			// It answered: the link is up, the server said no.
			online = "reachable, but it refused the last sync"
		case st.Failed:
			online = "the last sync failed here, not for the link: see last error"
		}
		fmt.Fprintf(w, "server:        %s (%s)\n", server, online)
		fmt.Fprintf(w, "device:        %s\n", st.DeviceID)
		fmt.Fprintf(w, "last success:  %s\n", when(st.LastSuccess))
		if st.LastError != "" {
			fmt.Fprintf(w, "last error:    %s\n", st.LastError)
		}
		fmt.Fprintf(w, "pending:       %d\n", st.Pending)
		fmt.Fprintf(w, "tag numbers:   %d leased, unused\n", st.LeaseRemaining)
		if len(st.Problems) > 0 {
			fmt.Fprintln(w, "\nproblems:")
			for _, p := range st.Problems {
				fmt.Fprintf(w, "  ! %s\n", p)
			}
		}
		if len(st.Refusals) > 0 {
			fmt.Fprintln(w, "\nneeds attention (refused by the server):")
			for _, r := range st.Refusals {
				fmt.Fprintf(w, "  #%d %s\n", r.ID, r.Explain())
			}
			fmt.Fprintln(w, "  resolve with: tagdesk sync resolve ID --accept (keep the server's state) or --redo (do it again now)")
		}
		return nil
	})
}

// printResolved lists the refusals resolved so far, for an auditor: what
// was refused, why, and how, when and by whom it was resolved.
func printResolved(ctx context.Context, a *app, db *store.DB, asJSON bool) error {
	rs, err := db.Refusals(ctx, true)
	if err != nil {
		return err
	}
	rs = slices.DeleteFunc(rs, func(r store.Refusal) bool { return r.Resolved == "" })
	if asJSON {
		return writeJSONList(a.stdout, rs)
	}
	if len(rs) == 0 {
		fmt.Fprintln(a.stdout, "no refusal resolved yet")
		return nil
	}
	for _, r := range rs {
		fmt.Fprintf(a.stdout, "#%d %s\n   %s by %s at %s\n", r.ID, r.Explain(), r.Resolved, orDash(r.ResolvedBy), r.ResolvedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	return nil
}

func cmdSyncResolve(ctx context.Context, a *app, args []string) error {
	c := findCommand("sync resolve")
	fs := a.flags(c)
	accept := fs.Bool("accept", false, "keep the server's state")
	redo := fs.Bool("redo", false, "do the refused action again against the current state")
	all := fs.Bool("all", false, "every refusal still to resolve (see tagdesk sync status)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 && !*all || len(pos) > 0 && *all {
		return usagef("sync resolve needs refusal IDs or --all (see tagdesk sync status)")
	}
	var ids []int64
	for _, p := range pos {
		id, err := strconv.ParseInt(strings.TrimPrefix(p, "#"), 10, 64)
		if err != nil {
			return usagef("sync resolve: %q is not a refusal ID", p)
		}
		ids = append(ids, id)
	}
	if *accept == *redo {
		return usagef("sync resolve: give exactly one of --accept and --redo")
	}
	how := store.ResolveAccept
	if *redo {
		how = store.ResolveRedo
	}
	return a.withDB(ctx, func(db *store.DB) error {
		known, err := db.Refusals(ctx, true)
		if err != nil {
			return err
		}
		byID := map[int64]store.Refusal{}
		for _, r := range known {
			byID[r.ID] = r
			if *all && r.Resolved == "" {
				ids = append(ids, r.ID)
			}
		}
		if *all && len(ids) == 0 {
			fmt.Fprintln(a.stdout, "no refusal to resolve")
			return nil
		}
		// Every ID an open refusal, each once, before anything is done.
		seen := map[int64]bool{}
		var todo []int64
		for _, id := range ids {
			r, ok := byID[id]
			if !ok {
				return fmt.Errorf("no refusal #%d (see tagdesk sync status); nothing changed", id)
			}
			if r.Resolved != "" {
				return fmt.Errorf("refusal #%d is already resolved (%s); nothing changed", id, r.Resolved)
			}
			if !seen[id] {
				seen[id] = true
				todo = append(todo, id)
			}
		}
		redone := false
		for i, id := range todo {
			// Each on its own, in order: one that cannot be resolved stops
			// the rest, and says which were.
			evs, err := db.ResolveRefusal(ctx, id, how)
			if err != nil {
				done := "nothing changed"
				if i > 0 {
					done = fmt.Sprintf("the %d before it resolved, the %d from it not", i, len(todo)-i)
				}
				if redone {
					fmt.Fprintln(a.stdout, "what was redone is pending: run tagdesk sync")
				}
				msg := store.ErrorMessage(err)
				if !strings.Contains(msg, fmt.Sprintf("refusal %d", id)) {
					msg = fmt.Sprintf("refusal #%d: %s", id, msg)
				}
				return fmt.Errorf("%s; %s", msg, done)
			}
			if how == store.ResolveAccept {
				fmt.Fprintf(a.stdout, "refusal #%d accepted: the server's state stands\n", id)
				continue
			}
			redone = true
			fmt.Fprintf(a.stdout, "refusal #%d redone:\n", id)
			for _, e := range evs {
				fmt.Fprintf(a.stdout, "  %s %s\n", e.UID(), store.Describe(e))
			}
			if note := store.RelabelNote(byID[id], evs); note != "" {
				fmt.Fprintf(a.stdout, "%s (tagdesk queue list shows its label)\n", note)
			}
		}
		if redone {
			fmt.Fprintln(a.stdout, "it is pending: run tagdesk sync")
		}
		return nil
	})
}

// refusedEndpoint says a sync's failure, before the server accepted this
// desk, condemns the endpoint it has: a token the server refused (now, or
// at a later sync: a token given while the server was down is kept until
// it answers), a new server that did not answer as a tagdesk server (a
// typo as likely as an outage; it is given again when it answers), or a
// new CA file the server's certificate does not verify against.
func refusedEndpoint(err error, newServer, newCA bool) bool {
	var he *syncpkg.HTTPError
	var unknown x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden || he.Status == http.StatusConflict):
		return true
	case newCA && (errors.As(err, &unknown) || errors.As(err, &verify)):
		return true
	}
	return newServer
}

func cmdSyncWatchdog(ctx context.Context, a *app, args []string) error {
	c := findCommand("sync watchdog")
	fs := a.flags(c)
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("sync watchdog needs one DURATION")
	}
	d, err := time.ParseDuration(pos[0])
	if err != nil || d <= 0 {
		return usagef("sync watchdog: %q is not a positive duration (e.g. 1h, 30m)", pos[0])
	}
	return a.withDB(ctx, func(db *store.DB) error {
		if err := db.SetSyncWatchdog(ctx, d); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "pending changes unsynced for more than %s will be reported as a problem\n", d)
		return nil
	})
}
