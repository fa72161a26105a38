package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/rules"
)

func init() {
	routeSets = append(routeSets, (*Server).segmentRoutes)
	schemaSets = append(schemaSets, segmentSchemas)
	statusOf[contactd.EInvalidRule] = http.StatusUnprocessableEntity
}

func (s *Server) segmentRoutes() []route {
	return []route{
		{"GET", "/api/v1/contact_segments", contactd.RoleRead, s.listSegments, operation{id: "listSegments", summary: "Segments by id, each with its current contact_count", tag: "segments", query: pagingParams, status: 200, result: "SegmentList"}, false},
		{"POST", "/api/v1/contact_segments", contactd.RoleWrite, s.createSegment, operation{id: "createSegment", summary: "Create a static segment (members by id) or a dynamic one (rules)", tag: "segments", body: "SegmentCreate", status: 201, result: "Segment"}, false},
		{"GET", "/api/v1/contact_segments/{id}", contactd.RoleRead, s.getSegment, operation{id: "getSegment", summary: "A segment with its current contact_count", tag: "segments", status: 200, result: "Segment"}, false},
		{"PATCH", "/api/v1/contact_segments/{id}", contactd.RoleWrite, s.patchSegment, operation{id: "updateSegment", summary: "Rename a segment, or change a dynamic segment's rules", tag: "segments", body: "SegmentPatch", status: 200, result: "Segment"}, false},
		{"DELETE", "/api/v1/contact_segments/{id}", contactd.RoleWrite, s.deleteSegment, operation{id: "deleteSegment", summary: "Delete a segment (never its contacts); 409 while other segments' rules use it", tag: "segments", status: 200, result: "Segment"}, false},
		{"GET", "/api/v1/contact_segments/{id}/contacts", contactd.RoleRead, s.listSegmentContacts, operation{id: "listSegmentContacts", summary: "The segment's active members by id; total stops counting at 10000", tag: "segments", query: pagingParams, status: 200, result: "ContactList"}, false},
		{"POST", "/api/v1/contact_segments/{id}/contacts", contactd.RoleWrite, s.addSegmentContacts, operation{id: "addSegmentContacts", summary: "Add up to 10000 contacts to a static segment; unknown and inactive ids are reported", tag: "segments", body: "SegmentMembers", status: 200, result: "MembershipChange"}, false},
		{"DELETE", "/api/v1/contact_segments/{id}/contacts", contactd.RoleWrite, s.removeSegmentContacts, operation{id: "removeSegmentContacts", summary: "Remove up to 10000 contacts from a static segment", tag: "segments", body: "SegmentMembers", status: 200, result: "MembershipChange"}, false},
	}
}

// parseRules reads an optional rules field: absent or null is nil.
func parseRules(raw json.RawMessage, path string) (*contactd.Rule, error) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	return rules.Parse(raw, path)
}

type segmentCreate struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Type        string          `json:"type"`
	Rules       json.RawMessage `json:"rules"`
}

func (s *Server) createSegment(w http.ResponseWriter, r *http.Request) error {
	var req segmentCreate
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	rs, err := parseRules(req.Rules, "rules")
	if err != nil {
		return err
	}
	seg, err := s.store.CreateSegment(r.Context(), contactd.SegmentInput{Name: req.Name, Description: req.Description, Type: req.Type, Rules: rs})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/contact_segments/"+strconv.FormatInt(seg.ID, 10))
	writeJSON(w, http.StatusCreated, seg)
	return nil
}

func (s *Server) listSegments(w http.ResponseWriter, r *http.Request) error {
	return servePage(w, r, s.store.FindSegments)
}

func (s *Server) getSegment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	seg, err := s.store.FindSegmentByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, seg)
	return nil
}

// segmentPatch changes the fields sent. type is accepted only unchanged.
type segmentPatch struct {
	Name        optional[string] `json:"name"`
	Description optional[string] `json:"description"`
	Type        optional[string] `json:"type"`
	Rules       json.RawMessage  `json:"rules"`
}

func (s *Server) patchSegment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req segmentPatch
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	var fe []contactd.FieldError
	if req.Name.Set && req.Name.Null {
		fe = append(fe, contactd.FieldError{Field: "name", Code: "required", Message: "a segment needs a name"})
	}
	if req.Rules != nil && bytes.Equal(bytes.TrimSpace(req.Rules), []byte("null")) {
		fe = append(fe, contactd.FieldError{Field: "rules", Code: "required", Message: "rules cannot be removed; a dynamic segment needs rules, a static one never has them"})
	}
	if len(fe) > 0 {
		return contactd.ValidationError(fe)
	}
	rs, err := parseRules(req.Rules, "rules")
	if err != nil {
		return err
	}
	if req.Type.Set {
		cur, err := s.store.FindSegmentByID(r.Context(), id)
		if err != nil {
			return err
		}
		if req.Type.Value != cur.Type {
			return contactd.ValidationError([]contactd.FieldError{{Field: "type", Code: "immutable", Message: "a segment's type cannot change; create a new segment"}})
		}
	}
	seg, err := s.store.UpdateSegment(r.Context(), id, contactd.SegmentUpdate{Name: req.Name.ptr(), Description: req.Description.ptr(), Rules: rs})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, seg)
	return nil
}

