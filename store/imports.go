package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/contactd/contactd"
)

const importColumns = `id, workspace_id, status, file_id, filename, options, encoding, delimiter, headers, mapping,
	total_rows, processed_rows, created, updated, skipped, failed, warnings, error, created_at, started_at, finished_at, created_by_key`

func scanImport(row scanner) (*contactd.ContactImport, error) {
	var imp contactd.ContactImport
	var fileID, key sql.NullInt64
	var options, headers, mapping []byte
	var created, started, finished scanTime
	err := row.Scan(&imp.ID, &imp.WorkspaceID, &imp.Status, &fileID, &imp.Filename, &options, &imp.Encoding, &imp.Delimiter,
		&headers, &mapping, &imp.TotalRows, &imp.ProcessedRows, &imp.Created, &imp.Updated, &imp.Skipped, &imp.Failed,
		&imp.Warnings, &imp.Error, &created, &started, &finished, &key)
	if err != nil {
		return nil, err
	}
	imp.FileID, imp.CreatedByKey = fileID.Int64, key.Int64
	imp.CreatedAt, imp.StartedAt, imp.FinishedAt = created.T, started.ptr(), finished.ptr()
	if err := json.Unmarshal(options, &imp.Options); err != nil {
		return nil, fmt.Errorf("import %d options: %w", imp.ID, err)
	}
	if err := json.Unmarshal(headers, &imp.Headers); err != nil {
		return nil, fmt.Errorf("import %d headers: %w", imp.ID, err)
	}
	if err := json.Unmarshal(mapping, &imp.Mapping); err != nil {
		return nil, fmt.Errorf("import %d mapping: %w", imp.ID, err)
	}
	imp.Mode, imp.MatchOn = imp.Options.Mode, imp.Options.MatchOn
	if imp.Headers == nil {
		imp.Headers = []string{}
	}
	if len(imp.Mapping) == 0 {
		imp.Mapping = imp.Options.Mapping
	}
	return &imp, nil
}

// CreateImport records a queued import of the stored file fileID and
// schedules its job, in one transaction.
func (db *DB) CreateImport(ctx context.Context, fileID int64, filename string, opts contactd.ImportOptions) (*contactd.ContactImport, error) {
	return db.CreateImportWithin(ctx, 0, fileID, filename, opts)
}

