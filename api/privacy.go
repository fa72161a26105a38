package api

import (
	"net/http"
	"strconv"

	"github.com/contactd/contactd"
)

func init() {
	routeSets = append(routeSets, (*Server).privacyRoutes)
	schemaSets = append(schemaSets, privacySchemas)
}

func (s *Server) privacyRoutes() []route {
	return []route{
		{"GET", "/api/v1/contacts/{id}/data_export", contactd.RoleRead, s.dataExport, operation{id: "exportContactData", summary: "Everything held about the person (GDPR Art. 15/20) as one JSON document; the export is recorded", tag: "privacy", status: 200, result: "DataExport"}, false},
		{"DELETE", "/api/v1/contacts/{id}/gdpr_delete", contactd.RoleWrite, s.gdprDelete, operation{id: "eraseContact", summary: "Erase the person everywhere (GDPR Art. 17); the contact stays as an erased tombstone and the person is never taken in again. Repeating it is harmless", tag: "privacy", status: 200, result: "Contact"}, false},
		{"DELETE", "/api/v1/contacts/{id}/hard_delete", contactd.RoleAdmin, s.hardDelete, operation{id: "hardDeleteContact", summary: "Remove every row of the contact; needs ?confirm={id} (428 without, 400 when it differs). DNC entries stay", tag: "privacy", query: []param{{"confirm", "integer", "the contact's id again"}}, status: 204}, false},
		{"GET", "/api/v1/privacy_requests", contactd.RoleRead, s.listPrivacyRequests, operation{id: "listPrivacyRequests", summary: "Data exports, erasures and hard deletes: when, by which key, about which contact id", tag: "privacy", query: append([]param{{"contact_id", "integer", "only requests about this contact"}}, pagingParams...), status: 200, result: "PrivacyRequestList"}, false},
	}
}

func (s *Server) dataExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	doc, err := s.store.ExportContactData(r.Context(), id)
	if err != nil {
		return err
	}
	doc.Contact = contactView(doc.Contact)
	for i, c := range doc.MergedContacts {
		doc.MergedContacts[i] = contactView(c)
	}
	if doc.MergedContacts == nil {
		doc.MergedContacts = []*contactd.Contact{}
	}
	w.Header().Set("Content-Disposition", `attachment; filename="contact-`+strconv.FormatInt(id, 10)+`-data.json"`)
	writeJSON(w, http.StatusOK, doc)
	return nil
}

func (s *Server) gdprDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.EraseContact(r.Context(), id)
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}

func (s *Server) hardDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var confirm int64
	if v := r.URL.Query().Get("confirm"); v != "" {
		confirm, err = strconv.ParseInt(v, 10, 64)
		if err != nil || confirm <= 0 {
			confirm = -1 // present but not an id: it cannot match
		}
	}
	if err := s.store.HardDeleteContact(r.Context(), id, confirm); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listPrivacyRequests(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	contactID, err := queryID(r, "contact_id")
	if err != nil {
		return err
	}
	list, info, err := s.store.FindPrivacyRequests(r.Context(), contactID, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, page, info))
	return nil
}

var privacySchemas = map[string]any{
	"PrivacyRequest": object(nil, map[string]any{
		"id":           map[string]any{"type": "integer"},
		"type":         map[string]any{"type": "string", "enum": []any{"data_export", "erasure", "hard_delete"}},
		"contact_id":   map[string]any{"type": "integer"},
		"actor_key_id": map[string]any{"type": []any{"integer", "null"}},
		"at":           map[string]any{"type": "string", "format": "date-time"},
	}),
	"PrivacyRequestList": listOf("PrivacyRequest"),
	"DataExport": object(nil, map[string]any{
		"exported_at":     map[string]any{"type": "string", "format": "date-time"},
		"contact":         ref("Contact"),
		"merged_contacts": map[string]any{"type": "array", "items": ref("Contact"), "description": "records merged into this one: the same person"},
		"segments":        map[string]any{"type": "array", "items": object(nil, map[string]any{"id": map[string]any{"type": "integer"}, "added_at": map[string]any{"type": "string", "format": "date-time"}})},
		"consents":        map[string]any{"type": "array", "items": ref("Consent")},
		"dnc": object(nil, map[string]any{
			"opted_out": map[string]any{"type": "boolean"},
			"entries":   map[string]any{"type": "array", "items": ref("DNCEntry"), "description": "entries suppressing any of the person's numbers"},
			"history":   map[string]any{"type": "array", "items": ref("AuditEvent"), "description": "opt-outs, opt-ins and consent records"},
		}),
		"provenance": map[string]any{"type": "array", "items": object(nil, map[string]any{
			"import_id":   map[string]any{"type": "integer"},
			"filename":    str(""),
			"action":      str("contact.created or contact.updated"),
			"row_numbers": map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "description": "lines of the file"},
			"at":          map[string]any{"type": "string", "format": "date-time"},
			"contact_id":  map[string]any{"type": "integer"},
		})},
		"merges": object(nil, map[string]any{
			"merged_into": map[string]any{"type": []any{"integer", "null"}},
			"merged_from": map[string]any{"type": "array", "items": map[string]any{"type": "integer"}},
			"events":      map[string]any{"type": "array", "items": ref("AuditEvent")},
		}),
		"audit_events":     map[string]any{"type": "array", "items": ref("AuditEvent")},
		"privacy_requests": map[string]any{"type": "array", "items": ref("PrivacyRequest")},
	}),
}
