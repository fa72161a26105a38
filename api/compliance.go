package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/contactd/contactd"
)

func init() {
	routeSets = append(routeSets, (*Server).complianceRoutes)
	schemaSets = append(schemaSets, complianceSchemas)
}

func (s *Server) complianceRoutes() []route {
	return []route{
		{"POST", "/api/v1/compliance/check", contactd.RoleWrite, s.complianceCheck, operation{id: "complianceCheck", summary: "Pre-launch check of a segment, contact ids or phones at a time: summary, and a page of the suppressed with every reason", tag: "compliance", query: []param{{"page", "integer", "page of the suppressed list, from 1"}, {"per_page", "integer", "1 to 500 (default 50)"}, {"cursor", "string", "next_cursor of the previous page"}}, body: "ComplianceCheck", status: 200, result: "ComplianceResult"}, false},
		{"POST", "/api/v1/compliance/check.csv", contactd.RoleWrite, s.complianceCheckCSV, operation{id: "complianceCheckCSV", summary: "The same check, answered as a CSV of every suppressed contact or number, streamed", tag: "compliance", body: "ComplianceCheck", status: 200, raw: "text/csv"}, false},
		{"GET", "/api/v1/contacts/{id}/consents", contactd.RoleRead, s.listConsents, operation{id: "listConsents", summary: "A contact's consent history, newest first", tag: "compliance", status: 200, result: "ConsentList"}, false},
		{"POST", "/api/v1/contacts/{id}/consents", contactd.RoleWrite, s.recordConsent, operation{id: "recordConsent", summary: "Record consent granted or revoked; history is kept, never overwritten", tag: "compliance", body: "ConsentCreate", status: 201, result: "Consent"}, false},
	}
}

type checkRequest struct {
	SegmentID     *int64   `json:"segment_id"`
	ContactIDs    []int64  `json:"contact_ids"`
	Phones        []string `json:"phones"`
	At            *string  `json:"at"`
	Channel       string   `json:"channel"`
	DefaultRegion string   `json:"default_region"`
}

func (s *Server) readCheck(r *http.Request) (contactd.ComplianceCheck, error) {
	var req checkRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return contactd.ComplianceCheck{}, err
	}
	at, err := parseTimeField("at", req.At)
	if err != nil {
		return contactd.ComplianceCheck{}, err
	}
	chk := contactd.ComplianceCheck{ContactIDs: req.ContactIDs, Phones: req.Phones, Channel: req.Channel, DefaultRegion: req.DefaultRegion}
	if req.SegmentID != nil {
		if *req.SegmentID <= 0 {
			return chk, contactd.ValidationError([]contactd.FieldError{{Field: "segment_id", Code: "invalid", Message: "segment_id must be a positive id"}})
		}
		chk.SegmentID = *req.SegmentID
	}
	if at != nil {
		chk.At = *at
	}
	return chk, nil
}

// checkResult is the answer of POST /compliance/check: the summary over
// everything checked, and one page of the suppressed.
type checkResult struct {
	At         time.Time              `json:"at"`
	Channel    string                 `json:"channel"`
	Summary    *contactd.CheckSummary `json:"summary"`
	Suppressed []*contactd.Suppressed `json:"suppressed"`
	Page       int                    `json:"page"`
	PerPage    int                    `json:"per_page"`
	NextCursor string                 `json:"next_cursor,omitempty"`
}

