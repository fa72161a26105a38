package api

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/mapping"
)

// importForm is the multipart request of POST /contacts/import, with the
// file already spooled to a temporary file on disk (never into memory).
type importForm struct {
	file     *os.File
	filename string
	opts     contactd.ImportOptions
	dryRun   bool
}

func (s *Server) createImport(w http.ResponseWriter, r *http.Request) error {
	form, err := s.readImportForm(r)
	if form != nil && form.file != nil {
		defer func() {
			form.file.Close()
			os.Remove(form.file.Name())
		}()
	}
	if err != nil {
		return err
	}
	if form.dryRun {
		actor, _ := contactd.ActorFrom(r.Context())
		ws, err := s.store.FindWorkspaceByID(r.Context(), actor.WorkspaceID)
		if err != nil {
			return err
		}
		pv, err := importer.DryRun(form.file, form.opts, ws.DefaultRegion, s.opts.Import.File)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, pv)
		return nil
	}
	// Refuse at once what cannot work: a workspace at its limit of imports,
	// an unreadable file, a mapping that names headers the file lacks.
	if err := s.checkActiveImports(w, r); err != nil {
		return err
	}
	if _, _, err := importer.Sniff(form.file, form.opts, s.opts.Import.File); err != nil {
		return err
	}
	if _, err := form.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	stored, err := s.store.StoreFile(r.Context(), form.filename, form.file, s.opts.MaxUploadBytes)
	if err != nil {
		return err
	}
	imp, err := s.store.CreateImportWithin(r.Context(), s.opts.MaxActiveImports, stored.ID, form.filename, form.opts)
	if err != nil {
		_ = s.store.DeleteFile(context.WithoutCancel(r.Context()), stored.ID)
		if contactd.ErrorCode(err) == contactd.ETooManyImports {
			w.Header().Set("Retry-After", importRetryAfter)
		}
		return err
	}
	if s.opts.OnEnqueue != nil {
		s.opts.OnEnqueue()
	}
	w.Header().Set("Location", "/api/v1/contact-imports/"+strconv.FormatInt(imp.ID, 10))
	writeJSON(w, http.StatusAccepted, imp)
	return nil
}

func (s *Server) readImportForm(r *http.Request) (*importForm, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, contactd.Errorf(contactd.EUnsupportedMedia, "send the import as multipart/form-data with a file field (curl -F file=@contacts.csv)")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, contactd.Errorf(contactd.EBadRequest, "malformed multipart body: %v", err)
	}
	form := &importForm{opts: contactd.ImportOptions{Mode: contactd.ModeCreateOrUpdate, MatchOn: contactd.MatchOnPhone}}
	var mappingRaw, tags string
	fields := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return form, uploadError(err, s.opts.MaxUploadBytes)
		}
		name := part.FormName()
		if name == "file" {
			if form.file != nil {
				return form, contactd.Errorf(EFileCount, "send exactly one file; this request has more than one file field")
			}
			if form.file, err = spool(part, s.opts.TempDir, s.opts.MaxUploadBytes); err != nil {
				return form, uploadError(err, s.opts.MaxUploadBytes)
			}
			form.filename = safeFilename(part.FileName())
			continue
		}
		if fields[name] {
			return form, contactd.Errorf(contactd.EBadRequest, "the field %q appears twice", truncate(name, 40))
		}
		fields[name] = true
		b, err := io.ReadAll(io.LimitReader(part, 1<<20+1))
		if err != nil {
			return form, uploadError(err, s.opts.MaxUploadBytes)
		}
		if len(b) > 1<<20 {
			return form, contactd.Errorf(contactd.EBodyTooLarge, "the field %q is larger than 1 MiB", truncate(name, 40))
		}
		v := strings.TrimSpace(string(b))
		switch name {
		case "column_mapping":
			mappingRaw = v
		case "mode":
			form.opts.Mode = v
		case "match_on":
			form.opts.MatchOn = v
		case "default_region":
			form.opts.DefaultRegion = v
		case "segment_id":
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return form, contactd.Errorf(contactd.EInvalidID, "segment_id %q is not a positive integer id", truncate(v, 40))
			}
			form.opts.SegmentID = id
		case "tags":
			tags = v
		case "dry_run":
			form.dryRun, err = strconv.ParseBool(v)
			if err != nil {
				return form, contactd.ValidationError([]contactd.FieldError{{Field: "dry_run", Code: "invalid", Message: "must be true or false"}})
			}
		default:
			return form, &contactd.Error{Code: contactd.EUnknownField, Message: fmt.Sprintf("unknown form field %q; the import takes file, column_mapping, mode, match_on, default_region, segment_id, tags and dry_run", truncate(name, 40))}
		}
	}
	if form.file == nil {
		return form, contactd.Errorf(EFileMissing, "the request has no file field: send the contacts as multipart field \"file\"")
	}
	return form, s.checkImportOptions(r, form, mappingRaw, tags)
}

