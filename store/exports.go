package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/rules"
)

// maxExportBytes bounds one export file; a million contacts of every field
// are well under a gigabyte.
const maxExportBytes = 16 << 30

const maxExportFields = 200

const exportColumns = `id, workspace_id, status, format, fields, filters, bom, total_rows, processed_rows, size_bytes,
	file_id, filename, error, created_by_key, created_at, started_at, finished_at, expires_at`

// storedFilter reads the filters column: the rules go through rules.Parse,
// which knows their JSON form.
type storedFilter struct {
	contactd.ExportFilter
	Rules json.RawMessage `json:"rules,omitempty"`
}

func scanExport(row scanner) (*contactd.ContactExport, error) {
	var e contactd.ContactExport
	var fields, filters []byte
	var fileID, key sql.NullInt64
	var created, started, finished, expires scanTime
	err := row.Scan(&e.ID, &e.WorkspaceID, &e.Status, &e.Format, &fields, &filters, &e.BOM, &e.TotalRows, &e.ProcessedRows,
		&e.SizeBytes, &fileID, &e.Filename, &e.Error, &key, &created, &started, &finished, &expires)
	if err != nil {
		return nil, err
	}
	e.FileID, e.CreatedByKey = fileID.Int64, key.Int64
	e.CreatedAt, e.StartedAt, e.FinishedAt, e.ExpiresAt = created.T, started.ptr(), finished.ptr(), expires.ptr()
	if err := json.Unmarshal(fields, &e.Fields); err != nil {
		return nil, fmt.Errorf("export %d fields: %w", e.ID, err)
	}
	if e.Fields == nil {
		e.Fields = []string{}
	}
	var f storedFilter
	if err := json.Unmarshal(filters, &f); err != nil {
		return nil, fmt.Errorf("export %d filters: %w", e.ID, err)
	}
	e.Filters = f.ExportFilter
	if len(f.Rules) > 0 {
		r, err := rules.Parse(f.Rules, "filters.rules")
		if err != nil {
			return nil, fmt.Errorf("export %d rules: %w", e.ID, err)
		}
		e.Filters.Rules = r
	}
	return &e, nil
}

var exportFormats = map[string]string{contactd.ExportCSV: "csv", contactd.ExportJSONL: "jsonl", contactd.ExportXLSX: "xlsx"}

// checkExportInput validates everything about an export that needs no
// database, and cleans the filters in place.
func checkExportInput(in *contactd.ExportInput) error {
	var fe fieldErrors
	if in.Format == "" {
		in.Format = contactd.ExportCSV
	}
	if _, ok := exportFormats[in.Format]; !ok {
		fe.add("format", "unknown_format", "unknown format %q; formats are csv, jsonl and xlsx", truncate(in.Format, 40))
	}
	if in.BOM && in.Format != contactd.ExportCSV {
		fe.add("bom", "invalid", "a byte order mark applies to csv only")
	}
	if len(in.Fields) > maxExportFields {
		fe.add("fields", "too_many", "at most %d fields", maxExportFields)
	}
	known := map[string]bool{}
	for _, f := range contactd.ContactFields {
		known[f] = true
	}
	seen := map[string]bool{}
	for i, f := range in.Fields {
		field := fmt.Sprintf("fields[%d]", i)
		name, custom := strings.CutPrefix(f, "custom.")
		switch {
		case custom && !customKeyRE.MatchString(name):
			fe.add(field, "unknown_field", "custom field name %q must be 1-64 letters, digits, '_' or '-'", truncate(name, 70))
		case !custom && !known[f]:
			fe.add(field, "unknown_field", "unknown field %q; fields are %s and custom.<name>", truncate(f, 70), strings.Join(contactd.ContactFields, ", "))
		case seen[f]:
			fe.add(field, "duplicate_field", "%q is listed twice", f)
		}
		seen[f] = true
	}
	f := &in.Filters
	if f.Status != "" && !validStatus[f.Status] {
		fe.add("filters.status", "invalid", "status must be active, deleted, merged, erased or all")
	}
	f.Search = cleanText(&fe, "filters.search", f.Search, 200)
	if len(f.Tags) > maxTags {
		fe.add("filters.tags", "too_many", "at most %d tags", maxTags)
	}
	for i, t := range f.Tags {
		f.Tags[i] = cleanText(&fe, fmt.Sprintf("filters.tags[%d]", i), t, maxTagLen)
		if f.Tags[i] == "" {
			fe.add(fmt.Sprintf("filters.tags[%d]", i), "required", "a tag cannot be empty")
		}
	}
	if f.SegmentID < 0 {
		fe.add("filters.segment_id", contactd.EInvalidID, "must be a positive integer id")
	}
	if err := fe.err(); err != nil {
		return err
	}
	if f.Rules != nil {
		return rules.Check(f.Rules, "filters.rules")
	}
	return nil
}

