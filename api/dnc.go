package api

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/dncimport"
)

func init() {
	routeSets = append(routeSets, (*Server).dncRoutes)
	schemaSets = append(schemaSets, dncSchemas)
	statusOf[contactd.EErased] = http.StatusConflict
	statusOf["no_number_column"] = http.StatusUnprocessableEntity
}

func (s *Server) dncRoutes() []route {
	entryQuery := append([]param{
		{"list", "string", "only entries of this list (by name)"},
		{"phone", "string", "only entries that suppress this number: the number and every prefix covering it"},
	}, pagingParams...)
	return []route{
		{"GET", "/api/v1/dnc", contactd.RoleRead, s.listDNC, operation{id: "listDNC", summary: "DNC entries of every list, newest first", tag: "compliance", query: entryQuery, status: 200, result: "DNCEntryList"}, false},
		{"POST", "/api/v1/dnc", contactd.RoleWrite, s.addDNC, operation{id: "addDNC", summary: "Put a number (any written form) or a prefix on the internal DNC list; 200 with the existing entry when it is there already", tag: "compliance", body: "DNCEntryCreate", status: 201, result: "DNCEntry"}, false},
		{"GET", "/api/v1/dnc/{id}", contactd.RoleRead, s.getDNC, operation{id: "getDNC", summary: "A DNC entry", tag: "compliance", status: 200, result: "DNCEntry"}, false},
		{"DELETE", "/api/v1/dnc/{id}", contactd.RoleWrite, s.removeDNC, operation{id: "removeDNC", summary: "Take an entry off the internal list (registry entries change only by reloading the registry)", tag: "compliance", status: 200, result: "DNCEntry"}, false},
		{"GET", "/api/v1/dnc/lists", contactd.RoleRead, s.listDNCLists, operation{id: "listDNCLists", summary: "DNC lists: the internal list and registry extracts", tag: "compliance", query: pagingParams, status: 200, result: "DNCListList"}, false},
		{"POST", "/api/v1/dnc/lists", contactd.RoleAdmin, s.createDNCList, operation{id: "createDNCList", summary: "Create a registry list (e.g. a national DNC extract) with a maximum age", tag: "compliance", body: "DNCListCreate", status: 201, result: "DNCList"}, false},
		{method: "POST", pattern: "/api/v1/dnc/import", role: contactd.RoleWrite, handle: s.createDNCImport, upload: true, op: operation{id: "importDNC", summary: "Load a file of numbers (one a line, CSV with a number column, or FTC area-code files) into a list; a registry list is replaced whole", tag: "compliance", body: "DNCImportForm", status: 202, result: "DNCImport"}},
		{"GET", "/api/v1/dnc/imports", contactd.RoleRead, s.listDNCImports, operation{id: "listDNCImports", summary: "DNC import jobs, newest first", tag: "compliance", query: pagingParams, status: 200, result: "DNCImportList"}, false},
		{"GET", "/api/v1/dnc/imports/{id}", contactd.RoleRead, s.getDNCImport, operation{id: "getDNCImport", summary: "A DNC import job and its counts", tag: "compliance", status: 200, result: "DNCImport"}, false},
		{"GET", "/api/v1/dnc/imports/{id}/error_report", contactd.RoleRead, s.dncImportErrorReport, operation{id: "dncImportErrorReport", summary: "CSV of the rows that were not numbers", tag: "compliance", status: 200, raw: "text/csv"}, false},
		{"POST", "/api/v1/contacts/{id}/dnc", contactd.RoleWrite, s.optOut, operation{id: "optOutContact", summary: "The person asked not to be contacted: dnc=true and every number of the contact on the internal list", tag: "compliance", body: "OptOut", status: 200, result: "Contact"}, false},
		{"DELETE", "/api/v1/contacts/{id}/dnc", contactd.RoleWrite, s.optIn, operation{id: "optInContact", summary: "Undo an opt-out: dnc=false and the contact's numbers off the internal list (the only way dnc is cleared)", tag: "compliance", status: 200, result: "Contact"}, false},
	}
}

