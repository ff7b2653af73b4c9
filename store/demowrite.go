package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The demo's actions are written in bulk. Every action still becomes an
// event, hashed into the device's chain exactly as emit would, but the
// events go in 64 to a statement, and the assets' state is folded in memory
// (demoState) and written once, a row per asset, instead of a row updated
// per event. The purchase orders, a few thousand, are applied the usual
// way. A replay of the events gives the same state: the demo tests run
// verify, which rebuilds the state from the events through apply and
// compares every table.

// demoState is an asset's state while the actions are folded. Row ids of
// locations and people are 0 for none.
type demoState struct {
	id                  int64 // its row id: assets get ids in the order they arrive, as a replay gives them
	status              Status
	loc                 int64
	custP, custL, custA int64
	due                 int32 // days since 1970, 0 for none
	checkedOut          int64 // unix seconds, 0 for none
	created, updated    int64
}

// record is the received asset ai as its receipt event describes it.
func (g *demoGen) record(ai int32, status Status) AssetRecord {
	a := &g.assets[ai]
	po := &g.pos[a.po]
	shelf := g.locs[a.shelf].uid
	rec := AssetRecord{
		UID: a.uid, Tag: a.tag, Serial: a.serial, Name: a.name, Kind: KindHardware, Status: status,
		ModelUID: g.modelUID[a.model], LocationUID: shelf, HomeLocationUID: shelf,
		CostCentre: "CC-4100-" + demoSites[a.site].code, SupplierUID: g.supUID[g.suppls[po.supplier]], POUID: po.uid,
		OrderNumber: po.number, PurchaseDate: a.purchaseDate, PurchaseCost: a.cost, Currency: a.cur,
		WarrantyEnd: a.warranty, EOLDate: a.eol,
	}
	if len(a.custom) > 0 {
		rec.Custom = make(map[string]string, len(a.custom)/2)
		for k := 0; k+1 < len(a.custom); k += 2 {
			rec.Custom[a.custom[k]] = a.custom[k+1]
		}
	}
	return rec
}

// demoRows is a batch of the demo's events, ready for the writer.
type demoRows struct {
	events   []any // event rows, eventCols values each (eventRow)
	head     chainHead
	received int // assets received so far
}

// demoFold is what the actions make of the assets: their state, the order
// they arrive in and their disposals; and the purchase orders and custom
// fields to create before them.
type demoFold struct {
	st        []demoState
	order     []int32 // assets in the order they arrive
	disposals []demoDisposal
	pos       []Event          // the purchase orders, to apply
	fields    []string         // custom fields, in the order first seen
	base      int64            // the row id before the first new asset
	loc, per  map[string]int64 // row ids of locations and people by uid
}

