// Package dncimport runs the durable jobs that load files of numbers into
// DNC lists: one number a line, a CSV with a number column, or the FTC's
// flat files (area code and number, comma-separated, one a line).
//
// A load into the internal list adds numbers to it. A load into a registry
// list builds the new extract beside the current one and swaps them when the
// file is done, so a check never sees a half-loaded registry and the
// internal list is never touched. Progress is committed with each batch, as
// for contact imports: a killed server resumes after the last batch.
package dncimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/phone"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/tabfile"
)

// Options tune DNC imports.
type Options struct {
	BatchSize int    // rows per transaction (default 5000)
	MaxRows   int64  // rows a file may hold (default 50,000,000: a national extract)
	TempDir   string // where a stored file is unpacked to be read ("" = os.TempDir)
	File      tabfile.Options
}

// Handler runs contactd.JobKindDNCImport jobs.
type Handler struct {
	db   *store.DB
	log  *slog.Logger
	opts Options
}

// NewHandler returns the job handler for DNC imports.
func NewHandler(db *store.DB, log *slog.Logger, opts Options) *Handler {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 5000
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = 50_000_000
	}
	return &Handler{db: db, log: log, opts: opts}
}

// Run does or resumes the load of job.
func (h *Handler) Run(ctx context.Context, job *contactd.Job) error {
	imp, err := h.db.FindDNCImportByID(ctx, job.RefID)
	if err != nil {
		return err
	}
	if imp.Status != contactd.JobQueued && imp.Status != contactd.JobRunning {
		return nil
	}
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
	defer rd.Close()
	lay, err := detect(rd.Info(), imp.Options.Column)
	if err != nil {
		return h.fail(ctx, imp, err)
	}
	total := imp.TotalRows
	if imp.Status == contactd.JobQueued || total == 0 {
		if total, err = h.countRows(f, lay); err != nil {
			return h.fail(ctx, imp, err)
		}
		if total > h.opts.MaxRows {
			return h.fail(ctx, imp, contactd.Errorf("too_many_rows", "the file has %d rows; the limit is %d", total, h.opts.MaxRows))
		}
	}
	if err := h.db.StartDNCImport(ctx, imp, total); err != nil {
		return err
	}
	imp.Status = contactd.JobRunning
	rows := newRowSource(rd, lay)
	processed := imp.ProcessedRows
	for skipped := int64(0); skipped < processed; skipped++ {
		if _, err := rows.next(); err != nil {
			return h.fail(ctx, imp, fmt.Errorf("the stored file has fewer rows than were already loaded: %w", err))
		}
	}
	batch := make([]contactd.DNCRow, 0, h.opts.BatchSize)
	for {
		batch = batch[:0]
		var readErr error
		for len(batch) < h.opts.BatchSize {
			r, err := rows.next()
			if err != nil {
				readErr = err
				break
			}
			batch = append(batch, r)
		}
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return h.fail(ctx, imp, readErr)
		}
		if len(batch) > 0 {
			if err := h.db.ApplyDNCBatch(ctx, imp, processed, batch); err != nil {
				return err // stale batch or outage: retried from the committed count
			}
			processed += int64(len(batch))
		}
		if readErr != nil {
			return h.db.FinishDNCImport(ctx, imp.ID, contactd.JobCompleted, "")
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// GiveUp marks the import failed after its job ran out of attempts; a
// registry list keeps its previous extract.
func (h *Handler) GiveUp(ctx context.Context, job *contactd.Job, err error) {
	if ferr := h.db.FinishDNCImport(ctx, job.RefID, contactd.JobFailed, publicMessage(err)); ferr != nil {
		h.log.Error("mark dnc import failed", "dnc_import_id", job.RefID, "error", ferr)
	}
}

func (h *Handler) fail(ctx context.Context, imp *contactd.DNCImport, err error) error {
	msg := publicMessage(err)
	if ferr := h.db.FinishDNCImport(ctx, imp.ID, contactd.JobFailed, msg); ferr != nil {
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
	return "the DNC import stopped on an internal error; the server log has details"
}

func (h *Handler) countRows(f *os.File, lay layout) (int64, error) {
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
	rows := newRowSource(rd, lay)
	var n int64
	for {
		if _, err := rows.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		n++
	}
}

// layout says where a file keeps its numbers.
type layout struct {
	headerIsData bool // no header: the first line is a number already
	col          int  // the number column
	areaCol      int  // the area code column of an FTC file, or -1
}

// numberHeaders are the header keys (tabfile.HeaderKey) of a number column.
var numberHeaders = map[string]bool{
	"phone": true, "phone number": true, "phonenumber": true, "number": true, "numbers": true, "telephone": true,
	"telephone number": true, "tel": true, "mobile": true, "mobile number": true, "msisdn": true, "e164": true,
	"phone e164": true, "cell": true, "cell phone": true, "contact number": true, "dnc number": true, "phone no": true,
	"dnc": true, "phone no.": true, "mobile no": true,
}

var areaHeaders = map[string]bool{"area code": true, "areacode": true, "area": true, "npa": true}

// Check gives the upload's early answer: can the file be read, and does it
// have a number column the job will find? It reads the header only. File
// problems come back as *contactd.Error with tabfile's codes (empty_file,
// binary_file, ...) or no_number_column.
func Check(f *os.File, column string, opts tabfile.Options) error {
	rd, err := tabfile.OpenFile(f, opts)
	var te *tabfile.Error
	if errors.As(err, &te) {
		return &contactd.Error{Code: te.Code, Message: te.Error()}
	}
	if err != nil {
		return err
	}
	defer rd.Close()
	_, err = detect(rd.Info(), column)
	return err
}

// detect finds the number column: the one named column (by header), or a
// header that names numbers, or, in a file without a header, the first
// column (an FTC file: area code, then number).
func detect(info tabfile.Info, column string) (layout, error) {
	lay := layout{areaCol: -1}
	if column != "" {
		want := tabfile.HeaderKey(column)
		for i, h := range info.Headers {
			if tabfile.HeaderKey(h) == want {
				lay.col = i
				return lay, nil
			}
		}
		return lay, contactd.Errorf("no_number_column", "the file has no column %q; its headers are: %s", truncate(column, 60), truncate(strings.Join(info.Headers, ", "), 300))
	}
	raw := info.RawHeaders
	if len(raw) > 0 && numberLike(raw[0]) {
		lay.headerIsData = true
		if len(raw) >= 2 && isDigits(raw[0], 3) && isDigits(raw[1], 7) {
			lay.areaCol, lay.col = 0, 1
		}
		return lay, nil
	}
	area := -1
	for i, h := range info.Headers {
		k := tabfile.HeaderKey(h)
		if areaHeaders[k] && area < 0 {
			area = i
		}
	}
	for i, h := range info.Headers {
		if numberHeaders[tabfile.HeaderKey(h)] {
			lay.col = i
			if area >= 0 && area != i {
				lay.areaCol = area
			}
			return lay, nil
		}
	}
	if len(info.Headers) == 1 {
		return lay, nil // one column under a title of its own
	}
	return lay, contactd.Errorf("no_number_column", "no column holds the numbers: name it phone or number, or send column=<header>; the headers are: %s", truncate(strings.Join(info.Headers, ", "), 300))
}

// numberLike reports a cell that is a phone number rather than a header.
func numberLike(s string) bool {
	s = strings.TrimSpace(phone.ASCIIDigits(s))
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == ' ' || r == '(' || r == ')' || r == '.' || r == '/':
		default:
			return false
		}
	}
	return digits >= 3
}

func isDigits(s string, n int) bool {
	s = strings.TrimSpace(s)
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// rowSource turns a file's rows (and its first line, when that is data)
// into DNC rows.
type rowSource struct {
	rd      *tabfile.Reader
	lay     layout
	pending bool
}

func newRowSource(rd *tabfile.Reader, lay layout) *rowSource {
	return &rowSource{rd: rd, lay: lay, pending: lay.headerIsData}
}

func (s *rowSource) next() (contactd.DNCRow, error) {
	if s.pending {
		s.pending = false
		info := s.rd.Info()
		return s.row(info.HeaderLine, append([]string{}, info.RawHeaders...)), nil
	}
	r, err := s.rd.Next()
	if err != nil {
		return contactd.DNCRow{}, err
	}
	return s.row(r.Line, append(r.Fields, r.Extra...)), nil
}

func (s *rowSource) row(line int, cells []string) contactd.DNCRow {
	out := contactd.DNCRow{Line: line, Raw: cells}
	if s.lay.col < len(cells) {
		out.Number = strings.TrimSpace(cells[s.lay.col])
	}
	if s.lay.areaCol >= 0 && s.lay.areaCol < len(cells) {
		area := strings.TrimSpace(cells[s.lay.areaCol])
		if area != "" && out.Number != "" && !strings.HasPrefix(out.Number, "+") {
			// FTC files: area code and the seven-digit number.
			out.Number, out.Region = area+out.Number, "US"
		}
	}
	return out
}