func (s *Server) listDNC(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, info, err := s.store.FindDNCEntries(r.Context(), contactd.DNCFilter{List: q.Get("list"), Phone: q.Get("phone"), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, page, info))
	return nil
}

type dncEntryCreate struct {
	PhoneE164     string  `json:"phone_e164"`
	Prefix        string  `json:"prefix"`
	List          string  `json:"list"`
	Channel       string  `json:"channel"`
	Reason        string  `json:"reason"`
	Source        string  `json:"source"`
	CallID        string  `json:"call_id"`
	ExpiresAt     *string `json:"expires_at"`
	DefaultRegion string  `json:"default_region"`
}

// parseTimeField reads an optional RFC 3339 time of a JSON body.
func parseTimeField(field string, v *string) (*time.Time, error) {
	if v == nil || *v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: field, Code: "invalid_time", Message: "must be an RFC 3339 time such as 2026-01-31T09:00:00Z"}})
	}
	t = t.UTC()
	return &t, nil
}

func (s *Server) addDNC(w http.ResponseWriter, r *http.Request) error {
	var req dncEntryCreate
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	expires, err := parseTimeField("expires_at", req.ExpiresAt)
	if err != nil {
		return err
	}
	e, created, err := s.store.AddDNCEntry(r.Context(), contactd.DNCEntryInput{
		Phone: req.PhoneE164, Prefix: req.Prefix, List: req.List, Channel: req.Channel, Reason: req.Reason,
		Source: req.Source, CallID: req.CallID, ExpiresAt: expires, DefaultRegion: req.DefaultRegion,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/dnc/"+strconv.FormatInt(e.ID, 10))
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, e)
	return nil
}

func (s *Server) getDNC(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.store.FindDNCEntryByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) removeDNC(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.store.RemoveDNCEntry(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) listDNCLists(w http.ResponseWriter, r *http.Request) error {
	return servePage(w, r, s.store.FindDNCLists)
}

type dncListCreate struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Region     string `json:"region"`
	MaxAgeDays int    `json:"max_age_days"`
}

func (s *Server) createDNCList(w http.ResponseWriter, r *http.Request) error {
	var req dncListCreate
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	l, err := s.store.CreateDNCList(r.Context(), contactd.DNCListInput{Name: req.Name, Kind: req.Kind, Region: req.Region, MaxAgeDays: req.MaxAgeDays})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

// createDNCImport takes a multipart upload like the contact import: the file
// is spooled to disk, checked (readable, has a number column), stored in
// the database and loaded by a job.
func (s *Server) createDNCImport(w http.ResponseWriter, r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return contactd.Errorf(contactd.EUnsupportedMedia, "send the numbers as multipart/form-data with a file field (curl -F file=@numbers.csv)")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return contactd.Errorf(contactd.EBadRequest, "malformed multipart body: %v", err)
	}
	var file *os.File
	defer func() {
		if file != nil {
			file.Close()
			os.Remove(file.Name())
		}
	}()
	var filename, expires string
	var opts contactd.DNCImportOptions
	fields := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return uploadError(err, s.opts.MaxUploadBytes)
		}
		name := part.FormName()
		if name == "file" {
			if file != nil {
				return contactd.Errorf(EFileCount, "send exactly one file")
			}
			if file, err = spool(part, s.opts.TempDir, s.opts.MaxUploadBytes); err != nil {
				return uploadError(err, s.opts.MaxUploadBytes)
			}
			filename = safeFilename(part.FileName())
			continue
		}
		if fields[name] {
			return contactd.Errorf(contactd.EBadRequest, "the field %q appears twice", truncate(name, 40))
		}
		fields[name] = true
		b, err := io.ReadAll(io.LimitReader(part, 4<<10+1))
		if err != nil {
			return uploadError(err, s.opts.MaxUploadBytes)
		}
		if len(b) > 4<<10 {
			return contactd.Errorf(contactd.EBodyTooLarge, "the field %q is larger than 4 KiB", truncate(name, 40))
		}
		v := strings.TrimSpace(string(b))
		switch name {
		case "list":
			opts.List = v
		case "channel":
			opts.Channel = v
		case "reason":
			opts.Reason = v
		case "default_region":
			opts.DefaultRegion = v
		case "column":
			opts.Column = v
		case "expires_at":
			expires = v
		default:
			return &contactd.Error{Code: contactd.EUnknownField, Message: fmt.Sprintf("unknown form field %q; the DNC import takes file, list, channel, reason, expires_at, default_region and column", truncate(name, 40))}
		}
	}
	if file == nil {
		return contactd.Errorf(EFileMissing, "the request has no file field: send the numbers as multipart field \"file\"")
	}
	var err2 error
	if opts.ExpiresAt, err2 = parseTimeField("expires_at", &expires); err2 != nil {
		return err2
	}
	if err := dncimport.Check(file, opts.Column, s.opts.Import.File); err != nil {
		return err
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	stored, err := s.store.StoreFile(r.Context(), filename, file, s.opts.MaxUploadBytes)
	if err != nil {
		return err
	}
	imp, err := s.store.CreateDNCImport(r.Context(), stored.ID, filename, opts)
	if err != nil {
		_ = s.store.DeleteFile(r.Context(), stored.ID)
		return err
	}
	if s.opts.OnEnqueue != nil {
		s.opts.OnEnqueue()
	}
	w.Header().Set("Location", "/api/v1/dnc/imports/"+strconv.FormatInt(imp.ID, 10))
	writeJSON(w, http.StatusAccepted, imp)
	return nil
}

