package store

import (
	"context"
	"fmt"

	"github.com/contactd/contactd"
)

// activeImportsSQL counts the workspace's imports that hold a place in the
// queue: queued ones and running ones.
const activeImportsSQL = `SELECT count(*) FROM contact_imports WHERE workspace_id = $1 AND status IN ('queued', 'running')`

// ActiveImports counts the workspace's imports queued or running. The API
// asks before it stores an upload, to refuse early; CreateImportWithin asks
// again where it counts.
func (db *DB) ActiveImports(ctx context.Context) (int, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	if err := db.read.QueryRowContext(ctx, activeImportsSQL, actor.WorkspaceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count active imports: %w", err)
	}
	return n, nil
}

// TooManyImports is the error for a workspace at its limit of max imports.
func TooManyImports(max int) error {
	return contactd.Errorf(contactd.ETooManyImports,
		"this workspace already has %d imports queued or running, the limit (CONTACTD_MAX_ACTIVE_IMPORTS); retry when one has finished (GET /api/v1/contact-imports)", max)
}

// checkActiveImports refuses a new import when the workspace has max or
// more queued or running. Two uploads finishing together must not both see
// max-1: SQLite has one writer at a time, so its transactions are already
// serial; on PostgreSQL the workspace's row is locked first (FOR NO KEY
// UPDATE, which does not block the foreign-key checks of other writes),
// making the count and the insert that follows atomic per workspace.
func (tx *Tx) checkActiveImports(ctx context.Context, max int) error {
	if max <= 0 {
		return nil
	}
	ws := tx.actor.WorkspaceID
	if tx.db.dialect.name() == Postgres {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM workspaces WHERE id = $1 FOR NO KEY UPDATE`, ws).Scan(&id); err != nil {
			return fmt.Errorf("lock workspace %d: %w", ws, err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, activeImportsSQL, ws).Scan(&n); err != nil {
		return fmt.Errorf("count active imports: %w", err)
	}
	if n >= max {
		return TooManyImports(max)
	}
	return nil
}
