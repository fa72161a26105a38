package store

import (
	"context"
	"fmt"
)

// An export races an erasure in two ways: it may be writing its file from
// a snapshot taken before the erasure, or it may finish its file while the
// erasure scans the stored files (outside its transaction, to keep the
// write lock short) and so be missed by the scan. settleExports closes
// both, in the erasure's transaction.

// completeFileIDs lists the workspace's complete stored files: taken before
// the scan, it tells which files were complete when the scan began.
func (db *DB) completeFileIDs(ctx context.Context, ws int64) (map[int64]bool, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM files WHERE workspace_id = $1 AND complete = $2`, ws, true)
	if err != nil {
		return nil, fmt.Errorf("list stored files: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		seen[id] = true
	}
	return seen, rows.Err()
}

// settleExports sends the unfinished exports back to the queue (see
// requeueExports), then judges the files of exports that completed after
// seen was taken, and deletes those that hold the person.
func (tx *Tx) settleExports(ctx context.Context, p *person, seen map[int64]bool) error {
	if _, err := tx.requeueExports(ctx); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT f.id, f.name FROM contact_exports e JOIN files f ON f.workspace_id = e.workspace_id AND f.id = e.file_id
		WHERE e.workspace_id = $1 AND e.status = 'completed' AND f.complete = $2`, tx.actor.WorkspaceID, true)
	if err != nil {
		return fmt.Errorf("find export files: %w", err)
	}
	type file struct {
		id   int64
		name string
	}
	var late []file
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.id, &f.name); err != nil {
			rows.Close()
			return err
		}
		if !seen[f.id] {
			late = append(late, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range late {
		held, _, err := tx.db.scanFile(ctx, tx.actor.WorkspaceID, f.id, f.name, p, "")
		if err != nil {
			return err
		}
		if held {
			if err := tx.applyFileVerdicts(ctx, p, []fileVerdict{{id: f.id}}); err != nil {
				return err
			}
		}
	}
	return nil
}

// requeueExports sends the workspace's unfinished exports back to the
// queue. An export being written reads its contacts from a snapshot that
// may predate the erasure, and stores its file after the erasure judged the
// stored files: it would keep the erased person. Requeued, its worker's
// CompleteExport finds it no longer running and fails, the job runs again,
// and StartExport removes what the interrupted run stored and takes a
// snapshot without the person. Queued exports are updated too, for the row
// lock: on PostgreSQL a StartExport (or CompleteExport) racing the erasure
// waits for it to commit. Erasures are rare; an export started over costs
// only time.
func (tx *Tx) requeueExports(ctx context.Context) (int64, error) {
	res, err := tx.ExecContext(ctx, `
		UPDATE contact_exports SET status = 'queued', processed_rows = 0, total_rows = 0
		WHERE workspace_id = $1 AND status IN ('queued', 'running')`, tx.actor.WorkspaceID)
	if err != nil {
		return 0, fmt.Errorf("restart exports: %w", err)
	}
	return res.RowsAffected()
}