func (s *Server) listDNCImports(w http.ResponseWriter, r *http.Request) error {
	return servePage(w, r, s.store.FindDNCImports)
}

func (s *Server) getDNCImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	imp, err := s.store.FindDNCImportByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, imp)
	return nil
}

// dncImportErrorReport streams the failed rows as CSV: the row's cells,
// then row_number, error_code and error_message.
func (s *Server) dncImportErrorReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	imp, err := s.store.FindDNCImportByID(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="dnc-import-%d-errors.csv"`, imp.ID))
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"row", "row_number", "error_code", "error_message"}); err != nil {
		return err
	}
	err = s.store.DNCImportErrors(r.Context(), imp.ID, func(e contactd.ImportError) error {
		cells := make([]string, len(e.Raw))
		for i, c := range e.Raw {
			cells[i] = neutralise(c)
		}
		return cw.Write([]string{strings.Join(cells, ","), strconv.Itoa(e.Line), e.Code, neutralise(e.Message)})
	})
	cw.Flush()
	if err != nil {
		s.log.ErrorContext(r.Context(), "dnc error report", "dnc_import_id", imp.ID, "error", err)
	}
	return nil
}

type optOutRequest struct {
	Channel string `json:"channel"`
	Reason  string `json:"reason"`
	Source  string `json:"source"`
	CallID  string `json:"call_id"`
}

func (s *Server) optOut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req optOutRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	c, _, err := s.store.OptOut(r.Context(), id, contactd.OptOutInput{Channel: req.Channel, Reason: req.Reason, Source: req.Source, CallID: req.CallID})
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}

func (s *Server) optIn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.OptIn(r.Context(), id)
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}

var dncEntrySchema = object(nil, map[string]any{
	"id":                map[string]any{"type": "integer"},
	"list_id":           map[string]any{"type": "integer"},
	"list":              str("the list's name"),
	"phone_e164":        str("the number (absent for a prefix)"),
	"prefix":            str("+, country code and at least two digits (absent for a number)"),
	"channel":           map[string]any{"type": "string", "enum": []any{"voice", "sms", "all"}},
	"reason":            str(""),
	"source":            map[string]any{"type": "string", "enum": []any{"manual", "opt_out", "import", "registry", "agent"}},
	"call_id":           str("the call where an agent heard the request (source agent)"),
	"expires_at":        map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
	"import_id":         map[string]any{"type": "integer", "description": "the DNC import that added it"},
	"created_at":        map[string]any{"type": "string", "format": "date-time"},
	"created_by_key_id": map[string]any{"type": []any{"integer", "null"}},
})

var dncListSchema = object(nil, map[string]any{
	"id":           map[string]any{"type": "integer"},
	"name":         str(""),
	"kind":         map[string]any{"type": "string", "enum": []any{"internal", "registry"}},
	"region":       str("the country a registry covers (its numbers only); empty = every number"),
	"max_age_days": map[string]any{"type": "integer", "description": "older than this, checks report stale_registry (0 = never)"},
	"refreshed_at": map[string]any{"type": []any{"string", "null"}, "format": "date-time", "description": "when the current extract was loaded"},
	"created_at":   map[string]any{"type": "string", "format": "date-time"},
})

var dncImportSchema = object(nil, map[string]any{
	"id":             map[string]any{"type": "integer"},
	"status":         map[string]any{"type": "string", "enum": []any{"queued", "running", "completed", "failed"}},
	"list_id":        map[string]any{"type": "integer"},
	"filename":       str(""),
	"options":        map[string]any{"type": "object", "description": "list, channel, reason, source, expires_at, default_region, column"},
	"total_rows":     map[string]any{"type": "integer"},
	"processed_rows": map[string]any{"type": "integer"},
	"added":          map[string]any{"type": "integer", "description": "numbers new to the list (or whose expiry grew)"},
	"duplicates":     map[string]any{"type": "integer", "description": "numbers the list held already"},
	"failed":         map[string]any{"type": "integer", "description": "rows in the error report"},
	"error":          str("why a failed import stopped"),
	"created_at":     map[string]any{"type": "string", "format": "date-time"},
	"started_at":     map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
	"finished_at":    map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
})

var dncSchemas = map[string]any{
	"DNCEntry":     dncEntrySchema,
	"DNCEntryList": listOf("DNCEntry"),
	"DNCEntryCreate": object(nil, map[string]any{
		"phone_e164":     str("a number in any written form; or send prefix"),
		"prefix":         str("a range in international form: +, country code and at least two digits (+9199)"),
		"list":           str("list name; default the internal list (registry lists change only by import)"),
		"channel":        map[string]any{"type": "string", "enum": []any{"voice", "sms", "all"}, "description": "default all"},
		"reason":         str(""),
		"source":         map[string]any{"type": "string", "enum": []any{"manual", "opt_out", "agent"}, "description": "default manual; agent needs call_id"},
		"call_id":        str("the call where an AI agent heard \"don't call me\""),
		"expires_at":     map[string]any{"type": "string", "format": "date-time", "description": "the entry stops suppressing then"},
		"default_region": str("region for a national form of phone_e164"),
	}),
	"DNCList":     dncListSchema,
	"DNCListList": listOf("DNCList"),
	"DNCListCreate": object([]string{"name"}, map[string]any{
		"name":         str(""),
		"kind":         map[string]any{"type": "string", "enum": []any{"registry"}, "description": "default registry"},
		"region":       str("ISO 3166-1 alpha-2: the numbers the registry covers"),
		"max_age_days": map[string]any{"type": "integer", "description": "e.g. 31 for the US registry"},
	}),
	"DNCImport":     dncImportSchema,
	"DNCImportList": listOf("DNCImport"),
	"DNCImportForm": object([]string{"file"}, map[string]any{
		"file":           map[string]any{"type": "string", "format": "binary", "description": "one number a line; CSV with a phone/number column; FTC flat file (area code,number)"},
		"list":           str("list name; default internal"),
		"channel":        map[string]any{"type": "string", "enum": []any{"voice", "sms", "all"}},
		"reason":         str(""),
		"expires_at":     map[string]any{"type": "string", "format": "date-time"},
		"default_region": str("region for national forms"),
		"column":         str("header of the number column, when it is not named phone or number"),
	}),
	"OptOut": object(nil, map[string]any{
		"channel": map[string]any{"type": "string", "enum": []any{"voice", "sms", "all"}, "description": "default all"},
		"reason":  str(""),
		"source":  map[string]any{"type": "string", "enum": []any{"opt_out", "manual", "agent"}, "description": "default opt_out; agent needs call_id"},
		"call_id": str("the call where the person asked"),
	}),
}
