package store

import "context"

// SetSegmentMergeRows sets segmentMergeRows for a test and returns what
// restores it.
func SetSegmentMergeRows(n int) func() {
	old := segmentMergeRows
	segmentMergeRows = n
	return func() { segmentMergeRows = old }
}

// SetSegmentCountParts sets how many parts a count on SQLite runs in, and
// the fewest ids of a part, for a test; it returns what restores them.
func SetSegmentCountParts(parts int, minPart int64) func() {
	oldParts, oldMin := segmentCountParts, segmentMinPart
	segmentCountParts, segmentMinPart = parts, minPart
	return func() { segmentCountParts, segmentMinPart = oldParts, oldMin }
}

// SegmentCountSQL is the query that counts segment id's members now, in
// the part of the ids past after and up to upTo (0, 0 for all).
func (db *DB) SegmentCountSQL(ctx context.Context, id, after, upTo int64) (string, []any, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return "", nil, err
	}
	s, err := findSegment(ctx, db.read, actor.WorkspaceID, id, "")
	if err != nil {
		return "", nil, err
	}
	return db.segmentCountSQL(ctx, db.read, s, db.now(), after, upTo)
}