// CreateExport checks in and queues the export job, in one transaction.
// Returns EInvalid for an unknown format or field or a bad filter,
// EInvalidRule naming the bad node of filters.rules, and ENotFound for a
// filters.segment_id that is not a segment of the workspace. Nothing is
// written when it fails.
func (db *DB) CreateExport(ctx context.Context, in contactd.ExportInput) (*contactd.ContactExport, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkExportInput(&in); err != nil {
		return nil, err
	}
	fields := in.Fields
	if fields == nil {
		fields = []string{}
	}
	var exp *contactd.ContactExport
	err = db.inTx(ctx, func(tx *Tx) error {
		// Building the selection checks the segment and the rules against
		// the workspace as it is now; the job builds it again when it runs.
		if _, err := db.exportSelection(ctx, tx, actor.WorkspaceID, in.Filters, tx.now); err != nil {
			return err
		}
		var key any
		if tx.actor.KeyID > 0 {
			key = tx.actor.KeyID
		}
		var id int64
		err := tx.QueryRowContext(ctx, `
			INSERT INTO contact_exports (workspace_id, status, format, fields, filters, bom, created_by_key, created_at)
			VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7) RETURNING id`,
			actor.WorkspaceID, in.Format, jsonArg(fields), jsonArg(in.Filters), in.BOM, key, timeArg(tx.now)).Scan(&id)
		if err != nil {
			return fmt.Errorf("create export: %w", err)
		}
		filename := fmt.Sprintf("contacts-export-%d.%s", id, exportFormats[in.Format])
		if _, err := tx.ExecContext(ctx, `UPDATE contact_exports SET filename = $1 WHERE workspace_id = $2 AND id = $3`, filename, actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("create export: %w", err)
		}
		if err := tx.enqueueJob(ctx, contactd.JobKindExport, id); err != nil {
			return err
		}
		if err := tx.audit(ctx, contactd.ActionExportCreated, 0, map[string]any{"export_id": id, "format": in.Format, "fields": fields}); err != nil {
			return err
		}
		exp, err = findExport(ctx, tx, actor.WorkspaceID, id, "")
		return err
	})
	return exp, err
}

