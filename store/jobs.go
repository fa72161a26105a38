package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/contactd/contactd"
)

// ErrLeaseLost means another worker owns the job now: this one must stop.
var ErrLeaseLost = errors.New("job lease lost to another worker")

// enqueueJob schedules work in the same transaction that created its state,
// so a job exists exactly when its work does.
func (tx *Tx) enqueueJob(ctx context.Context, kind string, refID int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO jobs (workspace_id, kind, ref_id, status, run_after, created_at, updated_at)
		VALUES ($1, $2, $3, 'queued', $4, $4, $4)`,
		tx.actor.WorkspaceID, kind, refID, timeArg(tx.now))
	if err != nil {
		return fmt.Errorf("enqueue %s job: %w", kind, err)
	}
	return nil
}

// ClaimJob takes the oldest job that is due, or whose worker's lease has
// lapsed (a crashed or killed server), for owner until now+lease. It returns
// nil when there is nothing to do. This is the one query that looks across
// workspaces: the queue serves them all.
func (db *DB) ClaimJob(ctx context.Context, owner string, lease time.Duration) (*contactd.Job, error) {
	var job *contactd.Job
	err := db.inTx(ctx, func(tx *Tx) error {
		now := timeArg(tx.now)
		var j contactd.Job
		err := tx.QueryRowContext(ctx, `
			SELECT workspace_id, id FROM jobs
			WHERE (status = 'queued' AND run_after <= $1) OR (status = 'running' AND lease_until < $1)
			ORDER BY run_after, id LIMIT 1`+db.dialect.skipLocked(), now).Scan(&j.WorkspaceID, &j.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find due job: %w", err)
		}
		err = tx.QueryRowContext(ctx, `
			UPDATE jobs SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3
			WHERE workspace_id = $4 AND id = $5
			RETURNING kind, ref_id, attempts`,
			owner, timeArg(tx.now.Add(lease)), now, j.WorkspaceID, j.ID).Scan(&j.Kind, &j.RefID, &j.Attempts)
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		job = &j
		return nil
	})
	return job, err
}

// RenewLease extends owner's lease on job. Returns ErrLeaseLost when the job
// is no longer owner's.
func (db *DB) RenewLease(ctx context.Context, job *contactd.Job, owner string, lease time.Duration) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE jobs SET lease_until = $1, updated_at = $2
			WHERE workspace_id = $3 AND id = $4 AND lease_owner = $5 AND status = 'running'`,
			timeArg(tx.now.Add(lease)), timeArg(tx.now), job.WorkspaceID, job.ID, owner)
		if err != nil {
			return fmt.Errorf("renew lease: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLeaseLost
		}
		return nil
	})
}

// FinishJob marks owner's job done or failed for good.
func (db *DB) FinishJob(ctx context.Context, job *contactd.Job, owner string, failed bool, msg string) error {
	status := "done"
	if failed {
		status = "failed"
	}
	return db.setJob(ctx, job, owner, status, nil, msg)
}

// RetryJob puts owner's job back in the queue to run again after delay.
func (db *DB) RetryJob(ctx context.Context, job *contactd.Job, owner string, delay time.Duration, msg string) error {
	return db.setJob(ctx, job, owner, "queued", &delay, msg)
}

func (db *DB) setJob(ctx context.Context, job *contactd.Job, owner, status string, delay *time.Duration, msg string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		runAfter := tx.now
		if delay != nil {
			runAfter = runAfter.Add(*delay)
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE jobs SET status = $1, lease_owner = '', lease_until = NULL, run_after = $2, last_error = $3, updated_at = $4
			WHERE workspace_id = $5 AND id = $6 AND lease_owner = $7`,
			status, timeArg(runAfter), truncate(msg, 2000), timeArg(tx.now), job.WorkspaceID, job.ID, owner)
		if err != nil {
			return fmt.Errorf("update job: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLeaseLost
		}
		return nil
	})
}
