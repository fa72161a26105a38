package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/exporter"
)

func init() {
	routeSets = append(routeSets, (*Server).exportRoutes)
	schemaSets = append(schemaSets, exportSchemas)
	statusOf[contactd.EExportExpired] = http.StatusGone
}

func (s *Server) exportRoutes() []route {
	return []route{
		{"POST", "/api/v1/contact-exports", contactd.RoleWrite, s.createExport, operation{id: "createExport", summary: "Export contacts as csv, jsonl or xlsx; runs as a job", tag: "exports", body: "ExportCreate", status: 202, result: "ContactExport"}, false},
		{"GET", "/api/v1/contact-exports", contactd.RoleRead, s.listExports, operation{id: "listExports", summary: "Export jobs, newest first", tag: "exports", query: pagingParams, status: 200, result: "ContactExportList"}, false},
		{"GET", "/api/v1/contact-exports/{id}", contactd.RoleRead, s.getExport, operation{id: "getExport", summary: "An export job: status, total_rows, processed_rows, size_bytes, expires_at", tag: "exports", status: 200, result: "ContactExport"}, false},
		{"GET", "/api/v1/contact-exports/{id}/download", contactd.RoleRead, s.downloadExport, operation{id: "downloadExport", summary: "The export's file (text/csv, application/x-ndjson or xlsx); 409 before it completes, 410 once it expired", tag: "exports", status: 200, raw: "application/octet-stream"}, false},
	}
}

// exportView is an export as the API shows it: with where to download the
// file while it can be.
type exportView struct {
	*contactd.ContactExport
	DownloadURL *string `json:"download_url"`
}

func viewExport(e *contactd.ContactExport, now time.Time) exportView {
	v := exportView{ContactExport: e}
	if e.Status == contactd.JobCompleted && e.FileID != 0 && !e.Expired(now) {
		u := fmt.Sprintf("/api/v1/contact-exports/%d/download", e.ID)
		v.DownloadURL = &u
	}
	return v
}

// exportCreate is the body of POST /contact-exports.
type exportCreate struct {
	Filters exportFilters `json:"filters"`
	Fields  []string      `json:"fields"`
	Format  string        `json:"format"`
	BOM     bool          `json:"bom"`
}

type exportFilters struct {
	SegmentID     *int64          `json:"segment_id"`
	Search        string          `json:"search"`
	Tags          []string        `json:"tags"`
	Status        string          `json:"status"`
	DNC           *bool           `json:"dnc"`
	CreatedAfter  string          `json:"created_after"`
	CreatedBefore string          `json:"created_before"`
	Rules         json.RawMessage `json:"rules"`
}

func (s *Server) createExport(w http.ResponseWriter, r *http.Request) error {
	var req exportCreate
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	in := contactd.ExportInput{Fields: req.Fields, Format: req.Format, BOM: req.BOM}
	f := &in.Filters
	f.Search, f.Tags, f.Status, f.DNC = req.Filters.Search, req.Filters.Tags, req.Filters.Status, req.Filters.DNC
	if id := req.Filters.SegmentID; id != nil {
		if *id <= 0 {
			return contactd.ValidationError([]contactd.FieldError{{Field: "filters.segment_id", Code: contactd.EInvalidID, Message: "must be a positive integer id"}})
		}
		f.SegmentID = *id
	}
	var err error
	if f.CreatedAfter, err = bodyTime("filters.created_after", req.Filters.CreatedAfter); err != nil {
		return err
	}
	if f.CreatedBefore, err = bodyTime("filters.created_before", req.Filters.CreatedBefore); err != nil {
		return err
	}
	if f.Rules, err = parseRules(req.Filters.Rules, "filters.rules"); err != nil {
		return err
	}
	exp, err := s.store.CreateExport(r.Context(), in)
	if err != nil {
		return err
	}
	if s.opts.OnEnqueue != nil {
		s.opts.OnEnqueue()
	}
	w.Header().Set("Location", "/api/v1/contact-exports/"+strconv.FormatInt(exp.ID, 10))
	writeJSON(w, http.StatusAccepted, viewExport(exp, time.Now()))
	return nil
}

// bodyTime reads an optional RFC 3339 time or date of a JSON body.
func bodyTime(field, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, contactd.ValidationError([]contactd.FieldError{{Field: field, Code: "invalid_time", Message: "must be an RFC 3339 time such as 2026-01-31T09:00:00Z, or a date"}})
}