func findExport(ctx context.Context, q queryer, ws, id int64, lock string) (*contactd.ContactExport, error) {
	e, err := scanExport(q.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM contact_exports WHERE workspace_id = $1 AND id = $2`+lock, ws, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "export %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find export: %w", err)
	}
	return e, nil
}

// FindExportByID returns ENotFound when the export is not the workspace's.
func (db *DB) FindExportByID(ctx context.Context, id int64) (*contactd.ContactExport, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	return findExport(ctx, db.read, actor.WorkspaceID, id, "")
}

// FindExports lists the workspace's exports, newest first.
func (db *DB) FindExports(ctx context.Context, p contactd.Page) ([]*contactd.ContactExport, contactd.PageInfo, error) {
	return findNewestFirst(ctx, db, "contact_exports", exportColumns, p, scanExport, func(v *contactd.ContactExport) int64 { return v.ID })
}

// exportSelection turns an export's filters into SQL on contacts c. Returns
// ENotFound for a segment_id that is not the workspace's and EInvalidRule
// for rules that name such a segment.
func (db *DB) exportSelection(ctx context.Context, q queryer, ws int64, f contactd.ExportFilter, now time.Time) (*selection, error) {
	w := &where{}
	w.add("c.workspace_id = $%d", ws)
	status := f.Status
	if status == "" {
		status = contactd.StatusActive
	}
	if status != "all" {
		w.add("c.status = $%d", status)
	}
	t := &ruleTarget{db: db, ctx: ctx, q: q, ws: ws, w: w, now: now, path: "filters.rules"}
	if f.SegmentID > 0 {
		if _, err := findSegment(ctx, q, ws, f.SegmentID, ""); err != nil {
			return nil, err
		}
		cond, err := t.InSegment(f.SegmentID, true)
		if err != nil {
			return nil, err
		}
		w.conds = append(w.conds, cond)
	}
	for _, tag := range f.Tags {
		w.conds = append(w.conds, t.HasTag([]string{strings.ToLower(strings.TrimSpace(tag))}, true))
	}
	if f.DNC != nil {
		w.add("c.dnc = $%d", *f.DNC)
	}
	if f.CreatedAfter != nil {
		w.add("c.created_at >= $%d", timeArg(*f.CreatedAfter))
	}
	if f.CreatedBefore != nil {
		w.add("c.created_at < $%d", timeArg(*f.CreatedBefore))
	}
	if f.Rules != nil {
		cond, err := rules.Compile(f.Rules, t)
		if err != nil {
			return nil, err
		}
		w.conds = append(w.conds, cond)
	}
	sel := &selection{from: plainFrom.from, order: plainFrom.order, w: w}
	if status == "all" && db.dialect.name() == SQLite {
		// With no status to narrow it, SQLite served a page's
		// "workspace_id = ? AND id in a range, ORDER BY id" from the
		// first index that starts with workspace_id, read every contact
		// of the workspace for it and sorted them: each page cost the
		// whole workspace (94,000 contacts: 1.4 s against 0.12 s for the
		// active ones). NOT INDEXED leaves it the rowid range, in order.
		sel.pageFrom = "contacts c NOT INDEXED"
	}
	if strings.TrimSpace(f.Search) != "" {
		var region string
		if err := q.QueryRowContext(ctx, `SELECT default_region FROM workspaces WHERE id = $1`, ws).Scan(&region); err != nil {
			return nil, fmt.Errorf("read workspace region: %w", err)
		}
		if terms := searchTerms(f.Search, region); len(terms) > 0 {
			// Every match is read, so the index form (the count's) serves.
			_, src := db.searchSource(terms, w.next())
			w.conds = append(w.conds, src.where)
			w.args = append(w.args, src.args...)
			sel.from, sel.order, sel.pageFrom = src.from, src.order, ""
		}
	}
	return sel, nil
}

// ExportSnapshot reads the contacts of one export from a single consistent
// snapshot of the database: a contact changed while the export runs
// appears once, as it was when the export began, and the count agrees with
// the rows.
//
// Besides its own transaction a snapshot may hold a second one in the same
// snapshot, on a connection of its own (aux): StartCount counts there
// while Rows reads, and Rows then reads there too, alongside. An export
// spends most of its time in the database's reading, which one connection
// does on one core: PostgreSQL's backend or, for SQLite, the engine inside
// the reading goroutine. With two, both cores read.
type ExportSnapshot struct {
	ctx     context.Context
	tx      *sql.Tx
	conn    *sql.Conn // tx's connection, for the rows on PostgreSQL (see pgRows)
	aux     *snapshotTx
	auxFree chan struct{} // closed when StartCount is done with aux (or was never called)
	counted bool          // StartCount was called
	sel     *selection
	pg      bool
	ws      int64
}

// snapshotTx is a read-only transaction on a connection of its own.
type snapshotTx struct {
	conn *sql.Conn
	tx   *sql.Tx
}

func (t *snapshotTx) close() {
	if t.tx != nil {
		t.tx.Rollback()
	}
	t.conn.Close()
}

// exportHelper lets one export at a time hold a second connection; others
// running meanwhile read on one, so that exports at once never take the
// pool that the API reads from (SQLite's has four). A server has one DB.
var exportHelper = make(chan struct{}, 1)

// ReadExport opens a snapshot of the export's contacts (read-only
// REPEATABLE READ transactions on PostgreSQL; read transactions on SQLite,
// whose WAL readers see the database as of their first read) and passes it
// to fn.
func (db *DB) ReadExport(ctx context.Context, exp *contactd.ContactExport, fn func(s *ExportSnapshot) error) error {
	n := 1
	select {
	case exportHelper <- struct{}{}:
		defer func() { <-exportHelper }()
		n = 2
	default:
	}
	txs, err := db.snapshotTxs(ctx, n)
	if err != nil {
		return fmt.Errorf("begin export snapshot: %w", err)
	}
	for _, t := range txs {
		defer t.close()
	}
	sel, err := db.exportSelection(ctx, txs[0].tx, exp.WorkspaceID, exp.Filters, db.now())
	if err != nil {
		return err
	}
	s := &ExportSnapshot{ctx: ctx, tx: txs[0].tx, conn: txs[0].conn, auxFree: make(chan struct{}), sel: sel,
		pg: db.dialect.name() == Postgres, ws: exp.WorkspaceID}
	if n > 1 {
		s.aux = txs[1]
	}
	return fn(s)
}

// snapshotTxs begins n read-only transactions that all see the same
// snapshot of the database.
func (db *DB) snapshotTxs(ctx context.Context, n int) (txs []*snapshotTx, err error) {
	defer func() {
		if err != nil {
			for _, t := range txs {
				t.close()
			}
		}
	}()
	// The connections are taken first, so that none is waited for while
	// SQLite's write lock is held below.
	for range n {
		conn, err := db.read.Conn(ctx)
		if err != nil {
			return txs, err
		}
		txs = append(txs, &snapshotTx{conn: conn})
	}
	begin := func(t *snapshotTx) (err error) {
		t.tx, err = t.conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		return err
	}
	if db.dialect.name() == Postgres {
		// The first transaction's snapshot is exported to the others.
		var id string
		for i, t := range txs {
			if err := begin(t); err != nil {
				return txs, err
			}
			if i == 0 && n > 1 {
				err = t.tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id)
			} else if i > 0 {
				_, err = t.tx.ExecContext(ctx, `SET TRANSACTION SNAPSHOT '`+strings.ReplaceAll(id, "'", "''")+`'`)
			}
			if err != nil {
				return txs, err
			}
			// An export's queries are big enough for PostgreSQL to compile
			// them (jit_above_cost), and the compiling, inlining and
			// optimising took longer than the query itself: 2.5 s of CPU for
			// the custom field names of a million contacts, which ran in less.
			if _, err := t.tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
				return txs, err
			}
		}
		return txs, nil
	}
	if n == 1 {
		return txs, begin(txs[0])
	}
	// SQLite cannot hand a snapshot to another connection (its snapshot API
	// is not built in). A read transaction sees the database as of its
	// first read, so the transactions make their first reads while the
	// write lock is held: no commit can fall between them.
	w, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return txs, err
	}
	defer w.Rollback()
	for _, t := range txs {
		if err := begin(t); err != nil {
			return txs, err
		}
		var one int
		if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'contacts'`).Scan(&one); err != nil {
			return txs, err
		}
	}
	return txs, nil
}

// Count counts the contacts of the snapshot.
func (s *ExportSnapshot) Count() (int64, error) {
	return s.count(s.tx)
}

func (s *ExportSnapshot) count(tx *sql.Tx) (int64, error) {
	var n int64
	err := tx.QueryRowContext(s.ctx, `SELECT count(*) FROM `+s.sel.from+` WHERE `+s.sel.w.sql(), s.sel.w.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count export: %w", err)
	}
	return n, nil
}

// ExportCount is the outcome of StartCount.
type ExportCount struct {
	N   int64
	Err error
}

// StartCount counts the contacts of the snapshot and delivers the count on
// the channel it returns: counted alongside Rows when the snapshot has a
// second connection (whose reading of rows waits for it), or else before
// it returns. Call it at most once, before Rows.
func (s *ExportSnapshot) StartCount() <-chan ExportCount {
	c := make(chan ExportCount, 1)
	s.counted = true
	if s.aux == nil {
		n, err := s.Count()
		c <- ExportCount{n, err}
		return c
	}
	go func() {
		defer close(s.auxFree)
		if s.pg {
			// Parallel workers would only take the cores that read the rows.
			if _, err := s.aux.tx.ExecContext(s.ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
				c <- ExportCount{Err: fmt.Errorf("count export: %w", err)}
				return
			}
		}
		n, err := s.count(s.aux.tx)
		c <- ExportCount{n, err}
	}()
	return c
}

// CustomFieldNames lists the custom field names the snapshot's contacts
// use, sorted, for the columns of a spreadsheet export.
func (s *ExportSnapshot) CustomFieldNames() ([]string, error) {
	keys := "json_each(c.custom_fields) k"
	col := "k.key"
	if s.pg {
		keys = "jsonb_object_keys(c.custom_fields) k(key)"
	}
	// Most workspaces have no custom fields at all: then an index of the
	// contacts that have some (contacts_with_custom, which the engine uses
	// for a query that says custom_fields <> '{}') answers at once, where
	// looking for names would read every contact.
	empty := `'{}'`
	if s.pg {
		empty = `'{}'::jsonb`
	}
	var some bool
	if err := s.tx.QueryRowContext(s.ctx, `SELECT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = $1 AND c.custom_fields <> `+empty+`)`,
		s.ws).Scan(&some); err != nil {
		return nil, fmt.Errorf("read custom field names: %w", err)
	}
	if !some {
		return []string{}, nil
	}
	rows, err := s.tx.QueryContext(s.ctx, `SELECT DISTINCT `+col+` FROM `+s.sel.from+`, `+keys+` WHERE `+s.sel.w.sql()+
		` AND c.custom_fields <> `+empty+` ORDER BY 1`, s.sel.w.args...)
	if err != nil {
		return nil, fmt.Errorf("read custom field names: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Each calls fn for every contact of the snapshot in id order, one row at a
// time. An error from fn stops the walk and is returned.
func (s *ExportSnapshot) Each(fn func(c *contactd.Contact) error) error {
	rows, err := s.tx.QueryContext(s.ctx, `SELECT `+contactColumns+` FROM `+s.sel.from+` WHERE `+s.sel.w.sql()+` ORDER BY `+s.sel.order, s.sel.w.args...)
	if err != nil {
		return fmt.Errorf("read export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return fmt.Errorf("read export: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportFileName is the stored file's name. The folder keeps it apart from
// uploads, whose names never hold a slash.
func exportFileName(exp *contactd.ContactExport) string {
	return fmt.Sprintf("exports/%d/%s", exp.ID, exp.Filename)
}

// StartExport marks an export running and returns it; a queued export and
// one resumed after a crash start over. It returns the export unchanged when
// it has already ended. The files an interrupted attempt left are removed.
func (db *DB) StartExport(ctx context.Context, id int64) (*contactd.ContactExport, error) {
	var exp *contactd.ContactExport
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		exp, err = findExport(ctx, tx, tx.actor.WorkspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		if exp.Status != contactd.JobQueued && exp.Status != contactd.JobRunning {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM file_chunks WHERE workspace_id = $1 AND file_id IN (SELECT id FROM files WHERE workspace_id = $1 AND name = $2)`,
			tx.actor.WorkspaceID, exportFileName(exp)); err != nil {
			return fmt.Errorf("remove partial export file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE workspace_id = $1 AND name = $2`, tx.actor.WorkspaceID, exportFileName(exp)); err != nil {
			return fmt.Errorf("remove partial export file: %w", err)
		}
		if exp.StartedAt == nil {
			now := tx.now
			exp.StartedAt = &now
		}
		exp.Status, exp.ProcessedRows, exp.TotalRows = contactd.JobRunning, 0, 0
		_, err = tx.ExecContext(ctx, `
			UPDATE contact_exports SET status = 'running', processed_rows = 0, total_rows = 0, started_at = $1
			WHERE workspace_id = $2 AND id = $3`, timeArg(*exp.StartedAt), tx.actor.WorkspaceID, id)
		return err
	})
	return exp, err
}