// CreateImportWithin is CreateImport that refuses with ETooManyImports when
// the workspace already has max imports queued or running (max <= 0: no
// limit). The count and the insert share the transaction (see
// checkActiveImports), so racing uploads cannot both pass.
func (db *DB) CreateImportWithin(ctx context.Context, max int, fileID int64, filename string, opts contactd.ImportOptions) (*contactd.ContactImport, error) {
	var imp *contactd.ContactImport
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.checkActiveImports(ctx, max); err != nil {
			return err
		}
		var key any
		if tx.actor.KeyID > 0 {
			key = tx.actor.KeyID
		}
		var id int64
		err := tx.QueryRowContext(ctx, `
			INSERT INTO contact_imports (workspace_id, status, file_id, filename, options, mapping, created_by_key, created_at)
			VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7) RETURNING id`,
			tx.actor.WorkspaceID, fileID, filename, jsonArg(opts), jsonArg(opts.Mapping), key, timeArg(tx.now)).Scan(&id)
		if err != nil {
			return fmt.Errorf("create import: %w", err)
		}
		if err := tx.enqueueJob(ctx, contactd.JobKindImport, id); err != nil {
			return err
		}
		if err := tx.audit(ctx, contactd.ActionImportCreated, 0, map[string]any{"import_id": id, "file_id": fileID}); err != nil {
			return err
		}
		imp, err = scanImport(tx.QueryRowContext(ctx, `SELECT `+importColumns+` FROM contact_imports WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, id))
		return err
	})
	return imp, err
}

// FindImportByID returns ENotFound when the import is not in the workspace.
func (db *DB) FindImportByID(ctx context.Context, id int64) (*contactd.ContactImport, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	imp, err := scanImport(db.read.QueryRowContext(ctx, `SELECT `+importColumns+` FROM contact_imports WHERE workspace_id = $1 AND id = $2`, actor.WorkspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "import %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find import: %w", err)
	}
	return imp, nil
}

// FindImports lists the workspace's imports, newest first.
func (db *DB) FindImports(ctx context.Context, p contactd.Page) ([]*contactd.ContactImport, contactd.PageInfo, error) {
	return findNewestFirst(ctx, db, "contact_imports", importColumns, p, scanImport, func(v *contactd.ContactImport) int64 { return v.ID })
}

// CancelImport stops an import: a queued one at once, a running one at its
// next batch boundary (what was committed stays, and is counted). Returns
// EConflict for an import that has already ended.
func (db *DB) CancelImport(ctx context.Context, id int64) (*contactd.ContactImport, error) {
	var imp *contactd.ContactImport
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		imp, err = scanImport(tx.QueryRowContext(ctx, `SELECT `+importColumns+` FROM contact_imports WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(), tx.actor.WorkspaceID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return contactd.Errorf(contactd.ENotFound, "import %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("cancel import: %w", err)
		}
		switch imp.Status {
		case contactd.JobQueued:
			imp.Status = contactd.JobCancelled
			now := tx.now
			imp.FinishedAt = &now
			if _, err := tx.ExecContext(ctx, `UPDATE contact_imports SET status = 'cancelled', cancel_requested = $1, finished_at = $2 WHERE workspace_id = $3 AND id = $4`,
				true, timeArg(now), tx.actor.WorkspaceID, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'done', updated_at = $1 WHERE workspace_id = $2 AND kind = $3 AND ref_id = $4 AND status = 'queued'`,
				timeArg(now), tx.actor.WorkspaceID, contactd.JobKindImport, id); err != nil {
				return err
			}
		case contactd.JobRunning:
			if _, err := tx.ExecContext(ctx, `UPDATE contact_imports SET cancel_requested = $1 WHERE workspace_id = $2 AND id = $3`, true, tx.actor.WorkspaceID, id); err != nil {
				return err
			}
		default:
			return contactd.Errorf(contactd.EConflict, "import %d has already ended (%s)", id, imp.Status)
		}
		return tx.audit(ctx, contactd.ActionImportCancelled, 0, map[string]any{"import_id": id})
	})
	return imp, err
}

// StartImport records what sniffing the file found and marks the import
// running. A resumed import (after a crash) keeps its counts.
func (db *DB) StartImport(ctx context.Context, id int64, encoding, delimiter string, headers []string, mapping map[string]string, totalRows int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE contact_imports SET status = 'running', encoding = $1, delimiter = $2, headers = $3, mapping = $4,
				total_rows = $5, started_at = COALESCE(started_at, $6)
			WHERE workspace_id = $7 AND id = $8 AND status IN ('queued', 'running')`,
			encoding, delimiter, jsonArg(headers), jsonArg(mapping), totalRows, timeArg(tx.now), tx.actor.WorkspaceID, id)
		return err
	})
}

// FinishImport ends an import as completed, failed (with a message for the
// operator) or cancelled.
func (db *DB) FinishImport(ctx context.Context, id int64, status, msg string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE contact_imports SET status = $1, error = $2, finished_at = $3
			WHERE workspace_id = $4 AND id = $5 AND status IN ('queued', 'running')`,
			status, truncate(msg, 2000), timeArg(tx.now), tx.actor.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("finish import: %w", err)
		}
		return tx.audit(ctx, contactd.ActionImportFinished, 0, map[string]any{"import_id": id, "status": status})
	})
}

// ImportErrors calls fn for each failed row of an import, in row order.
func (db *DB) ImportErrors(ctx context.Context, id int64, fn func(contactd.ImportError) error) error {
	actor, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT row_number, error_field, error_code, error_message, raw FROM contact_import_errors
		WHERE workspace_id = $1 AND import_id = $2 ORDER BY row_number`, actor.WorkspaceID, id)
	if err != nil {
		return fmt.Errorf("read import errors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e contactd.ImportError
		var raw []byte
		if err := rows.Scan(&e.Line, &e.Field, &e.Code, &e.Message, &raw); err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &e.Raw); err != nil {
			return fmt.Errorf("import error raw: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