// writeActs writes g's actions and rebuilds the indexes dropped for it
// (statements in indexes). The actions are folded into the assets'
// final state first, which is written at once (a row per asset); then the
// search index is built from those rows on a connection and a core of its
// own, in a database beside the demo, while the writer stores the events
// (encoded and hashed on another goroutine, 64 rows to a statement); the
// index is copied in at the end. Pure-Go SQLite keeps one core busy per
// connection, so the two big jobs share the machine's cores.
func (g *demoGen) writeActs(ctx context.Context, db *DB, indexes []string, progress func(done, total int)) error {
	f := demoFold{st: make([]demoState, len(g.assets)), order: make([]int32, 0, len(g.assets))}
	dev := db.deviceID
	head := chainHead{hash: genesisHash}
	err := db.w.QueryRowContext(ctx, `SELECT seq, hash FROM chain_heads WHERE device_id = ?`, dev).Scan(&head.seq, &head.hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("demo: read chain head: %w", err)
	}
	if err := db.w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM assets`).Scan(&f.base); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if f.loc, err = uidIDs(ctx, db, "locations"); err != nil {
		return err
	}
	if f.per, err = uidIDs(ctx, db, "people"); err != nil {
		return err
	}
	if progress != nil {
		progress(0, g.n)
	}
	if err := g.foldActs(&f); err != nil {
		return err
	}
	if err := g.writeState(ctx, db, &f); err != nil {
		return err
	}
	if progress != nil {
		progress(g.n/5, g.n)
	}

	// Two goroutines from here: the search builder and the event encoder.
	// Whatever happens, both are stopped and waited for before returning
	// (and before the aside file is removed).
	ctx, cancel := context.WithCancel(ctx)
	aside := db.path + "-search"
	defer removeDB(aside)
	searched := make(chan error, 1)
	go func() { searched <- buildSearchAside(ctx, db, aside) }()
	batches := make(chan demoRows, 1)
	var built error
	go func() {
		defer close(batches)
		built = g.buildEvents(ctx, dev, head, batches)
	}()
	var searchErr error
	searchDone := false
	waitSearch := func() error {
		if !searchDone {
			searchDone, searchErr = true, <-searched
		}
		return searchErr
	}
	defer func() {
		cancel()
		for range batches {
		}
		waitSearch()
	}()
	for b := range batches {
		_, err := db.writeAlone(ctx, func(w *wtx) error {
			w.outbox, w.noIndex = false, true
			if _, err := w.insertRows(insertEvents, "events", eventCols, b.events); err != nil {
				return fmt.Errorf("demo events: %w", err)
			}
			w.heads[dev] = b.head
			return nil
		})
		if err == nil {
			err = checkpointDemo(ctx, db)
		}
		if err != nil {
			return err
		}
		if progress != nil {
			progress(g.n/5+min(b.received, g.n)*7/10, g.n)
		}
	}
	if built != nil {
		return built
	}
	// The indexes dropped for the bulk load, while the search index is
	// still being built aside.
	for i, q := range indexes {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
		if progress != nil {
			progress(g.n*9/10+g.n*(i+1)/(20*len(indexes)), g.n) // to 95 %
		}
	}
	if err := waitSearch(); err != nil {
		return err
	}
	if progress != nil {
		progress(g.n*97/100, g.n)
	}
	return adoptSearch(ctx, db, aside)
}

// foldActs goes through the actions in order and folds them into f.
func (g *demoGen) foldActs(f *demoFold) error {
	seen := map[string]bool{}
	for _, act := range g.acts {
		typ, _, payload, _, err := g.actEvent(act)
		if err != nil {
			return err
		}
		switch act.kind {
		case actPO:
			body, err := json.Marshal(payload)
			if err != nil {
				return fmt.Errorf("encode %s: %w", typ, err)
			}
			f.pos = append(f.pos, Event{Type: typ, At: time.Unix(act.at, 0).UTC(), Payload: body})
			continue
		case actReceive:
			f.order = append(f.order, act.asset)
			f.st[act.asset].id = f.base + int64(len(f.order))
			for _, k := range sortedKeys(payload.(AssetRecord).Custom) {
				if !seen[k] {
					seen[k] = true
					f.fields = append(f.fields, k)
				}
			}
		case actDispose:
			f.disposals = append(f.disposals, demoDisposal{act.asset, payload.(DisposePayload), timestamp(time.Unix(act.at, 0))})
		}
		if err := f.fold(&f.st[act.asset], act, payload); err != nil {
			return fmt.Errorf("demo event %d (%s): %w", act.seq, typ, err)
		}
	}
	return nil
}

// writeState writes the assets' final state and what it refers to: the
// custom fields and the purchase orders, a row per asset (demoBatch to a
// transaction, with a checkpoint after each, so that the log stays small),
// then the disposals. An asset installed in another that arrived after it
// gets its parent once the parent's row is there, in the last transaction
// (deferred foreign keys would do it too, but then every insert searches
// the table for rows it satisfies, the parent index being dropped).
func (g *demoGen) writeState(ctx context.Context, db *DB, f *demoFold) error {
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		w.outbox, w.noIndex = false, true
		for _, name := range f.fields {
			if err := w.defineField(name); err != nil {
				return err
			}
		}
		for _, e := range f.pos {
			if err := w.apply(e); err != nil {
				return fmt.Errorf("demo %s: %w", e.Type, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo catalogue: %w", err)
	}
	ids := map[string]int64{} // model, supplier, place and order ids, across the batches
	for start := 0; start < len(f.order); start += demoBatch {
		chunk := f.order[start:min(start+demoBatch, len(f.order))]
		_, err := db.writeAlone(ctx, func(w *wtx) error {
			w.outbox, w.noIndex, w.ids = false, true, ids
			return g.insertAssets(w, f.st, chunk)
		})
		if err == nil {
			err = checkpointDemo(ctx, db)
		}
		if err != nil {
			return fmt.Errorf("demo assets: %w", err)
		}
	}
	_, err = db.writeAlone(ctx, func(w *wtx) error {
		w.outbox, w.noIndex = false, true
		args := make([]any, 0, len(f.disposals)*5)
		for _, d := range f.disposals {
			args = append(args, f.st[d.asset].id, d.p.Method, d.p.Certificate, d.p.Vendor, d.at)
		}
		if _, err := w.insertRows(`INSERT INTO disposals(asset_id, method, certificate, vendor, disposed_at) VALUES `, "", 5, args); err != nil {
			return err
		}
		for _, ai := range f.order {
			if s := &f.st[ai]; s.custA > s.id {
				if _, err := w.exec(`UPDATE assets SET custodian_asset_id = ? WHERE id = ?`, s.custA, s.id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo disposals: %w", err)
	}
	return checkpointDemo(ctx, db)
}

// buildEvents turns g's actions into event rows, demoBatch at a time,
// chained from head.
func (g *demoGen) buildEvents(ctx context.Context, dev string, head chainHead, out chan<- demoRows) error {
	received := 0
	for start := 0; start < len(g.acts); start += demoBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+demoBatch, len(g.acts))
		b := demoRows{events: make([]any, 0, (end-start)*eventCols)}
		for _, act := range g.acts[start:end] {
			typ, subject, payload, operator, err := g.actEvent(act)
			if err != nil {
				return err
			}
			body, err := json.Marshal(payload)
			if err != nil {
				return fmt.Errorf("encode %s: %w", typ, err)
			}
			e := Event{DeviceID: dev, Seq: head.seq + 1, Operator: operator, At: time.Unix(act.at, 0).UTC(), Type: typ, Subject: subject, Payload: body, PrevHash: head.hash}
			e.Hash = HashEvent(e)
			head = chainHead{seq: e.Seq, hash: e.Hash}
			if act.kind == actReceive {
				received++
			}
			b.events = eventRow(b.events, e)
		}
		b.head, b.received = head, received
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// writePeople writes the demo's people, tens of thousands at 1M assets,
// in bulk: their events and their rows 64 to a statement. The people are
// valid and distinct by construction; the unique indexes on badges, user
// names and emails still refuse a duplicate, and verify replays the events
// through apply.
func (g *demoGen) writePeople(w *wtx) error {
	dev := w.db.deviceID
	h, err := w.head(dev)
	if err != nil {
		return err
	}
	events := make([]any, 0, len(g.people)*eventCols)
	rows := make([]any, 0, len(g.people)*9)
	for _, p := range g.people {
		pp := PersonPayload{UID: p.uid, Name: p.name, Badge: p.badge, EmployeeNo: p.empNo, Username: p.username, Email: p.email,
			Department: p.dept, CostCentre: p.cc, LocationUID: g.locs[p.home].uid}
		body, err := json.Marshal(pp)
		if err != nil {
			return fmt.Errorf("encode person: %w", err)
		}
		e := Event{DeviceID: dev, Seq: h.seq + 1, Operator: w.operator, At: w.at, Type: EvPersonCreated, Subject: pp.UID, Payload: body, PrevHash: h.hash}
		e.Hash = HashEvent(e)
		h = chainHead{seq: e.Seq, hash: e.Hash}
		events = eventRow(events, e)
		loc, err := w.idOf("locations", pp.LocationUID)
		if err != nil {
			return err
		}
		rows = append(rows, pp.UID, pp.Name, nullable(pp.Badge), nullable(pp.EmployeeNo), nullable(pp.Username), nullable(pp.Email), pp.Department, pp.CostCentre, loc)
	}
	if _, err := w.insertRows(`INSERT INTO people(uid, name, badge, employee_no, username, email, department, cost_centre, location_id) VALUES `, "people", 9, rows); err != nil {
		return fmt.Errorf("demo people: %w", err)
	}
	if _, err := w.insertRows(insertEvents, "events", eventCols, events); err != nil {
		return fmt.Errorf("demo people: %w", err)
	}
	w.heads[dev] = h
	return nil
}

// uidIDs maps the uids of a table's rows to their ids.
func uidIDs(ctx context.Context, db *DB, table string) (map[string]int64, error) {
	rows, err := db.w.QueryContext(ctx, `SELECT uid, id FROM `+table)
	if err != nil {
		return nil, fmt.Errorf("demo: read %s: %w", table, err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var uid string
		var id int64
		if err := rows.Scan(&uid, &id); err != nil {
			return nil, fmt.Errorf("demo: read %s: %w", table, err)
		}
		m[uid] = id
	}
	return m, rows.Err()
}

// checkpointDemo folds the WAL back into the file after a batch: the
// background checkpointer cannot finish while batches follow each other,
// and a WAL that never restarts grows to several times the database (and
// every page read searches its index). A passive checkpoint that copies
// every frame is enough for the next transaction to start the log afresh;
// it does not wait for the search builder's reader, which holds an older
// snapshot for a few seconds (that batch's frames go at the next one).
func checkpointDemo(ctx context.Context, db *DB) error {
	if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		return fmt.Errorf("demo checkpoint: %w", err)
	}
	return nil
}

type demoDisposal struct {
	asset int32
	p     DisposePayload
	at    string
}

// fold applies an asset's event (its payload, as actEvent built it) to its
// state s, as apply would to its row.
func (f *demoFold) fold(s *demoState, act demoAct, payload any) error {
	loc := func(uid string) (int64, error) {
		if uid == "" {
			return 0, nil
		}
		id, ok := f.loc[uid]
		if !ok {
			return 0, notFound("no location with id %s", uid)
		}
		return id, nil
	}
	// The rules apply enforces, cheaply: the plan never breaks them, and a
	// change to the plan that did would fail here, not only in verify.
	if _, received := payload.(AssetRecord); !received && (s.id == 0 || s.status == StatusDisposed) {
		return invalid("demo: %T for an asset not received or disposed", payload)
	}
	var err error
	switch p := payload.(type) {
	case AssetRecord:
		*s = demoState{id: s.id, status: p.Status, created: act.at}
		s.loc, err = loc(p.LocationUID)
	case CheckOutPayload:
		if s.status != StatusInStock {
			return invalid("demo: check-out of %s, which is %s", p.Tag, s.status.Label())
		}
		s.status, s.custP, s.custL, s.custA = StatusDeployed, 0, 0, 0
		switch act.hk {
		case hkPerson:
			var ok bool
			if s.custP, ok = f.per[p.To]; !ok {
				return notFound("no person with id %s", p.To)
			}
		case hkLocation:
			s.custL, err = loc(p.To)
		case hkAsset:
			parent := &f.st[act.who]
			if parent.id == 0 || parent.status == StatusDisposed {
				return invalid("demo: %s installed in an asset not received or disposed", p.Tag)
			}
			s.custA = parent.id
		}
		if err != nil {
			return err
		}
		s.due, s.checkedOut = act.due, act.at
		if p.LocationUID != "" {
			s.loc, err = loc(p.LocationUID)
		}
	case CheckInPayload:
		if p.LocationUID == "" {
			return fmt.Errorf("demo: check-in of %s without a place", p.Tag)
		}
		if want, cerr := ConditionStatus(p.Condition); s.status != StatusDeployed || cerr != nil || want != p.Status {
			return invalid("demo: check-in of %s (%s, condition %q to %s)", p.Tag, s.status.Label(), p.Condition, p.Status)
		}
		s.status, s.custP, s.custL, s.custA, s.due, s.checkedOut = p.Status, 0, 0, 0, 0, 0
		s.loc, err = loc(p.LocationUID)
	case MovePayload:
		if p.LocationUID == "" {
			return fmt.Errorf("demo: move of %s without a place", p.Tag)
		}
		s.loc, err = loc(p.LocationUID)
	case StatusPayload:
		if p.From != s.status || p.To == StatusDeployed || p.To == StatusDisposed || (act.kind == actRetire && p.To != StatusRetired) {
			return invalid("demo: %s from %s to %s, but it is %s", p.Tag, p.From, p.To, s.status)
		}
		if err := CanTransition(s.status, p.To); err != nil {
			return err
		}
		s.status = p.To
	case DisposePayload:
		if err := CanTransition(s.status, StatusDisposed); err != nil {
			return err
		}
		s.status = StatusDisposed
	default:
		return fmt.Errorf("demo: no fold for %T", payload)
	}
	s.updated = act.at
	return err
}

// insertAssets writes the final rows of the assets in order (the order
// they arrived: the rows get the ids their state says).
func (g *demoGen) insertAssets(w *wtx, st []demoState, order []int32) error {
	args := make([]any, 0, len(order)*assetCols)
	ref := func(v int64) any {
		if v == 0 {
			return nil
		}
		return v
	}
	for _, ai := range order {
		s := &st[ai]
		p := g.record(ai, s.status)
		r := assetRow{rec: &p, status: s.status, person: ref(s.custP), place: ref(s.custL), custom: "{}",
			created: timestamp(time.Unix(s.created, 0)), updated: timestamp(time.Unix(s.updated, 0))}
		r.ids[1] = ref(s.loc) // where it is now; the others as received
		for _, t := range [...]struct {
			i          int
			table, uid string
		}{{0, "models", p.ModelUID}, {2, "locations", p.HomeLocationUID}, {3, "suppliers", p.SupplierUID}, {4, "purchase_orders", p.POUID}} {
			v, err := w.idOf(t.table, t.uid)
			if err != nil {
				return err
			}
			r.ids[t.i] = v
		}
		if len(p.Custom) > 0 {
			b, err := json.Marshal(p.Custom)
			if err != nil {
				return err
			}
			r.custom = string(b)
		}
		if s.custA != 0 && s.custA < s.id { // else set later, when the parent's row is in
			r.parent = s.custA
		}
		if s.due > 0 {
			r.due = time.Unix(int64(s.due)*day, 0).UTC().Format(dateLayout)
		}
		if s.checkedOut > 0 {
			r.checkedOut = timestamp(time.Unix(s.checkedOut, 0))
		}
		args = r.appendArgs(args)
	}
	first, err := w.insertRows(insertAssetRows, "assets", assetCols, args)
	if err != nil {
		return err
	}
	if len(order) > 0 && first != st[order[0]].id {
		return Errorf(EINTERNAL, "demo assets got ids from %d, expected %d", first, st[order[0]].id)
	}
	return nil
}
