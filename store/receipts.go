package store

// receiptRows collects new asset rows for multi-row INSERTs, logChunk to a
// statement: a third less per asset in pure-Go SQLite. Two kinds of rows:
//
//   - plain receipts (receivedAsset's short INSERT, receiptCols values),
//     collected by a pulled page's or a pushed batch's fast run (no
//     savepoints);
//   - whole rows (insertAssetRows, assetCols values, as assetRow gives
//     them), collected by an import, whose receipts carry every column and
//     may have their check-out folded in.
//
// The rows go in before any event that may read or change assets is
// applied (apply flushes first; catalogue, place and person events touch
// no asset), before the search index is rebuilt, at the end of the page,
// batch or import, and every 256 whole rows. A constraint the INSERT meets there (a tag already in use) cannot
// be pinned on one event, so it aborts the run with errNeedSavepoint: the
// page or batch runs again with a savepoint per event and without
// collecting, and the event that clashes is refused exactly as it would
// have been alone. (An import checks its tags before collecting them.)
type receiptRows struct {
	insert string // the INSERT up to VALUES
	cols   int
	args   []any
	n      int
}

const (
	insertReceipts = `INSERT INTO assets(uid, tag, serial, name, model_id, kind, status, location_id, home_location_id, created_at, updated_at) VALUES `
	receiptCols    = 11

	insertAssetRows = `INSERT INTO assets(uid, tag, serial, name, model_id, kind, status, location_id, home_location_id,
	custodian_person_id, custodian_location_id, custodian_asset_id, checked_out_at, due_date, cost_centre, supplier_id, po_id,
	order_number, purchase_date, purchase_cost, currency, warranty_end, eol_date, notes, custom, last_audit, next_audit, created_at, updated_at) VALUES `
	assetCols = 29
)

// plainReceipts collects plain receipts; wholeRows collects whole rows.
func plainReceipts() *receiptRows { return &receiptRows{insert: insertReceipts, cols: receiptCols} }
func wholeRows() *receiptRows     { return &receiptRows{insert: insertAssetRows, cols: assetCols} }

// collects says whether w collects rows of cols values.
func (w *wtx) collects(cols int) bool { return w.receipts != nil && w.receipts.cols == cols }

func (w *wtx) addReceipt(p AssetRecord, ids [5]any, at string) error {
	b := w.receipts
	b.args = append(b.args, p.UID, p.Tag, nullable(p.Serial), p.Name, ids[0], string(p.Kind), string(p.Status), ids[1], ids[2], at, at)
	b.n++
	return nil
}

// assetRow is an asset's whole row, as insertAssetRows takes it.
type assetRow struct {
	rec                   *AssetRecord
	ids                   [5]any // model, location, home, supplier, purchase order
	status                Status
	person, place, parent any // the custodian's id, or nil
	checkedOut, due       string
	custom                string // the custom fields' JSON
	created, updated      string
}

// appendArgs appends r's values, in insertAssetRows' order, to args.
func (r *assetRow) appendArgs(args []any) []any {
	p := r.rec
	return append(args, p.UID, p.Tag, nullable(p.Serial), p.Name, r.ids[0], string(p.Kind), string(r.status), r.ids[1], r.ids[2],
		r.person, r.place, r.parent, r.checkedOut, r.due, p.CostCentre, r.ids[3], r.ids[4],
		p.OrderNumber, p.PurchaseDate, p.PurchaseCost, p.Currency, p.WarrantyEnd, p.EOLDate, p.Notes, r.custom, p.LastAudit, p.NextAudit,
		r.created, r.updated)
}

// addRow collects a whole row (w collects them).
func (w *wtx) addRow(r *assetRow) error {
	b := w.receipts
	if b == nil || b.cols != assetCols {
		return Errorf(EINTERNAL, "asset rows collected without a collector")
	}
	b.args = r.appendArgs(b.args)
	b.n++
	if b.n == 4*logChunk { // a few statements' worth; no more in memory
		return w.flushReceipts()
	}
	return nil
}

// flushReceipts inserts the collected rows, if any.
func (w *wtx) flushReceipts() error {
	b := w.receipts
	if b == nil || b.n == 0 {
		return nil
	}
	first, err := w.insertRows(b.insert, "assets", b.cols, b.args)
	if isConstraint(err) && b.cols == assetCols {
		return Errorf(EINTERNAL, "new asset rows clashed with the register after their checks: %v", err)
	}
	if isConstraint(err) {
		return errNeedSavepoint
	}
	if err != nil {
		return err
	}
	for i := range b.n {
		w.markDirty(first+int64(i), true)
	}
	b.args, b.n = b.args[:0], 0
	return nil
}
