package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/phone"
)

const dncImportColumns = `id, workspace_id, list_id, status, file_id, filename, options, total_rows, processed_rows,
	added, duplicates, failed, error, created_by_key, created_at, started_at, finished_at`

func scanDNCImport(row scanner) (*contactd.DNCImport, error) {
	var imp contactd.DNCImport
	var fileID, key sql.NullInt64
	var options []byte
	var created, started, finished scanTime
	err := row.Scan(&imp.ID, &imp.WorkspaceID, &imp.ListID, &imp.Status, &fileID, &imp.Filename, &options, &imp.TotalRows,
		&imp.ProcessedRows, &imp.Added, &imp.Duplicates, &imp.Failed, &imp.Error, &key, &created, &started, &finished)
	if err != nil {
		return nil, err
	}
	imp.FileID, imp.CreatedByKey = fileID.Int64, key.Int64
	imp.CreatedAt, imp.StartedAt, imp.FinishedAt = created.T, started.ptr(), finished.ptr()
	if err := json.Unmarshal(options, &imp.Options); err != nil {
		return nil, fmt.Errorf("dnc import %d options: %w", imp.ID, err)
	}
	return &imp, nil
}

// CreateDNCImport records a queued load of the stored file fileID into a
// DNC list (the internal one by default) and schedules its job, in one
// transaction. Into the internal list numbers are added; a registry list is
// replaced whole once the load completes, so a check never sees it half
// loaded and the internal list is never touched. Returns EInvalid for bad
// options, ENotFound for an unknown list and EConflict while another load
// of the same registry list is queued or running.
func (db *DB) CreateDNCImport(ctx context.Context, fileID int64, filename string, opts contactd.DNCImportOptions) (*contactd.DNCImport, error) {
	var fe fieldErrors
	if opts.Channel == "" {
		opts.Channel = contactd.ChannelAll
	}
	if !dncChannels[opts.Channel] {
		fe.add("channel", "invalid", "channel must be voice, sms or all")
	}
	opts.Reason = cleanText(&fe, "reason", opts.Reason, 500)
	opts.Column = cleanText(&fe, "column", opts.Column, 200)
	if opts.DefaultRegion != "" {
		opts.DefaultRegion = cleanRegion(&fe, "default_region", opts.DefaultRegion)
	}
	if opts.ExpiresAt != nil && !opts.ExpiresAt.After(db.now()) {
		fe.add("expires_at", "invalid", "expires_at is in the past")
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	var imp *contactd.DNCImport
	err := db.inTx(ctx, func(tx *Tx) error {
		l, err := tx.dncListByName(ctx, opts.List)
		if err != nil {
			return err
		}
		opts.List = l.Name
		opts.Source = contactd.DNCSourceImport
		if l.Kind == contactd.DNCListRegistry {
			opts.Source = contactd.DNCSourceRegistry
			// Two loads of one registry would each take the other's rows
			// for an old extract.
			var busy int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM dnc_imports WHERE workspace_id = $1 AND list_id = $2 AND status IN ('queued', 'running')`,
				tx.actor.WorkspaceID, l.ID).Scan(&busy); err != nil {
				return fmt.Errorf("find loads of dnc list: %w", err)
			}
			if busy > 0 {
				return contactd.Errorf(contactd.EConflict, "DNC list %q is being loaded already; wait for that load to end", l.Name)
			}
		}
		var key any
		if tx.actor.KeyID > 0 {
			key = tx.actor.KeyID
		}
		var id int64
		err = tx.QueryRowContext(ctx, `
			INSERT INTO dnc_imports (workspace_id, list_id, status, file_id, filename, options, created_by_key, created_at)
			VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7) RETURNING id`,
			tx.actor.WorkspaceID, l.ID, fileID, filename, jsonArg(opts), key, timeArg(tx.now)).Scan(&id)
		if err != nil {
			return fmt.Errorf("create dnc import: %w", err)
		}
		if err := tx.enqueueJob(ctx, contactd.JobKindDNCImport, id); err != nil {
			return err
		}
		if err := tx.audit(ctx, contactd.ActionDNCImportCreated, 0, map[string]any{"dnc_import_id": id, "list_id": l.ID, "file_id": fileID}); err != nil {
			return err
		}
		imp, err = scanDNCImport(tx.QueryRowContext(ctx, `SELECT `+dncImportColumns+` FROM dnc_imports WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, id))
		return err
	})
	return imp, err
}

