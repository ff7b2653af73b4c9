package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A desk's own history can be rewritten by whoever holds its file: verify
// finds an edited event (its hash) and a state that does not follow from
// the events, but not a record of the server's answers made up on the
// desk (one of the desk's own changes marked refused, so that it no longer
// counts), nor the newest events cut off the end of a chain. The server
// holds the other copy. ServerCheck compares the desk's record of the
// server's log (sync_log: which event, at which place in the server's
// order, refused or not) with the server's own log, read page by page.

// ServerEntry is one change of the server's log, as a check compares it.
type ServerEntry struct {
	ServerSeq int64
	DeviceID  string
	Seq       int64
	Hash      string
	Refused   bool
}

// ServerCheckReport is what a comparison with the server found.
type ServerCheckReport struct {
	Server    string `json:"server"`
	Compared  int64  `json:"compared"`   // server changes the desk holds and agrees on
	NotPulled int64  `json:"not_pulled"` // other desks' changes this desk has not pulled yet
	// BeforeRestore are other desks' changes the desk pulled before the
	// server was restored or replaced, which the server now lacks: their
	// desks send them again when they sync (not a problem).
	BeforeRestore int64    `json:"before_restore,omitempty"`
	Unrecord      int64    `json:"unrecorded"` // own changes the server answered and the desk has not yet recorded
	Problems      []string `json:"problems"`
	More          int      `json:"more_problems,omitempty"` // problems beyond those listed
}

// maxServerProblems bounds the problems a report lists (a desk that is not
// the server's at all would list every change).
const maxServerProblems = 50

// ServerCheck compares the desk's record of a server's log with the
// server's log: feed it the server's changes in order (Page), then Finish.
type ServerCheck struct {
	db     *DB
	cursor int64 // the desk's pull cursor when the check began
	last   int64 // the last place of the server's order the desk had recorded then
	done   int64 // server order compared up to
	events int64 // the desk's last event when the check began
	// atServer are other desks' changes the desk holds with no place in
	// the server's order that the server has (not pulled that far yet).
	atServer map[string]bool
	Report   ServerCheckReport
}

