package api

import (
	"net/http"

	"github.com/contactd/contactd"
)

// Duplicate review and merge: GET /contacts/duplicates answers groups of
// live contacts that may be one person; merge folds secondaries into a
// primary and loses nothing; unmerge undoes the latest merge into a primary.

func init() {
	routeSets = append(routeSets, (*Server).duplicateRoutes)
	schemaSets = append(schemaSets, duplicateSchemas)
}

func (s *Server) duplicateRoutes() []route {
	query := append([]param{
		{"match", "string", "only groups whose strongest link is email, phone, name_company, name_domain or name_city; name for any name match"},
	}, pagingParams...)
	return []route{
		{"GET", "/api/v1/contacts/duplicates", contactd.RoleRead, s.listDuplicates, operation{id: "listDuplicates", summary: "Groups of live contacts that may be one person, strongest match first", tag: "duplicates", query: query, status: 200, result: "DuplicateGroupList"}, false},
		{"POST", "/api/v1/contacts/duplicates/dismiss", contactd.RoleWrite, s.dismissDuplicates, operation{id: "dismissDuplicates", summary: "Say that no two of these contacts are one person", tag: "duplicates", body: "DismissRequest", status: 200, result: "DismissResult"}, false},
		{"POST", "/api/v1/contacts/{id}/merge", contactd.RoleWrite, s.mergeContacts, operation{id: "mergeContacts", summary: "Merge secondaries into this contact; nothing is lost", tag: "duplicates", body: "MergeRequest", status: 200, result: "Contact"}, false},
		{"POST", "/api/v1/contacts/{id}/unmerge", contactd.RoleWrite, s.unmergeContact, operation{id: "unmergeContact", summary: "Undo the latest merge into this contact", tag: "duplicates", status: 200, result: "UnmergeResult"}, false},
	}
}

func (s *Server) listDuplicates(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	groups, info, err := s.store.FindDuplicateGroups(r.Context(), contactd.DuplicateFilter{Match: r.URL.Query().Get("match"), Page: page})
	if err != nil {
		return err
	}
	for _, g := range groups {
		for i, c := range g.Contacts {
			g.Contacts[i] = contactView(c)
		}
	}
	writeJSON(w, http.StatusOK, newList(groups, page, info))
	return nil
}

type dismissRequest struct {
	ContactIDs []int64 `json:"contact_ids"`
}

type dismissResult struct {
	ContactIDs []int64 `json:"contact_ids"`
	Dismissed  int     `json:"dismissed"`
}

func (s *Server) dismissDuplicates(w http.ResponseWriter, r *http.Request) error {
	var req dismissRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	n, err := s.store.DismissDuplicates(r.Context(), req.ContactIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dismissResult{ContactIDs: req.ContactIDs, Dismissed: n})
	return nil
}

type mergeRequest struct {
	SecondaryIDs []int64 `json:"secondary_ids"`
}

func (s *Server) mergeContacts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req mergeRequest
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	c, err := s.store.MergeContacts(r.Context(), id, req.SecondaryIDs)
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}

func (s *Server) unmergeContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.store.UnmergeContact(r.Context(), id)
	if err != nil {
		return err
	}
	u.Primary = contactView(u.Primary)
	for i, c := range u.Restored {
		u.Restored[i] = contactView(c)
	}
	w.Header().Set("ETag", etag(u.Primary.Version))
	writeJSON(w, http.StatusOK, u)
	return nil
}

var idList = func(desc string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "integer", "minimum": 1}, "description": desc}
}

var duplicateSchemas = map[string]any{
	"DuplicateLink": object(nil, map[string]any{
		"match":       map[string]any{"type": "string", "enum": []any{"email", "phone", "name_company", "name_domain", "name_city"}},
		"key":         str("what the contacts share: a folded email, an E.164 number, or context|name skeletons"),
		"confidence":  map[string]any{"type": "number"},
		"contact_ids": idList("the contacts this key links"),
	}),
	"DuplicateGroup": object(nil, map[string]any{
		"match":                map[string]any{"type": "string", "enum": []any{"email", "phone", "name_company", "name_domain", "name_city"}, "description": "why: the strongest link"},
		"key":                  str("the strongest link's key"),
		"confidence":           map[string]any{"type": "number", "description": "0 to 1: email 1, phone 0.95, names 0.9/0.85/0.8 times their similarity"},
		"suggested_primary_id": map[string]any{"type": "integer", "description": "the most complete contact, then the oldest"},
		"contact_ids":          idList(""),
		"contacts":             map[string]any{"type": "array", "items": ref("Contact")},
		"links":                map[string]any{"type": "array", "items": ref("DuplicateLink"), "description": "every reason the group holds together, strongest first"},
	}),
	"DuplicateGroupList": listOf("DuplicateGroup"),
	"DismissRequest": object([]string{"contact_ids"}, map[string]any{
		"contact_ids": idList("2 to 100 contacts, no two of which are the same person"),
	}),
	"DismissResult": object(nil, map[string]any{
		"contact_ids": idList(""),
		"dismissed":   map[string]any{"type": "integer", "description": "pairs newly dismissed"},
	}),
	"MergeRequest": object([]string{"secondary_ids"}, map[string]any{
		"secondary_ids": idList("1 to 100 active contacts to fold into this one"),
	}),
	"UnmergeResult": object(nil, map[string]any{
		"merge_id": map[string]any{"type": "integer"},
		"primary":  ref("Contact"),
		"restored": map[string]any{"type": "array", "items": ref("Contact")},
	}),
}
