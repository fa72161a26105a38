package store

import "context"

// RegroupAll recomputes the duplicate groups of every live contact of the
// actor's workspace from their stored keys, as a walk from all of them:
// what the groups are from scratch, for tests to compare with what the
// writes left (workspaces under maxRegroupVisit contacts only).
func (db *DB) RegroupAll(ctx context.Context) error {
	return db.inTx(ctx, func(tx *Tx) error {
		seeds := map[int64]bool{}
		if err := tx.scanPairs(ctx, `SELECT id, 0 FROM contacts WHERE workspace_id = $1 AND status = 'active'`,
			[]any{tx.actor.WorkspaceID}, func(id, _ int64) { seeds[id] = true }); err != nil {
			return err
		}
		return tx.regroup(ctx, seeds, nil)
	})
}