// SetExportProgress records how far a running export is.
func (db *DB) SetExportProgress(ctx context.Context, id, total, processed int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE contact_exports SET total_rows = $1, processed_rows = $2
			WHERE workspace_id = $3 AND id = $4 AND status = 'running'`, total, processed, tx.actor.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("export progress: %w", err)
		}
		return nil
	})
}

// StoreExportFile streams r into the database as the file of exp, in
// chunks, never holding it whole in memory.
func (db *DB) StoreExportFile(ctx context.Context, exp *contactd.ContactExport, r io.Reader) (*StoredFile, error) {
	return db.StoreFile(ctx, exportFileName(exp), r, maxExportBytes)
}

// CompleteExport marks a running export completed with its file, sets when
// the file expires, and schedules the job that deletes it then, in one
// transaction. Returns ErrLeaseLost when the export is no longer running
// (another worker finished it).
func (db *DB) CompleteExport(ctx context.Context, id int64, file *StoredFile, rows int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		expires := tx.now.Add(contactd.ExportRetention)
		res, err := tx.ExecContext(ctx, `
			UPDATE contact_exports SET status = 'completed', file_id = $1, size_bytes = $2, total_rows = $3, processed_rows = $3,
				finished_at = $4, expires_at = $5
			WHERE workspace_id = $6 AND id = $7 AND status = 'running'`,
			file.ID, file.Size, rows, timeArg(tx.now), timeArg(expires), tx.actor.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("complete export: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLeaseLost
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO jobs (workspace_id, kind, ref_id, status, run_after, created_at, updated_at)
			VALUES ($1, $2, $3, 'queued', $4, $5, $5)
			ON CONFLICT DO NOTHING`,
			tx.actor.WorkspaceID, contactd.JobKindExportExpiry, id, timeArg(expires), timeArg(tx.now)); err != nil {
			return fmt.Errorf("schedule export expiry: %w", err)
		}
		return tx.audit(ctx, contactd.ActionExportFinished, 0, map[string]any{"export_id": id, "status": contactd.JobCompleted, "rows": rows, "file_id": file.ID})
	})
}