func (s *Server) listExports(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	list, info, err := s.store.FindExports(r.Context(), page)
	if err != nil {
		return err
	}
	now := time.Now()
	views := make([]exportView, len(list))
	for i, e := range list {
		views[i] = viewExport(e, now)
	}
	writeJSON(w, http.StatusOK, newList(views, page, info))
	return nil
}

func (s *Server) getExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	exp, err := s.store.FindExportByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewExport(exp, time.Now()))
	return nil
}

// downloadExport streams the file from the database chunk by chunk. The
// headers go out with the first chunk, so that a file deleted in between
// still answers a proper 410.
func (s *Server) downloadExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	exp, err := s.store.ExportDownload(r.Context(), id)
	if err != nil {
		return err
	}
	hw := &headersOnWrite{w: w, set: func(h http.Header) {
		h.Set("Content-Type", exporter.MediaType(exp.Format))
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, exp.Filename))
		h.Set("Content-Length", strconv.FormatInt(exp.SizeBytes, 10))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
	}}
	_, err = s.store.CopyFile(r.Context(), exp.FileID, hw)
	switch {
	case err != nil && !hw.wrote && contactd.ErrorCode(err) == contactd.ENotFound:
		return contactd.Errorf(contactd.EExportExpired, "export %d expired and its file was deleted; export again", id)
	case err != nil && !hw.wrote:
		return err
	case err != nil:
		// The headers are out; all that is left is to log and cut the answer.
		s.log.ErrorContext(r.Context(), "export download", "export_id", id, "error", err)
	case !hw.wrote:
		hw.start() // an empty file (JSON Lines of no contacts)
	}
	return nil
}

// headersOnWrite sets the success headers just before the first byte.
type headersOnWrite struct {
	w     http.ResponseWriter
	set   func(http.Header)
	wrote bool
}

func (h *headersOnWrite) start() {
	h.set(h.w.Header())
	h.w.WriteHeader(http.StatusOK)
	h.wrote = true
}

func (h *headersOnWrite) Write(b []byte) (int, error) {
	if !h.wrote {
		h.start()
	}
	return h.w.Write(b)
}

var exportSchemas = map[string]any{
	"ExportCreate": object(nil, map[string]any{
		"filters": object(nil, map[string]any{
			"segment_id":     map[string]any{"type": "integer", "description": "members of this segment"},
			"search":         str("as GET /contacts?search="),
			"tags":           strList("contacts having every one of these tags"),
			"status":         map[string]any{"type": "string", "enum": []any{"active", "deleted", "merged", "erased", "all"}, "description": "default active"},
			"dnc":            map[string]any{"type": "boolean"},
			"created_after":  map[string]any{"type": "string", "format": "date-time", "description": "or a date; created at or after"},
			"created_before": map[string]any{"type": "string", "format": "date-time", "description": "or a date; created before"},
			"rules":          ref("Rule"),
		}),
		"fields": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "contact fields and custom.<name>, in column order. " +
			"Default for csv and xlsx: phone_e164 first_name last_name email company city country timezone tags alt_phones alt_emails dnc " +
			"and a custom.<name> column per custom field in use (what an import reads back); for jsonl every field"},
		"format": map[string]any{"type": "string", "enum": []any{"csv", "jsonl", "xlsx"}, "description": "default csv"},
		"bom":    map[string]any{"type": "boolean", "description": "csv only: start with a UTF-8 byte order mark, which Excel needs to read UTF-8"},
	}),
	"ContactExport": object(nil, map[string]any{
		"id":             map[string]any{"type": "integer"},
		"status":         map[string]any{"type": "string", "enum": []any{"queued", "running", "completed", "failed"}},
		"format":         str(""),
		"fields":         strList("as asked; empty for the format's default"),
		"filters":        map[string]any{"type": "object"},
		"bom":            map[string]any{"type": "boolean"},
		"total_rows":     map[string]any{"type": "integer", "description": "contacts in the export's snapshot"},
		"processed_rows": map[string]any{"type": "integer"},
		"size_bytes":     map[string]any{"type": "integer"},
		"filename":       str("the download's file name"),
		"error":          str("why a failed export stopped"),
		"created_at":     map[string]any{"type": "string", "format": "date-time"},
		"started_at":     map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
		"finished_at":    map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
		"expires_at":     map[string]any{"type": []any{"string", "null"}, "format": "date-time", "description": "when the file is deleted (7 days after completion)"},
		"download_url":   map[string]any{"type": []any{"string", "null"}, "description": "while the file can be downloaded"},
	}),
	"ContactExportList": listOf("ContactExport"),
}