// NewServerCheck begins a comparison with the server this desk syncs with,
// whose epoch the caller has read: a server restored or replaced since the
// desk last synced (another epoch) is not the log the desk recorded.
func (db *DB) NewServerCheck(ctx context.Context, serverEpoch string) (*ServerCheck, error) {
	st, err := db.SyncState(ctx)
	if err != nil {
		return nil, err
	}
	if st.Epoch == "" {
		return nil, Errorf(EINVALID, "this desk has not synced with %s yet: nothing to compare (run tagdesk sync first)", st.Server)
	}
	if st.Epoch != serverEpoch {
		return nil, Errorf(EINVALID, "the server at %s was restored or replaced since this desk last synced (epoch %s, the desk's %s): run tagdesk sync, then compare", st.Server, serverEpoch, st.Epoch)
	}
	// What a sync records while the check runs (the UI's, a script's) is
	// not compared: the server's pages were read before it.
	var last int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(server_seq), 0) FROM sync_log`).Scan(&last); err != nil {
		return nil, fmt.Errorf("compare with the server: %w", err)
	}
	var events int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&events); err != nil {
		return nil, fmt.Errorf("compare with the server: %w", err)
	}
	return &ServerCheck{db: db, cursor: st.Cursor, last: last, events: events, atServer: map[string]bool{},
		Report: ServerCheckReport{Server: st.Server, Problems: []string{}}}, nil
}

func (c *ServerCheck) problem(format string, args ...any) {
	if len(c.Report.Problems) >= maxServerProblems {
		c.Report.More++
		return
	}
	c.Report.Problems = append(c.Report.Problems, fmt.Sprintf(format, args...))
}

// recorded is one row of the desk's record of the server's order.
type recorded struct {
	refused  bool
	deviceID string
	seq      int64
	hash     string
	typ      string
	subject  string // the tag, code or name the change names, else its subject
}

func (r recorded) uid() string { return fmt.Sprintf("%s:%d", r.deviceID, r.seq) }

func (r recorded) what() string {
	if r.deviceID == "" {
		return "a change it no longer has"
	}
	if r.subject == "" {
		return fmt.Sprintf("%s (%s)", r.uid(), r.typ)
	}
	return fmt.Sprintf("%s (%s %s)", r.uid(), r.typ, r.subject)
}

// Page compares the server's changes after the last page up to upTo (the
// page's next cursor) with what the desk recorded for that part of the
// server's order.
func (c *ServerCheck) Page(ctx context.Context, entries []ServerEntry, upTo int64) error {
	if upTo < c.done {
		return Errorf(EINVALID, "the server's log went back from %d to %d", c.done, upTo)
	}
	local, err := c.recordedBetween(ctx, c.done, upTo)
	if err != nil {
		return err
	}
	own := c.db.DeviceID()
	for _, se := range entries {
		if se.ServerSeq <= c.done || se.ServerSeq > upTo {
			return Errorf(EINVALID, "the server's change %d is outside its page (%d to %d]", se.ServerSeq, c.done, upTo)
		}
		r, ok := local[se.ServerSeq]
		if ok {
			delete(local, se.ServerSeq)
			c.compare(se, r, own)
			continue
		}
		if err := c.unrecorded(ctx, se, own); err != nil {
			return err
		}
	}
	for _, n := range placesOf(local) {
		c.problem("the desk records %s at place %d of the server's order; the server has no change there", local[n].what(), n)
	}
	c.done = upTo
	return nil
}

// compare checks one change the desk recorded at the server's place.
func (c *ServerCheck) compare(se ServerEntry, r recorded, own string) {
	switch {
	case se.DeviceID != r.deviceID || se.Seq != r.seq:
		c.problem("place %d of the server's order: the desk records %s, the server has %s:%d", se.ServerSeq, r.what(), se.DeviceID, se.Seq)
	case se.Hash != r.hash:
		c.problem("%s differs from the server's copy (hash %s on the desk, %s on the server)", r.what(), short(r.hash), short(se.Hash))
	case r.refused && !se.Refused:
		who := "another desk's change"
		if r.deviceID == own {
			who = "this desk's change"
		}
		c.problem("the desk records %s %s as refused by the server, which applied it: the refusal was not the server's", who, r.what())
	case !r.refused && se.Refused:
		c.problem("the desk counts %s as applied; the server refused it", r.what())
	default:
		c.Report.Compared++
	}
}

// unrecorded accounts for a server change the desk has no record of at
// its place: not yet pulled, not yet recorded, or gone from the desk.
func (c *ServerCheck) unrecorded(ctx context.Context, se ServerEntry, own string) error {
	var hash string
	var place sql.NullInt64
	err := c.db.r.QueryRowContext(ctx, `SELECT e.hash, l.server_seq FROM events e LEFT JOIN sync_log l ON l.event_id = e.id WHERE e.device_id = ? AND e.seq = ?`, se.DeviceID, se.Seq).Scan(&hash, &place)
	uid := fmt.Sprintf("%s:%d", se.DeviceID, se.Seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if se.DeviceID == own {
			c.problem("the server holds this desk's change %s, which the desk no longer has", uid)
		} else if se.ServerSeq <= c.cursor {
			c.problem("the desk has pulled past %s (place %d of the server's order) and does not have it", uid, se.ServerSeq)
		} else {
			c.Report.NotPulled++
		}
		return nil
	case err != nil:
		return fmt.Errorf("compare with the server: %w", err)
	}
	switch {
	case hash != se.Hash:
		c.problem("%s differs from the server's copy (hash %s on the desk, %s on the server)", uid, short(hash), short(se.Hash))
	case place.Valid:
		c.problem("the desk records %s at place %d of the server's order; the server has it at %d", uid, place.Int64, se.ServerSeq)
	case se.DeviceID == own && se.ServerSeq > c.cursor:
		c.Report.Unrecord++ // pushed; the answer was lost: the next pull records it
	case se.DeviceID == own:
		// A pull past an own change records its place; none here is a
		// record removed (to count it as no longer applying, say).
		c.problem("the desk has pulled past its own change %s (place %d of the server's order) and has no record of its place: the server applied it", uid, se.ServerSeq)
	case se.ServerSeq <= c.cursor:
		c.problem("the desk has pulled past %s (place %d of the server's order) and has no record of its place", uid, se.ServerSeq)
	default:
		c.atServer[uid] = true
		c.Report.NotPulled++
	}
	return nil
}

// Finish checks what the desk had recorded beyond the server's last
// change when the check began, row by row (a desk ahead of a server
// restored without a new epoch may hold many).
func (c *ServerCheck) Finish(ctx context.Context) (ServerCheckReport, error) {
	err := c.eachRecorded(ctx, c.done, c.last, func(n int64, r recorded) {
		c.problem("the desk records %s at place %d of the server's order; the server's log ends at %d", r.what(), n, c.done)
	})
	if err != nil {
		return c.Report, err
	}
	// Another desk's change reaches this desk only by a pull, which
	// records its place: one held with no place that the server does not
	// have either was put in the file (or lost by a server restored since
	// the desk pulled it), and would pass for that desk's work.
	// (Those it held when it last followed a restored server came from
	// the server before: counted apart, until their desks send them
	// again.)
	err = eachText(ctx, c.db.r, `SELECT (EXISTS (SELECT 1 FROM sync_pulled_before b WHERE b.event_id = e.id)) || ' ' || e.device_id || ':' || e.seq || ' ' || e.type FROM events e
		WHERE e.id <= ? AND e.device_id <> ? AND NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.event_id = e.id) ORDER BY e.id`, func(s string) {
		before, rest, _ := strings.Cut(s, " ")
		uid, typ, _ := strings.Cut(rest, " ")
		switch {
		case c.atServer[uid]:
		case before == "1":
			c.Report.BeforeRestore++
		default:
			c.problem("the desk holds %s (%s), another desk's change the server does not have: not pulled from it (put in the desk's file?)", uid, typ)
		}
	}, c.events, c.db.DeviceID())
	if err != nil {
		return c.Report, fmt.Errorf("compare with the server: %w", err)
	}
	return c.Report, nil
}

// recordedBetween is the desk's record of the server's order in (after, upTo].
func (c *ServerCheck) recordedBetween(ctx context.Context, after, upTo int64) (map[int64]recorded, error) {
	out := map[int64]recorded{}
	err := c.eachRecorded(ctx, after, upTo, func(n int64, r recorded) { out[n] = r })
	return out, err
}

// eachRecorded calls fn for the desk's record of the server's order in
// (after, upTo], in order.
func (c *ServerCheck) eachRecorded(ctx context.Context, after, upTo int64, fn func(int64, recorded)) error {
	if upTo <= after {
		return nil
	}
	// A change is named by what its payload names (a tag, a code, a name)
	// where it names one, else by its subject.
	rows, err := c.db.r.QueryContext(ctx, `SELECT l.server_seq, l.refused, COALESCE(e.device_id, ''), COALESCE(e.seq, 0), COALESCE(e.hash, ''), COALESCE(e.type, ''),
		COALESCE(CASE WHEN json_valid(e.payload) THEN COALESCE(json_extract(e.payload, '$.tag'), json_extract(e.payload, '$.code'), json_extract(e.payload, '$.name')) END, e.subject, '')
		FROM sync_log l LEFT JOIN events e ON e.id = l.event_id WHERE l.server_seq > ? AND l.server_seq <= ? ORDER BY l.server_seq`, after, upTo)
	if err != nil {
		return fmt.Errorf("compare with the server: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		var r recorded
		if err := rows.Scan(&n, &r.refused, &r.deviceID, &r.seq, &r.hash, &r.typ, &r.subject); err != nil {
			return fmt.Errorf("compare with the server: %w", err)
		}
		fn(n, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("compare with the server: %w", err)
	}
	return nil
}

// placesOf is the places of m in order.
func placesOf(m map[int64]recorded) []int64 {
	out := make([]int64, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
