package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/contactd/contactd"
)

// segmentWindow is how many of the workspace's first active contacts, in
// id order, a members page of a dynamic segment looks through to tell a
// big segment (more than MaxSearchCount members) from a small one.
const segmentWindow = 20000

// manyInWindow reports whether more than MaxSearchCount of the first
// segmentWindow active contacts are members of the dynamic segment s. It
// tests contacts one by one in id order and stops at the count it needs,
// so it costs the same at any size; counting the members as a set first
// read every contact with the segment's tag, which grows with the
// workspace (a list of 170,000 tagged contacts at a million contacts). A
// false answer says nothing: the caller counts the members as a set.
func (db *DB) manyInWindow(ctx context.Context, s *contactd.Segment, now time.Time) (bool, error) {
	sel, err := db.segmentPage(ctx, db.read, s, now, true, 0)
	if err != nil {
		return false, err
	}
	w := sel.w
	// A workspace with fewer contacts than the window is walked whole.
	w.add(fmt.Sprintf("c.id <= COALESCE((SELECT id FROM contacts WHERE workspace_id = $%%d AND status = $%%d ORDER BY id LIMIT 1 OFFSET %d), $%%d)", segmentWindow-1),
		s.WorkspaceID, contactd.StatusActive, int64(math.MaxInt64))
	var n int64
	q := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) t`, sel.from, w.sql(), contactd.MaxSearchCount+1)
	if err := db.read.QueryRowContext(ctx, q, w.args...).Scan(&n); err != nil {
		return false, fmt.Errorf("count segment %d members: %w", s.ID, err)
	}
	return n > contactd.MaxSearchCount, nil
}