func (s *Server) checkImportOptions(r *http.Request, form *importForm, mappingRaw, tags string) error {
	var fe []contactd.FieldError
	switch form.opts.Mode {
	case contactd.ModeCreateOrUpdate, contactd.ModeCreateOnly, contactd.ModeUpdateOnly:
	default:
		fe = append(fe, contactd.FieldError{Field: "mode", Code: "invalid", Message: "mode must be create_or_update, create_only or update_only"})
	}
	switch form.opts.MatchOn {
	case contactd.MatchOnPhone, contactd.MatchOnEmail:
	case "phone":
		form.opts.MatchOn = contactd.MatchOnPhone
	default:
		fe = append(fe, contactd.FieldError{Field: "match_on", Code: "invalid", Message: "match_on must be phone_e164 or email"})
	}
	if form.opts.DefaultRegion != "" {
		if _, ok := validRegion(form.opts.DefaultRegion); !ok {
			fe = append(fe, contactd.FieldError{Field: "default_region", Code: "invalid_region", Message: "not an ISO 3166 region code such as IN, US or GB"})
		}
	}
	if tags != "" {
		for _, t := range strings.FieldsFunc(tags, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
			if t = strings.TrimSpace(t); t != "" {
				form.opts.Tags = append(form.opts.Tags, t)
			}
		}
	}
	if len(fe) > 0 {
		return contactd.ValidationError(fe)
	}
	if mappingRaw != "" {
		m, err := mapping.Parse(mappingRaw)
		if err != nil {
			return err
		}
		form.opts.Mapping = m
	}
	if form.opts.SegmentID > 0 {
		seg, err := s.store.FindSegmentByID(r.Context(), form.opts.SegmentID)
		if err != nil {
			return err // not_found, for another workspace's segment too
		}
		if seg.Type != contactd.SegmentStatic {
			return contactd.ValidationError([]contactd.FieldError{{Field: "segment_id", Code: "dynamic_segment",
				Message: fmt.Sprintf("segment %d is dynamic: its members follow its rules; import into a static segment", seg.ID)}})
		}
	}
	return nil
}

// spool streams an uploaded part to a temporary file, at most limit bytes.
// A failure of the server's own disk is a spoolError, which uploadError
// passes on as an internal error rather than blame the client.
func spool(part io.Reader, dir string, limit int64) (*os.File, error) {
	f, err := os.CreateTemp(dir, "contactd-upload-*")
	if err != nil {
		return nil, spoolError{err}
	}
	src := &readTracker{r: io.LimitReader(part, limit+1)}
	n, err := io.Copy(f, src)
	if err != nil && src.err == nil {
		err = spoolError{err}
	}
	if err == nil && n > limit {
		err = contactd.Errorf(contactd.EBodyTooLarge, "the file is larger than the limit of %d bytes (CONTACTD_MAX_IMPORT_BYTES)", limit)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// spoolError is a failure to write an upload to the server's disk.
type spoolError struct{ err error }

func (e spoolError) Error() string { return "spool upload: " + e.err.Error() }
func (e spoolError) Unwrap() error { return e.err }

// readTracker remembers whether reading failed, to tell the client's
// failures from the disk's in io.Copy's one error.
type readTracker struct {
	r   io.Reader
	err error
}

func (t *readTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

func uploadError(err error, limit int64) error {
	var ce *contactd.Error
	var tooLarge *http.MaxBytesError
	var disk spoolError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &disk):
		return err // the server's fault: logged, answered as an internal error
	case errors.As(err, &tooLarge):
		return contactd.Errorf(contactd.EBodyTooLarge, "the upload is larger than the limit of %d bytes", limit)
	}
	// The network's own message names the server's and the client's
	// sockets ("read tcp 10.0.0.5:8080->..."): it is logged, not sent.
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return contactd.Errorf(contactd.ETimeout, "the upload stalled: less than 64 KiB arrived in a minute, so the server stopped waiting; send the file again")
	}
	return contactd.Errorf(contactd.EBadRequest, "the upload broke off before its end (the connection closed or the multipart body is cut short); send the file again")
}

// safeFilename keeps only the base name of what the client called the file,
// for display: it never reaches the filesystem (files live in the database).
func safeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		name = "upload"
	}
	return truncate(name, 200)
}

func (s *Server) listImports(w http.ResponseWriter, r *http.Request) error {
	return servePage(w, r, s.store.FindImports)
}

func (s *Server) getImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	imp, err := s.store.FindImportByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, imp)
	return nil
}

func (s *Server) cancelImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	imp, err := s.store.CancelImport(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, imp)
	return nil
}

// importErrorReport streams the failed rows as CSV: the row's original cells
// under the file's headers, then row_number, error_field, error_code and
// error_message. Cells a spreadsheet would run as a formula are neutralised.
func (s *Server) importErrorReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	imp, err := s.store.FindImportByID(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%d-errors.csv"`, imp.ID))
	cw := csv.NewWriter(w)
	header := append(append([]string{}, imp.Headers...), "row_number", "error_field", "error_code", "error_message")
	if err := cw.Write(header); err != nil {
		return err
	}
	n := len(imp.Headers)
	err = s.store.ImportErrors(r.Context(), imp.ID, func(e contactd.ImportError) error {
		cells := make([]string, n, n+4)
		for i := 0; i < n && i < len(e.Raw); i++ {
			cells[i] = neutralise(e.Raw[i])
		}
		msg := e.Message
		if len(e.Raw) > n {
			msg += "; extra cells: " + strings.Join(e.Raw[n:], " | ")
		}
		cells = append(cells, strconv.Itoa(e.Line), e.Field, e.Code, neutralise(msg))
		return cw.Write(cells)
	})
	cw.Flush()
	if err != nil {
		// The header is out; all that is left is to log and cut the answer.
		s.log.ErrorContext(r.Context(), "error report", "import_id", imp.ID, "error", err)
	}
	return nil
}

// neutralise makes a cell that a spreadsheet would evaluate as a formula
// plain text. A leading apostrophe is what Excel itself uses, and the
// importer strips it from phone cells, so a fixed report can go back in.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
