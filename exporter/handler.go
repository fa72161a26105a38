// Package exporter writes contact exports: CSV (RFC 4180, optional UTF-8
// BOM, formula cells neutralised), JSON Lines and XLSX. An export runs as a
// durable job (see package jobs): it reads its contacts from one consistent
// snapshot of the database and streams the file, as it is written, into the
// database's stored files through a pipe, so that neither the contacts nor
// the file are ever held in memory and any server can serve the download.
//
// A finished export's file expires after contactd.ExportRetention. The
// expiry is a job of its own, queued to run at expires_at, that deletes the
// file; a download after expires_at answers 410 and deletes the file itself
// if that job has not run yet (no runner, or a runner that is behind).
package exporter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
)

// Options tune exports.
type Options struct {
	// TempDir is where XLSX sheets spill beyond 16 MiB ("" = os.TempDir).
	TempDir string
	// ProgressEvery is how many rows pass between progress updates
	// (default 100,000; an update also goes out every 2 seconds). Each is a
	// commit that the rows wait for, so not many.
	ProgressEvery int64
	// AfterRow, when set, is called after each row is written with the
	// rows written so far (tests use it to change data mid-export).
	AfterRow func(written int64)
}

// Handler runs contact export jobs (contactd.JobKindExport).
type Handler struct {
	db   *store.DB
	log  *slog.Logger
	opts Options
}

// NewHandler returns the export job handler.
func NewHandler(db *store.DB, log *slog.Logger, opts Options) *Handler {
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 100_000
	}
	return &Handler{db: db, log: log, opts: opts}
}

// Run does the export of job, from the start: an export interrupted by a
// crash is simply written again (StartExport removes what it left).
func (h *Handler) Run(ctx context.Context, job *contactd.Job) error {
	exp, err := h.db.StartExport(ctx, job.RefID)
	if err != nil {
		return err
	}
	if exp.Status != contactd.JobRunning {
		return nil // already ended
	}
	ctx = contactd.WithActor(ctx, contactd.Actor{WorkspaceID: exp.WorkspaceID, KeyID: exp.CreatedByKey, Role: contactd.RoleWrite})
	err = h.db.ReadExport(ctx, exp, func(snap *store.ExportSnapshot) error {
		return h.write(ctx, exp, snap)
	})
	if errors.Is(err, store.ErrUploadRemoved) {
		// An erasure deleted the file being written and requeued the
		// export: run it again, from a snapshot without the person.
		return fmt.Errorf("export %d starts again: its file was removed by an erasure", exp.ID)
	}
	var final *contactd.Error
	if errors.As(err, &final) {
		// The export cannot work as asked (a segment it names was deleted
		// since): say so to the operator, and do not retry.
		if ferr := h.db.FailExport(ctx, exp.ID, final.Message); ferr != nil {
			return ferr
		}
	}
	return err
}

// write streams the snapshot's contacts into the export's stored file.
func (h *Handler) write(ctx context.Context, exp *contactd.ContactExport, snap *store.ExportSnapshot) error {
	// The count runs alongside the rows where the snapshot can (see
	// StartCount): before them, it kept the file waiting for as long as
	// PostgreSQL took to count a million contacts.
	count := &exportCount{c: snap.StartCount()}
	cols, err := resolveColumns(exp, snap.CustomFieldNames)
	if err != nil {
		return err
	}
	pipe := newChunkPipe()
	type result struct {
		file *store.StoredFile
		err  error
	}
	stored := make(chan result, 1)
	go func() {
		f, err := h.db.StoreExportFile(ctx, exp, pipe)
		// A writer the store stopped reading (after an error) must not block.
		pipe.CloseRead(cmp.Or(err, io.ErrClosedPipe))
		stored <- result{f, err}
	}()
	written, werr := h.writeRows(ctx, pipe, exp, cols, snap, count)
	pipe.CloseWrite(werr) // nil: the store reads to EOF
	res := <-stored
	if werr != nil {
		return werr
	}
	if res.err != nil {
		return res.err
	}
	total, err := count.wait()
	if err != nil {
		return err
	}
	if written != total {
		return fmt.Errorf("export %d: the snapshot counted %d contacts but gave %d", exp.ID, total, written)
	}
	return h.db.CompleteExport(ctx, exp.ID, res.file, written)
}