// FindDNCImportByID returns ENotFound when the import is not in the workspace.
func (db *DB) FindDNCImportByID(ctx context.Context, id int64) (*contactd.DNCImport, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	imp, err := scanDNCImport(db.read.QueryRowContext(ctx, `SELECT `+dncImportColumns+` FROM dnc_imports WHERE workspace_id = $1 AND id = $2`, actor.WorkspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "DNC import %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find dnc import: %w", err)
	}
	return imp, nil
}

// FindDNCImports lists the workspace's DNC imports, newest first.
func (db *DB) FindDNCImports(ctx context.Context, p contactd.Page) ([]*contactd.DNCImport, contactd.PageInfo, error) {
	return findNewestFirst(ctx, db, "dnc_imports", dncImportColumns, p, scanDNCImport, func(v *contactd.DNCImport) int64 { return v.ID })
}

// StartDNCImport marks an import running with its row count. A resumed
// import keeps its counts. Leftovers of earlier loads of the list (an
// interrupted clean-up) are removed first.
func (db *DB) StartDNCImport(ctx context.Context, imp *contactd.DNCImport, totalRows int64) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE dnc_imports SET status = 'running', total_rows = $1, started_at = COALESCE(started_at, $2)
			WHERE workspace_id = $3 AND id = $4 AND status IN ('queued', 'running')`,
			totalRows, timeArg(tx.now), tx.actor.WorkspaceID, imp.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("start dnc import: %w", err)
	}
	return db.dropOldGenerations(ctx, imp.ListID, imp.ID)
}

// dnc import rows go in statements of this many rows (14 columns each).
const dncInsertChunk = 500

// ApplyDNCBatch adds the next rows of an import (after the processedBefore
// already applied) in one transaction with the import's progress, so that a
// crash keeps all of a batch or none and a resumed import never applies a
// row twice (ErrStaleBatch then). Numbers are normalized like contact
// phones; one that is not a number fails its row into the error report.
func (db *DB) ApplyDNCBatch(ctx context.Context, imp *contactd.DNCImport, processedBefore int64, rows []contactd.DNCRow) error {
	actor, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return err
	}
	numbers := make([]string, len(rows))
	failed := make([]*contactd.ImportError, len(rows))
	buildParallel(len(rows), func(i int) {
		r := rows[i]
		region := r.Region
		if region == "" {
			region = imp.Options.DefaultRegion
		}
		if region == "" {
			region = ws.DefaultRegion
		}
		if strings.TrimSpace(r.Number) == "" {
			failed[i] = &contactd.ImportError{Line: r.Line, Raw: r.Raw, Field: "number", Code: "empty", Message: "the row has no number"}
			return
		}
		n, err := phone.Normalize(r.Number, region)
		if err != nil {
			msg := "not a phone number"
			var pe *phone.Error
			if errors.As(err, &pe) {
				msg = pe.Message
			}
			failed[i] = &contactd.ImportError{Line: r.Line, Raw: r.Raw, Field: "number", Code: contactd.EInvalidPhone, Message: msg}
			return
		}
		numbers[i] = n.E164
	})
	var failures []*contactd.ImportError
	for _, f := range failed {
		if f != nil {
			failures = append(failures, f)
		}
	}
	return db.inTx(ctx, func(tx *Tx) error {
		var processed int64
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT processed_rows, status FROM dnc_imports WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(),
			tx.actor.WorkspaceID, imp.ID).Scan(&processed, &status); err != nil {
			return fmt.Errorf("lock dnc import: %w", err)
		}
		if processed != processedBefore || status != contactd.JobRunning {
			return ErrStaleBatch
		}
		var kind string
		if err := tx.QueryRowContext(ctx, `SELECT kind FROM dnc_lists WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, imp.ListID).Scan(&kind); err != nil {
			return fmt.Errorf("find dnc list of import: %w", err)
		}
		generation := int64(0)
		if kind == contactd.DNCListRegistry {
			generation = imp.ID
		}
		seen := map[string]bool{}
		var unique []string
		for _, n := range numbers {
			if n != "" && !seen[n] {
				seen[n] = true
				unique = append(unique, n)
			}
		}
		// An erased person's number is suppressed by its hash already; the
		// list must not hold it in clear again. It counts as a duplicate.
		if unique, err = withoutErased(ctx, tx, tx.actor.WorkspaceID, unique); err != nil {
			return err
		}
		var added int64
		for start := 0; start < len(unique); start += dncInsertChunk {
			n, err := tx.insertDNCNumbers(ctx, imp, generation, unique[start:min(start+dncInsertChunk, len(unique))])
			if err != nil {
				return err
			}
			added += n
		}
		if err := tx.insertDNCImportErrors(ctx, imp.ID, failures); err != nil {
			return err
		}
		valid := int64(len(rows) - len(failures))
		_, err := tx.ExecContext(ctx, `
			UPDATE dnc_imports SET processed_rows = processed_rows + $1, added = added + $2, duplicates = duplicates + $3, failed = failed + $4
			WHERE workspace_id = $5 AND id = $6`,
			len(rows), added, valid-added, len(failures), tx.actor.WorkspaceID, imp.ID)
		if err != nil {
			return fmt.Errorf("record dnc import progress: %w", err)
		}
		return nil
	})
}