func (s *Server) deleteSegment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	seg, err := s.store.DeleteSegment(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, seg)
	return nil
}

func (s *Server) listSegmentContacts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	list, info, err := s.store.FindSegmentMembers(r.Context(), id, page)
	if err != nil {
		return err
	}
	views := make([]*contactd.Contact, len(list))
	for i, c := range list {
		views[i] = contactView(c)
	}
	writeJSON(w, http.StatusOK, newList(views, page, info))
	return nil
}

type segmentMembers struct {
	ContactIDs []int64 `json:"contact_ids"`
}

func (s *Server) addSegmentContacts(w http.ResponseWriter, r *http.Request) error {
	return s.changeMembers(w, r, true)
}

func (s *Server) removeSegmentContacts(w http.ResponseWriter, r *http.Request) error {
	return s.changeMembers(w, r, false)
}

func (s *Server) changeMembers(w http.ResponseWriter, r *http.Request, add bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req segmentMembers
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	change := s.store.RemoveSegmentMembers
	if add {
		change = s.store.AddSegmentMembers
	}
	res, err := change(r.Context(), id, req.ContactIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// ruleSchema describes a rule tree: a group of rules, or one condition.
var ruleSchema = map[string]any{
	"description": "a group {\"all\":[...]} or {\"any\":[...]} (nested freely), or a condition {\"field\",\"op\",\"value\"}. " +
		"Fields: first_name last_name email company city country timezone phone_country phone_type phone_e164 custom.<name> " +
		"(eq neq contains starts_with in gte lte exists), tags (has in neq exists), segments (has in neq; segment ids), " +
		"dnc (eq neq), created_at updated_at (gte lte; RFC 3339, a date, or now-7d). Text compares without regard to ASCII case.",
	"oneOf": []any{
		object([]string{"all"}, map[string]any{"all": map[string]any{"type": "array", "minItems": 1, "items": ref("Rule")}}),
		object([]string{"any"}, map[string]any{"any": map[string]any{"type": "array", "minItems": 1, "items": ref("Rule")}}),
		object([]string{"field", "op"}, map[string]any{
			"field": str("a contact field, custom.<name>, tags or segments"),
			"op":    map[string]any{"type": "string", "enum": []any{"eq", "neq", "contains", "starts_with", "in", "has", "gte", "lte", "exists"}},
			"value": map[string]any{"description": "a string, number or boolean, or an array of them for in"},
		}),
	},
}

var segmentSchemas = map[string]any{
	"Rule": ruleSchema,
	"Segment": object(nil, map[string]any{
		"id":            map[string]any{"type": "integer"},
		"name":          str("unique in the workspace"),
		"description":   str(""),
		"type":          map[string]any{"type": "string", "enum": []any{"static", "dynamic"}},
		"rules":         map[string]any{"oneOf": []any{ref("Rule"), map[string]any{"type": "null"}}, "description": "a dynamic segment's rules; null for a static one"},
		"contact_count": map[string]any{"type": "integer", "description": "active members now; deleted, merged and erased contacts never count"},
		"created_at":    map[string]any{"type": "string", "format": "date-time"},
		"updated_at":    map[string]any{"type": "string", "format": "date-time"},
	}),
	"SegmentList": listOf("Segment"),
	"SegmentCreate": object([]string{"name"}, map[string]any{
		"name":        str("1 to 200 characters, unique in the workspace"),
		"description": str(""),
		"type":        map[string]any{"type": "string", "enum": []any{"static", "dynamic"}, "description": "default: dynamic when rules are given, else static"},
		"rules":       ref("Rule"),
	}),
	"SegmentPatch": object(nil, map[string]any{
		"name":        str(""),
		"description": map[string]any{"type": []any{"string", "null"}},
		"type":        str("only the segment's own type: types never change"),
		"rules":       ref("Rule"),
	}),
	"SegmentMembers": object([]string{"contact_ids"}, map[string]any{
		"contact_ids": map[string]any{"type": "array", "minItems": 1, "maxItems": contactd.MaxSegmentBatch, "items": map[string]any{"type": "integer", "minimum": 1}},
	}),
	"MembershipChange": object(nil, map[string]any{
		"changed":       map[string]any{"type": "integer", "description": "contacts added (or removed)"},
		"unchanged":     map[string]any{"type": "integer", "description": "contacts that already were (or were not) members"},
		"not_found":     map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "description": "ids that are no contact of this workspace"},
		"not_active":    map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "description": "deleted, merged or erased contacts, not added"},
		"contact_count": map[string]any{"type": "integer", "description": "the segment's members afterwards"},
	}),
}
