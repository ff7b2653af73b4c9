package store

import (
	"fmt"
	"strings"
)

// logRows holds the new event rows of a pulled page or a pushed batch, and
// the sync_log rows that place them (and known events) in the server's
// order, and writes them with multi-row INSERTs: one statement per
// logChunk rows instead of one per row is about a fifth less per row in
// pure-Go SQLite. The chain heads move as rows are added, so the chain
// checks of later events see them; anything in the transaction that reads
// events or sync_log (a duplicate's stored answer, a refusal's winner)
// flushes first.
type logRows struct {
	events []Event
	logs   []logRow
}

type logRow struct {
	event     int   // index into events, or -1: id is an event already stored
	id        int64 // with event -1
	serverSeq int64
	refused   bool
}

const logChunk = 64

// addEvent buffers e, whose place in its device's chain and hash the
// caller has checked, with its place in the server's order.
func (w *wtx) addEvent(b *logRows, e Event, serverSeq int64, refused bool) {
	w.heads[e.DeviceID] = chainHead{seq: e.Seq, hash: e.Hash}
	b.events = append(b.events, e)
	b.logs = append(b.logs, logRow{event: len(b.events) - 1, serverSeq: serverSeq, refused: refused})
}

// addKnown buffers the place in the server's order of an event already
// stored (row id id).
func (b *logRows) addKnown(id, serverSeq int64, refused bool) {
	b.logs = append(b.logs, logRow{event: -1, id: id, serverSeq: serverSeq, refused: refused})
}

// flushRows writes what b holds and empties it.
func (w *wtx) flushRows(b *logRows) error {
	if len(b.events) > 0 {
		if w.outbox {
			return Errorf(EINTERNAL, "buffered events never go to the outbox")
		}
		// New rows get ids one above the largest (SQLite's rowid rule for
		// an INTEGER PRIMARY KEY without AUTOINCREMENT): each statement's
		// last id is checked against that, so a surprise is an error, never
		// a sync_log row pointing at the wrong event.
		var last int64
		if err := w.queryRow(`SELECT coalesce(max(id), 0) FROM events`).Scan(&last); err != nil {
			return fmt.Errorf("read last event id: %w", err)
		}
		const cols = 9
		for start := 0; start < len(b.events); {
			n := logChunk
			if len(b.events)-start < logChunk {
				n = 1
			}
			args := make([]any, 0, n*cols)
			for _, e := range b.events[start : start+n] {
				args = append(args, e.DeviceID, e.Seq, e.Operator, timestamp(e.At), string(e.Type), e.Subject, string(e.Payload), e.PrevHash, e.Hash)
			}
			res, err := w.exec(`INSERT INTO events(device_id, seq, operator, at, type, subject, payload, prev_hash, hash) VALUES `+valueRows(n, cols), args...)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil || id != last+int64(n) {
				return Errorf(EINTERNAL, "new events got ids up to %d, expected %d (%v)", id, last+int64(n), err)
			}
			for i := range n {
				b.events[start+i].ID = last + 1 + int64(i)
			}
			last = id
			start += n
		}
		w.emitted = append(w.emitted, b.events...)
	}
	const cols = 3
	for start := 0; start < len(b.logs); {
		n := logChunk
		if len(b.logs)-start < logChunk {
			n = 1
		}
		args := make([]any, 0, n*cols)
		for _, l := range b.logs[start : start+n] {
			id := l.id
			if l.event >= 0 {
				id = b.events[l.event].ID
			}
			args = append(args, id, l.serverSeq, boolInt(l.refused))
		}
		if _, err := w.exec(`INSERT INTO sync_log(event_id, server_seq, refused) VALUES `+valueRows(n, cols), args...); err != nil {
			return err
		}
		start += n
	}
	b.events, b.logs = b.events[:0], b.logs[:0]
	return nil
}

// valueRows is "(?, ?, ...), (...)": n rows of cols parameters.
func valueRows(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
