package store

import (
	"context"

	"github.com/contactd/contactd"
)

// SetExportPageRows makes SQLite's packed export reads n contacts a page;
// it returns the undo.
func SetExportPageRows(n int) (restore func()) {
	old := sqlitePackRows
	sqlitePackRows = n
	return func() { sqlitePackRows = old }
}

// SetExportStripes makes export reads stripes of n keys to start with,
// and PostgreSQL's pages of pgRows rows; it returns the undo.
func SetExportStripes(n, pgRows int) (restore func()) {
	oldSQLite, oldPG, oldPage := sqliteStripeRows, pgStripeRows, pgPageRows
	sqliteStripeRows, pgStripeRows, pgPageRows = n, n, pgRows
	return func() { sqliteStripeRows, pgStripeRows, pgPageRows = oldSQLite, oldPG, oldPage }
}

// ExportPagePlan is SQLite's plan of one page of an export of f, as
// sqliteRows reads it (the selection's page form, a key range, in order).
func ExportPagePlan(ctx context.Context, db *DB, f contactd.ExportFilter) ([]string, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	sel, err := db.exportSelection(ctx, db.read, actor.WorkspaceID, f, db.now())
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + sel.order + sqlitePage(sel)
	args := append(append([]any{}, sel.w.args...), 0, 1000, 512)
	return QueryPlan(ctx, db.read, q, args...)
}