// insertDNCNumbers adds numbers to the import's list and generation and
// returns how many were new or had their expiry lengthened; repeats of
// what the list holds change nothing.
func (tx *Tx) insertDNCNumbers(ctx context.Context, imp *contactd.DNCImport, generation int64, numbers []string) (int64, error) {
	const cols = 13
	args := make([]any, 0, len(numbers)*cols)
	values := make([]string, 0, len(numbers))
	var key any
	if imp.CreatedByKey > 0 {
		key = imp.CreatedByKey
	}
	o := imp.Options
	for _, n := range numbers {
		values = append(values, placeholders(len(args)+1, cols))
		args = append(args, tx.actor.WorkspaceID, imp.ListID, generation, n, false, o.Channel, o.Reason, o.Source,
			nullTimeArg(o.ExpiresAt), imp.ID, key, timeArg(tx.now), "")
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO dnc_entries (workspace_id, list_id, generation, number, is_prefix, channel, reason, source,
			expires_at, import_id, created_by_key, created_at, call_id)
		VALUES `+strings.Join(values, ", ")+`
		ON CONFLICT (workspace_id, list_id, generation, number, is_prefix, channel) DO UPDATE SET expires_at = excluded.expires_at
		WHERE dnc_entries.expires_at IS NOT NULL AND (excluded.expires_at IS NULL OR excluded.expires_at > dnc_entries.expires_at)`, args...)
	if err != nil {
		return 0, fmt.Errorf("add dnc numbers: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("add dnc numbers: %w", err)
	}
	return n, nil
}

func (tx *Tx) insertDNCImportErrors(ctx context.Context, importID int64, failures []*contactd.ImportError) error {
	for start := 0; start < len(failures); start += bulkChunk {
		chunk := failures[start:min(start+bulkChunk, len(failures))]
		var args []any
		values := make([]string, len(chunk))
		for i, f := range chunk {
			raw := f.Raw
			if raw == nil {
				raw = []string{}
			}
			values[i] = placeholders(len(args)+1, 6)
			args = append(args, tx.actor.WorkspaceID, importID, f.Line, f.Code, truncate(f.Message, 500), jsonArg(raw))
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO dnc_import_errors (workspace_id, import_id, row_number, error_code, error_message, raw)
			VALUES `+strings.Join(values, ", "), args...); err != nil {
			return fmt.Errorf("record dnc import errors: %w", err)
		}
	}
	return nil
}