// exportCount is the snapshot's count, which may arrive while the rows are
// written.
type exportCount struct {
	c     <-chan store.ExportCount
	total int64
	known bool
	err   error
}

// arrived reports whether the count has just arrived.
func (c *exportCount) arrived() bool {
	if c.known {
		return false
	}
	select {
	case r := <-c.c:
		c.total, c.err, c.known = r.N, r.Err, true
		return true
	default:
		return false
	}
}

func (c *exportCount) wait() (int64, error) {
	if !c.known {
		r := <-c.c
		c.total, c.err, c.known = r.N, r.Err, true
	}
	return c.total, c.err
}

func (h *Handler) writeRows(ctx context.Context, w io.Writer, exp *contactd.ContactExport, cols []column, snap *store.ExportSnapshot, count *exportCount) (int64, error) {
	rw, err := newRowWriter(w, exp, cols, h.opts.TempDir)
	if err != nil {
		return 0, err
	}
	var written int64
	lastProgress := time.Now()
	progress := func() error {
		if count.err != nil {
			return count.err
		}
		lastProgress = time.Now()
		return h.db.SetExportProgress(ctx, exp.ID, count.total, written)
	}
	if count.arrived() {
		if err := progress(); err != nil {
			return 0, err
		}
	}
	// The lean read: only the fields the columns are made from, undecoded.
	err = snap.Rows(readFields(cols), func(r *store.ExportRow) error {
		if err := rw.Row(r); err != nil {
			return err
		}
		written++
		if h.opts.AfterRow != nil {
			h.opts.AfterRow(written)
		}
		due := written%h.opts.ProgressEvery == 0
		if written%256 == 0 && (count.arrived() || time.Since(lastProgress) > 2*time.Second) {
			due = true
		}
		if due && count.known { // "n of 0" would say the export is empty
			if err := progress(); err != nil {
				return err
			}
		}
		if written%256 == 0 {
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		rw.Abort()
		return written, err
	}
	return written, rw.Close()
}

// GiveUp marks the export failed after its job ran out of attempts.
func (h *Handler) GiveUp(ctx context.Context, job *contactd.Job, err error) {
	msg := "the export stopped on an internal error; the server log has details"
	var ce *contactd.Error
	if errors.As(err, &ce) {
		msg = ce.Message
	}
	if ferr := h.db.FailExport(ctx, job.RefID, msg); ferr != nil {
		h.log.Error("mark export failed", "export_id", job.RefID, "error", ferr)
	}
}

// ExpiryHandler deletes an export's file when it expires
// (contactd.JobKindExportExpiry, queued to run at the export's expires_at).
type ExpiryHandler struct {
	db  *store.DB
	log *slog.Logger
}

// NewExpiryHandler returns the handler of export expiry jobs.
func NewExpiryHandler(db *store.DB, log *slog.Logger) *ExpiryHandler {
	return &ExpiryHandler{db: db, log: log}
}

// Run deletes the export's file. A job that runs early (a clock running
// ahead of the database's) fails softly and is retried later.
func (h *ExpiryHandler) Run(ctx context.Context, job *contactd.Job) error {
	if err := h.db.ExpireExport(ctx, job.RefID); err != nil {
		if contactd.ErrorCode(err) == contactd.ENotFound {
			return nil
		}
		return err
	}
	exp, err := h.db.FindExportByID(ctx, job.RefID)
	if err != nil {
		return err
	}
	if exp.FileID != 0 {
		return fmt.Errorf("export %d does not expire until %s", exp.ID, exp.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// GiveUp logs an expiry that never managed to run; a download after
// expires_at still deletes the file.
func (h *ExpiryHandler) GiveUp(_ context.Context, job *contactd.Job, err error) {
	h.log.Error("export expiry failed", "export_id", job.RefID, "error", err)
}
