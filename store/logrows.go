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

// insertEvents begins a multi-row INSERT of events (insertRows adds the
// rows, eventCols values each, as eventRow gives them).
const (
	insertEvents = `INSERT INTO events(device_id, seq, operator, at, type, subject, payload, prev_hash, hash) VALUES `
	eventCols    = 9
)

// eventRow appends the values of e's row, in insertEvents' order, to args.
func eventRow(args []any, e Event) []any {
	return append(args, e.DeviceID, e.Seq, e.Operator, timestamp(e.At), string(e.Type), e.Subject, string(e.Payload), e.PrevHash, e.Hash)
}

// insertEventRows stores events in bulk and sets their ids.
func (w *wtx) insertEventRows(events []Event) error {
	args := make([]any, 0, len(events)*eventCols)
	for _, e := range events {
		args = eventRow(args, e)
	}
	first, err := w.insertRows(insertEvents, "events", eventCols, args)
	if err != nil {
		return err
	}
	for i := range events {
		events[i].ID = first + int64(i)
	}
	return nil
}

// flushDeferred stores the events a transaction with deferEvents set has
// appended (applied, chained, held back), with their outbox rows: logChunk
// rows to a statement instead of one statement each.
func (w *wtx) flushDeferred() error {
	if len(w.deferred) == 0 {
		return nil
	}
	if err := w.insertEventRows(w.deferred); err != nil {
		return err
	}
	if w.outbox {
		// The new rows have consecutive ids: the outbox takes those of
		// this device's events in one statement.
		first, last := w.deferred[0].ID, w.deferred[len(w.deferred)-1].ID
		if _, err := w.exec(`INSERT INTO outbox(event_id) SELECT id FROM events WHERE id BETWEEN ? AND ? AND device_id = ? ORDER BY id`, first, last, w.db.deviceID); err != nil {
			return err
		}
	}
	if w.tally != nil {
		for _, e := range w.deferred {
			w.tally[e.Type]++
		}
		w.deferred = w.deferred[:0]
		return nil
	}
	w.emitted = append(w.emitted, w.deferred...)
	w.deferred = nil
	return nil
}

// deferChunk is how many deferred events a tallying transaction holds
// before storing them.
const deferChunk = 8192

// flushDeferredChunk stores the deferred events once a tallying
// transaction holds deferChunk of them.
func (w *wtx) flushDeferredChunk() error {
	if w.tally == nil || len(w.deferred) < deferChunk {
		return nil
	}
	return w.flushDeferred()
}

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
		if err := w.insertEventRows(b.events); err != nil {
			return err
		}
		w.emitted = append(w.emitted, b.events...)
	}
	const cols = 3
	args := make([]any, 0, len(b.logs)*cols)
	for _, l := range b.logs {
		id := l.id
		if l.event >= 0 {
			id = b.events[l.event].ID
		}
		args = append(args, id, l.serverSeq, boolInt(l.refused))
	}
	if _, err := w.insertRows(`INSERT INTO sync_log(event_id, server_seq, refused) VALUES `, "", cols, args); err != nil {
		return err
	}
	b.events, b.logs = b.events[:0], b.logs[:0]
	return nil
}

// insertRows inserts rows of cols values each (args, one row after the
// other) with insert ("INSERT INTO t(a, b) VALUES "): logChunk rows to a
// statement, the rest one at a time (two statements to prepare, whatever
// the count). With idTable set it returns the first new row's id: SQLite
// gives new rows of a table with an INTEGER PRIMARY KEY (no AUTOINCREMENT)
// the ids above the largest, so the rows have consecutive ids. Each
// statement's last id is checked against that: a surprise is an error,
// never a row pointing at the wrong one.
func (w *wtx) insertRows(insert, idTable string, cols int, args []any) (int64, error) {
	var last int64
	if idTable != "" {
		if err := w.queryRow(`SELECT coalesce(max(id), 0) FROM ` + idTable).Scan(&last); err != nil {
			return 0, fmt.Errorf("read last %s id: %w", idTable, err)
		}
	}
	first := last + 1
	err := chunkRows(insert, cols, args, func(q string, n int, rows []any) error {
		res, err := w.exec(q, rows...)
		if err != nil || idTable == "" {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil || id != last+int64(n) {
			return Errorf(EINTERNAL, "new %s rows got ids up to %d, expected %d (%v)", idTable, id, last+int64(n), err)
		}
		last = id
		return nil
	})
	return first, err
}

// chunkRows hands exec the statements that insert rows of cols values
// each (args, one row after the other) with insert ("INSERT INTO t(a, b)
// VALUES "): logChunk rows to a statement, the rest one at a time (two
// statements to prepare, whatever the count), n the rows of each.
func chunkRows(insert string, cols int, args []any, exec func(q string, n int, rows []any) error) error {
	rows := len(args) / cols
	for start := 0; start < rows; {
		n := logChunk
		if rows-start < logChunk {
			n = 1
		}
		if err := exec(insert+valueRows(n, cols), n, args[start*cols:(start+n)*cols]); err != nil {
			return err
		}
		start += n
	}
	return nil
}

// valueRows is "(?, ?, ...), (...)": n rows of cols parameters.
func valueRows(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