// FinishDNCImport ends an import as completed or failed and deletes its
// stored file. A completed load of a registry list becomes the list's
// current extract in the same transaction (refreshed_at = now), and the
// previous extract is removed after it; a failed one leaves the list as it
// was.
func (db *DB) FinishDNCImport(ctx context.Context, id int64, status, msg string) error {
	var imp *contactd.DNCImport
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		imp, err = scanDNCImport(tx.QueryRowContext(ctx, `SELECT `+dncImportColumns+` FROM dnc_imports WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(),
			tx.actor.WorkspaceID, id))
		if err != nil {
			return fmt.Errorf("finish dnc import: %w", err)
		}
		if imp.Status != contactd.JobQueued && imp.Status != contactd.JobRunning {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dnc_imports SET status = $1, error = $2, finished_at = $3 WHERE workspace_id = $4 AND id = $5`,
			status, truncate(msg, 2000), timeArg(tx.now), tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("finish dnc import: %w", err)
		}
		// The upload served the job only: the entries and the error report
		// are what is kept. National extracts are big, and a file is a copy
		// of numbers that erasure would have to find again.
		if imp.FileID > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE dnc_imports SET file_id = NULL WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, id); err != nil {
				return fmt.Errorf("finish dnc import: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE workspace_id = $1 AND file_id = $2`, tx.actor.WorkspaceID, imp.FileID); err != nil {
				return fmt.Errorf("delete dnc file: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, imp.FileID); err != nil {
				return fmt.Errorf("delete dnc file: %w", err)
			}
		}
		if status == contactd.JobCompleted {
			if _, err := tx.ExecContext(ctx, `
				UPDATE dnc_lists SET generation = $1, refreshed_at = $2
				WHERE workspace_id = $3 AND id = $4 AND kind = $5`,
				id, timeArg(tx.now), tx.actor.WorkspaceID, imp.ListID, contactd.DNCListRegistry); err != nil {
				return fmt.Errorf("switch registry list: %w", err)
			}
		}
		return tx.audit(ctx, contactd.ActionDNCImportEnded, 0, map[string]any{"dnc_import_id": id, "list_id": imp.ListID, "status": status})
	})
	if err != nil {
		return err
	}
	return db.dropOldGenerations(ctx, imp.ListID, 0)
}

// dropOldGenerations deletes the entries of a registry list that no longer
// count (earlier extracts, failed loads), a few thousand per transaction so
// that a ten-million-number extract never holds the write lock for long.
// keep names a load in progress whose rows must stay.
func (db *DB) dropOldGenerations(ctx context.Context, listID, keep int64) error {
	actor, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	for {
		var n int64
		err := db.inTx(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx, `
				DELETE FROM dnc_entries WHERE workspace_id = $1 AND id IN (
					SELECT e.id FROM dnc_entries e JOIN dnc_lists l ON l.workspace_id = e.workspace_id AND l.id = e.list_id
					WHERE e.workspace_id = $1 AND e.list_id = $2 AND l.kind = $3 AND e.generation <> l.generation AND e.generation <> $4
					LIMIT 5000)`,
				actor.WorkspaceID, listID, contactd.DNCListRegistry, keep)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return fmt.Errorf("drop old dnc extract: %w", err)
		}
		if n == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// DNCImportErrors calls fn for each failed row of a DNC import, in row order.
func (db *DB) DNCImportErrors(ctx context.Context, id int64, fn func(contactd.ImportError) error) error {
	actor, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT row_number, error_code, error_message, raw FROM dnc_import_errors
		WHERE workspace_id = $1 AND import_id = $2 ORDER BY row_number`, actor.WorkspaceID, id)
	if err != nil {
		return fmt.Errorf("read dnc import errors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e contactd.ImportError
		var raw []byte
		if err := rows.Scan(&e.Line, &e.Code, &e.Message, &raw); err != nil {
			return err
		}
		e.Field = "number"
		if err := json.Unmarshal(raw, &e.Raw); err != nil {
			return fmt.Errorf("dnc import error raw: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
