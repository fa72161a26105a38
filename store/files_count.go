package store

import (
	"context"
	"fmt"
)

// CountFiles counts the workspace's stored files, complete or not: a
// refused upload must leave none behind.
func (db *DB) CountFiles(ctx context.Context) (int, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE workspace_id = $1`, actor.WorkspaceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count files: %w", err)
	}
	return n, nil
}
