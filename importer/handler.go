package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/mapping"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/tabfile"
)

// statisticsAfterRows is the size of import after which the planner's
// statistics are refreshed (see store.RefreshStatistics).
const statisticsAfterRows = 10000

// Options tune imports.
type Options struct {
	BatchSize int    // rows per transaction (default 2000)
	MaxRows   int64  // rows a file may hold (default 5,000,000)
	TempDir   string // where a stored file is unpacked to be read ("" = os.TempDir)
	File      tabfile.Options
	// AfterBatch, when set, is called after each committed batch with the
	// rows processed so far (tests use it to stop a run part-way).
	AfterBatch func(processed int64)
}

// Handler runs contact import jobs.
type Handler struct {
	db   *store.DB
	log  *slog.Logger
	opts Options
}

// NewHandler returns the job handler for contactd.JobKindImport.
func NewHandler(db *store.DB, log *slog.Logger, opts Options) *Handler {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 2000
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = 5_000_000
	}
	return &Handler{db: db, log: log, opts: opts}
}

// Run does or resumes the import of job. Progress is committed with each
// batch, so after a crash Run skips the rows already applied and goes on.
func (h *Handler) Run(ctx context.Context, job *contactd.Job) error {
	imp, err := h.db.FindImportByID(ctx, job.RefID)
	if err != nil {
		return err
	}
	if imp.Status != contactd.JobQueued && imp.Status != contactd.JobRunning {
		return nil // cancelled before it started, or already ended
	}
	// The import's changes are the uploading key's, for the audit log.
	ctx = contactd.WithActor(ctx, contactd.Actor{WorkspaceID: imp.WorkspaceID, KeyID: imp.CreatedByKey, Role: contactd.RoleWrite})
	f, err := h.db.UnpackFile(ctx, imp.FileID, h.opts.TempDir)
	if err != nil {
		return err
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	rd, err := tabfile.OpenFile(f, h.opts.File)
	if err != nil {
		return h.fail(ctx, imp, err)
	}
	defer rd.Close() // removes the temporary files of a large XLSX sheet
	info := rd.Info()
	m, err := resolveMapping(imp.Options, info.Headers)
	if err != nil {
		return h.fail(ctx, imp, err)
	}
	total := imp.TotalRows
	if imp.Status == contactd.JobQueued || total == 0 {
		if total, err = h.countRows(f); err != nil {
			return h.fail(ctx, imp, err)
		}
		if total > h.opts.MaxRows {
			return h.fail(ctx, imp, contactd.Errorf("too_many_rows", "the file has %d rows; the limit is %d: split it into smaller files", total, h.opts.MaxRows))
		}
	}
	if err := h.db.StartImport(ctx, imp.ID, info.Encoding, info.Delimiter, info.Headers, m, total); err != nil {
		return err
	}
	imp.Status = contactd.JobRunning
	p := compile(info.Headers, m)
	processed := imp.ProcessedRows
	for skipped := int64(0); skipped < processed; skipped++ {
		if _, err := rd.Next(); err != nil {
			return h.fail(ctx, imp, fmt.Errorf("the stored file has fewer rows than were already imported: %w", err))
		}
	}
	nextStatistics := max(int64(statisticsAfterRows), 2*processed)
	statsAt := int64(0) // rows imported when statistics were last refreshed
	batch := make([]contactd.ImportRow, 0, h.opts.BatchSize)
	for {
		batch = batch[:0]
		var readErr error
		for len(batch) < h.opts.BatchSize {
			r, err := rd.Next()
			if err != nil {
				readErr = err
				break
			}
			batch = append(batch, p.row(r))
		}
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return h.fail(ctx, imp, readErr)
		}
		if len(batch) > 0 {
			cancel, err := h.db.ApplyImportBatch(ctx, imp, processed, batch)
			if err != nil {
				return err // a stale batch or an outage: the job retries from the committed count
			}
			processed += int64(len(batch))
			if processed >= nextStatistics {
				// Again at 10k, 20k, 40k... rows: the tables grow under the
				// import, and plans made for the small table of its start
				// turn lookups into scans (PostgreSQL without autovacuum).
				h.refreshStatistics(ctx, imp.ID, processed-statsAt)
				nextStatistics, statsAt = 2*processed, processed
			}
			if h.opts.AfterBatch != nil {
				h.opts.AfterBatch(processed)
			}
			if cancel {
				return h.db.FinishImport(ctx, imp.ID, contactd.JobCancelled, "cancelled by the operator")
			}
		}
		if readErr != nil {
			if processed-statsAt >= statisticsAfterRows {
				h.refreshStatistics(ctx, imp.ID, processed-statsAt)
			}
			return h.db.FinishImport(ctx, imp.ID, contactd.JobCompleted, "")
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// refreshStatistics asks the database to refresh its planner statistics; a
// failure only costs speed, so it is logged, not returned.
func (h *Handler) refreshStatistics(ctx context.Context, importID, added int64) {
	if err := h.db.RefreshStatisticsAfter(ctx, added); err != nil {
		h.log.Warn("refresh statistics during import", "import_id", importID, "error", err)
	}
}

// GiveUp marks the import failed after its job ran out of attempts.
func (h *Handler) GiveUp(ctx context.Context, job *contactd.Job, err error) {
	if ferr := h.db.FinishImport(ctx, job.RefID, contactd.JobFailed, publicMessage(err)); ferr != nil {
		h.log.Error("mark import failed", "import_id", job.RefID, "error", ferr)
	}
}

// fail ends the import for a reason the operator can act on (a broken file,
// a mapping that does not fit) and tells the runner not to retry.
func (h *Handler) fail(ctx context.Context, imp *contactd.ContactImport, err error) error {
	msg := publicMessage(err)
	if ferr := h.db.FinishImport(ctx, imp.ID, contactd.JobFailed, msg); ferr != nil {
		return ferr
	}
	return contactd.Errorf(contactd.EInvalid, "%s", msg)
}

func publicMessage(err error) string {
	var te *tabfile.Error
	var ce *contactd.Error
	switch {
	case errors.As(err, &te):
		return te.Error()
	case errors.As(err, &ce):
		return ce.Message
	}
	return "the import stopped on an internal error; the server log has details"
}

// countRows reads the file once to know total_rows before the first batch,
// so that progress means something from the start.
func (h *Handler) countRows(f *os.File) (int64, error) {
	g, err := os.Open(f.Name())
	if err != nil {
		return 0, err
	}
	defer g.Close()
	rd, err := tabfile.OpenFile(g, h.opts.File)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	var n int64
	for {
		if _, err := rd.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		n++
	}
}

// resolveMapping uses the operator's mapping, or the suggested one, checked
// against the file's headers.
func resolveMapping(opts contactd.ImportOptions, headers []string) (map[string]string, error) {
	m := mapping.Mapping(opts.Mapping)
	suggested := len(m) == 0
	if suggested {
		m = mapping.Suggest(headers)
	}
	checked, err := mapping.Check(m, headers, opts.MatchOn)
	if err != nil {
		// A file with no phone column (an email-only Mailchimp list) still
		// imports under the suggested mapping: each row then fails with
		// phone_missing in the error report, which says what is missing
		// row by row. An explicit mapping without a phone is a mistake to
		// refuse at once.
		if suggested && contactd.ErrorCode(err) == mapping.ENoPhoneColumn {
			return m, nil
		}
		return nil, err
	}
	return checked, nil
}
