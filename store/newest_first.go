package store

import (
	"context"
	"fmt"

	"github.com/contactd/contactd"
)

// findNewestFirst lists the rows of a job table (imports, exports, DNC
// imports) in the actor's workspace, newest first, by page number or by
// cursor (the cursor walks down the ids). columns and scan must agree;
// id reads a scanned row's id for the next cursor.
func findNewestFirst[T any](ctx context.Context, db *DB, table, columns string, p contactd.Page,
	scan func(scanner) (T, error), id func(T) int64) ([]T, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	if err := checkPage(p); err != nil {
		return nil, info, err
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE workspace_id = $1`, actor.WorkspaceID).Scan(&info.Total); err != nil {
		return nil, info, fmt.Errorf("count %s: %w", table, err)
	}
	w := &where{}
	w.add("workspace_id = $%d", actor.WorkspaceID)
	offset := p.Offset()
	if p.AfterID > 0 {
		w.add("id < $%d", p.AfterID)
		offset = 0
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s ORDER BY id DESC LIMIT %d OFFSET %d`,
		columns, table, w.sql(), p.PerPage+1, offset), w.args...)
	if err != nil {
		return nil, info, fmt.Errorf("find %s: %w", table, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, info, err
		}
		out = append(out, v)
	}
	if len(out) > p.PerPage {
		out = out[:p.PerPage]
		info.NextAfterID = id(out[len(out)-1])
	}
	return out, info, rows.Err()
}