// FailExport ends a queued or running export as failed with a message for
// the operator.
func (db *DB) FailExport(ctx context.Context, id int64, msg string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE contact_exports SET status = 'failed', error = $1, finished_at = $2
			WHERE workspace_id = $3 AND id = $4 AND status IN ('queued', 'running')`,
			truncate(msg, 2000), timeArg(tx.now), tx.actor.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("fail export: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.audit(ctx, contactd.ActionExportFinished, 0, map[string]any{"export_id": id, "status": contactd.JobFailed})
	})
}

// ExpireExport deletes the file of an export whose time has come; it does
// nothing for an export that has not expired or whose file is gone already.
// The export's record stays, with its counts.
func (db *DB) ExpireExport(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		exp, err := findExport(ctx, tx, tx.actor.WorkspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		if exp.FileID == 0 || !exp.Expired(tx.now) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE workspace_id = $1 AND file_id = $2`, tx.actor.WorkspaceID, exp.FileID); err != nil {
			return fmt.Errorf("delete export file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, exp.FileID); err != nil {
			return fmt.Errorf("delete export file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contact_exports SET file_id = NULL WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("expire export: %w", err)
		}
		return tx.audit(ctx, contactd.ActionExportExpired, 0, map[string]any{"export_id": id, "file_id": exp.FileID})
	})
}

// ExportDownload returns an export whose file can be read now (with
// CopyFile of its FileID). Returns ENotFound, EConflict while the export is
// not completed (or when it failed), and EExportExpired once its file has
// expired, deleting the file if the expiry job has not yet.
func (db *DB) ExportDownload(ctx context.Context, id int64) (*contactd.ContactExport, error) {
	exp, err := db.FindExportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case exp.Status == contactd.JobFailed:
		return nil, contactd.Errorf(contactd.EConflict, "export %d failed (%s); there is no file", id, exp.Error)
	case exp.Status != contactd.JobCompleted:
		return nil, contactd.Errorf(contactd.EConflict, "export %d is %s (%d of %d rows); download it once its status is completed", id, exp.Status, exp.ProcessedRows, exp.TotalRows)
	case exp.Expired(db.now()) || exp.FileID == 0:
		if err := db.ExpireExport(ctx, id); err != nil {
			return nil, err
		}
		when := ""
		if exp.ExpiresAt != nil {
			when = " at " + exp.ExpiresAt.Format(time.RFC3339)
		}
		return nil, contactd.Errorf(contactd.EExportExpired, "export %d expired%s and its file was deleted; export again", id, when)
	}
	return exp, nil
}
