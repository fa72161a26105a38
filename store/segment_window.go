package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/contactd/contactd"
)

// segmentWindow is how many of the workspace's first active contacts, in
// id order, a members page of a dynamic segment looks through to tell a
// big segment (more than MaxListCount members) from a small one. Tests
// make it smaller.
var segmentWindow = 20000

// manyInWindow reports whether more than MaxListCount of the first
// segmentWindow active contacts are members of the dynamic segment s. It
// tests contacts one by one in id order, its membership tests bounded to
// the window, and stops at the count it needs, so it costs the same at any
// size; counting the members as a set, SQLite first lists every contact
// with the segment's tag, which grows with the workspace (170,000 tagged
// contacts at a million). A false answer says nothing: the caller counts
// the members as a set.
func (db *DB) manyInWindow(ctx context.Context, s *contactd.Segment, now time.Time) (bool, error) {
	var upTo int64
	err := db.read.QueryRowContext(ctx, fmt.Sprintf(`SELECT id FROM contacts WHERE workspace_id = $1 AND status = $2 ORDER BY id LIMIT 1 OFFSET %d`, segmentWindow-1),
		s.WorkspaceID, contactd.StatusActive).Scan(&upTo)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("count segment %d members: %w", s.ID, err)
	}
	// A workspace smaller than the window (no row) is walked whole.
	sel, err := db.segmentPage(ctx, db.read, s, now, true, 0, upTo)
	if err != nil {
		return false, err
	}
	if upTo > 0 {
		sel.w.add("c.id <= $%d", upTo)
	}
	var n int64
	q := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) t`, sel.from, sel.w.sql(), contactd.MaxListCount+1)
	if err := db.read.QueryRowContext(ctx, q, sel.w.args...).Scan(&n); err != nil {
		return false, fmt.Errorf("count segment %d members: %w", s.ID, err)
	}
	return n > contactd.MaxListCount, nil
}
