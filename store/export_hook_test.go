package store

import (
	"context"
	"fmt"

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
	from := sel.from
	if sel.pageFrom != "" {
		from = sel.pageFrom
	}
	n := sel.w.next()
	q := opaqueParams(fmt.Sprintf(`SELECT %[1]s FROM %[2]s WHERE %[3]s AND %[1]s > $%[4]d AND %[1]s <= $%[5]d ORDER BY %[1]s LIMIT $%[6]d`,
		sel.order, from, sel.w.sql(), n, n+1, n+2))
	args := append(append([]any{}, sel.w.args...), 0, 1000, 512)
	rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}