// complianceCheck runs the whole check for the summary and keeps only the
// requested page of the suppressed list, so memory stays flat for a
// segment of a million; the CSV route gives the whole list in one go.
func (s *Server) complianceCheck(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	chk, err := s.readCheck(r)
	if err != nil {
		return err
	}
	if chk.At.IsZero() {
		chk.At = time.Now().UTC().Truncate(time.Microsecond)
	}
	start := int64(page.Offset())
	if page.AfterID > 0 {
		start = page.AfterID // cursors of this list count suppressed items
	}
	res := checkResult{At: chk.At, Channel: chk.Channel, Suppressed: []*contactd.Suppressed{}, Page: page.Page, PerPage: page.PerPage}
	var n int64
	sum, err := s.store.RunComplianceCheck(r.Context(), chk, func(x *contactd.Suppressed) error {
		if n >= start && n < start+int64(page.PerPage) {
			res.Suppressed = append(res.Suppressed, x)
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	res.Summary = sum
	if res.Channel == "" {
		res.Channel = contactd.ChannelVoice
	}
	if end := start + int64(page.PerPage); end < sum.Suppressed {
		res.NextCursor = encodeCursor(end)
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// complianceCheckCSV streams every suppressed contact or number as CSV as
// the check finds them: contact_id, phone_e164, input (phones checks) and
// the reasons separated by ";".
func (s *Server) complianceCheckCSV(w http.ResponseWriter, r *http.Request) error {
	chk, err := s.readCheck(r)
	if err != nil {
		return err
	}
	var cw *csv.Writer
	begin := func() error {
		if cw != nil {
			return nil
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="suppressed.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		cw = csv.NewWriter(w)
		return cw.Write([]string{"contact_id", "phone_e164", "input", "reasons"})
	}
	rows := 0
	_, err = s.store.RunComplianceCheck(r.Context(), chk, func(x *contactd.Suppressed) error {
		if err := begin(); err != nil {
			return err
		}
		id := ""
		if x.ContactID != nil {
			id = strconv.FormatInt(*x.ContactID, 10)
		}
		rows++
		if rows%1000 == 0 {
			cw.Flush()
		}
		return cw.Write([]string{id, neutralise(x.PhoneE164), neutralise(x.Input), strings.Join(x.Reasons, ";")})
	})
	if err != nil && cw == nil {
		return err // nothing is out yet: a proper problem answer
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "compliance check csv", "error", err)
	}
	if err := begin(); err != nil {
		return err
	}
	cw.Flush()
	return nil
}

func (s *Server) listConsents(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.store.FindConsents(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": list})
	return nil
}

type consentCreate struct {
	Channel    string  `json:"channel"`
	Status     string  `json:"status"`
	Source     string  `json:"source"`
	CapturedAt *string `json:"captured_at"`
	Proof      string  `json:"proof"`
}

func (s *Server) recordConsent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req consentCreate
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	at, err := parseTimeField("captured_at", req.CapturedAt)
	if err != nil {
		return err
	}
	c, err := s.store.RecordConsent(r.Context(), id, contactd.ConsentInput{Channel: req.Channel, Status: req.Status, Source: req.Source, CapturedAt: at, Proof: req.Proof})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func reasonEnum() []any {
	out := make([]any, len(contactd.Reasons))
	for i, r := range contactd.Reasons {
		out[i] = r
	}
	return out
}

var consentSchema = object(nil, map[string]any{
	"id":          map[string]any{"type": "integer"},
	"contact_id":  map[string]any{"type": "integer"},
	"channel":     map[string]any{"type": "string", "enum": []any{"voice", "sms", "email", "all"}},
	"status":      map[string]any{"type": "string", "enum": []any{"granted", "revoked"}},
	"source":      str("where it was captured: web_form, ivr, agent, paper, ..."),
	"captured_at": map[string]any{"type": "string", "format": "date-time"},
	"proof":       str("the wording agreed to, a transcript, a reference; emptied by erasure"),
	"created_at":  map[string]any{"type": "string", "format": "date-time"},
})

var callingWindowSchema = object(nil, map[string]any{
	"start": str("HH:MM, local time of the person called; default 09:00"),
	"end":   str("HH:MM (24:00 allowed), exclusive; default 21:00"),
	"days":  map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []any{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}}, "description": "allowed weekdays; empty = every day"},
})

// complianceSchemas also restate Workspace and WorkspacePatch with the
// calling rules this file's settings add (later schema sets win).
var complianceSchemas = map[string]any{
	"Workspace": object(nil, map[string]any{
		"id":              map[string]any{"type": "integer"},
		"name":            str(""),
		"default_region":  str("region for national phone forms"),
		"created_at":      map[string]any{"type": "string", "format": "date-time"},
		"calling_window":  callingWindowSchema,
		"require_consent": map[string]any{"type": "boolean", "description": "contacts without granted consent for the channel are suppressed (no_consent)"},
	}),
	"WorkspacePatch": object(nil, map[string]any{
		"name":            str(""),
		"default_region":  str("ISO 3166-1 alpha-2"),
		"calling_window":  callingWindowSchema,
		"require_consent": map[string]any{"type": "boolean"},
	}),
	"ComplianceCheck": object(nil, map[string]any{
		"segment_id":     map[string]any{"type": "integer", "description": "check every active member (streamed)"},
		"contact_ids":    map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "description": "or up to 10000 contacts"},
		"phones":         strList("or up to 10000 numbers in any written form"),
		"at":             map[string]any{"type": "string", "format": "date-time", "description": "when the calls would be placed; default now"},
		"channel":        map[string]any{"type": "string", "enum": []any{"voice", "sms"}, "description": "default voice"},
		"default_region": str("region for national forms in phones"),
	}),
	"ComplianceResult": object(nil, map[string]any{
		"at":      map[string]any{"type": "string", "format": "date-time"},
		"channel": str(""),
		"summary": object(nil, map[string]any{
			"total":      map[string]any{"type": "integer"},
			"callable":   map[string]any{"type": "integer"},
			"suppressed": map[string]any{"type": "integer"},
			"by_reason":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}, "description": "suppressed contacts per reason (one contact may count under several)"},
		}),
		"suppressed": map[string]any{"type": "array", "items": object(nil, map[string]any{
			"contact_id": map[string]any{"type": []any{"integer", "null"}},
			"phone_e164": str(""),
			"input":      str("the phone as sent (phones checks)"),
			"reasons":    map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": reasonEnum()}},
		})},
		"page":        map[string]any{"type": "integer"},
		"per_page":    map[string]any{"type": "integer"},
		"next_cursor": str("pass as cursor for the next page of the suppressed list"),
	}),
	"Consent":     consentSchema,
	"ConsentList": object([]string{"data"}, map[string]any{"data": map[string]any{"type": "array", "items": ref("Consent")}}),
	"ConsentCreate": object([]string{"channel", "status", "source"}, map[string]any{
		"channel":     map[string]any{"type": "string", "enum": []any{"voice", "sms", "email", "all"}},
		"status":      map[string]any{"type": "string", "enum": []any{"granted", "revoked"}},
		"source":      str(""),
		"captured_at": map[string]any{"type": "string", "format": "date-time", "description": "default now; never in the future"},
		"proof":       str("up to 10000 characters"),
	}),
}
