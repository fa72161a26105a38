package api

import (
	"net/http"
	"sort"
	"strings"

	"github.com/contactd/contactd"
)

// route is one endpoint: how it is matched, who may call it, what runs, and
// how the OpenAPI document describes it. The mux, the role checks and the
// document all come from this one table, so they cannot drift apart.
type route struct {
	method  string
	pattern string
	role    contactd.Role // "" for the public operational endpoints
	handle  handlerFunc
	op      operation
}

// operation describes a route for OpenAPI.
type operation struct {
	id      string
	summary string
	tag     string
	query   []param
	body    string // request schema name
	status  int    // success status
	result  string // response schema name ("" for none)
	raw     string // non-JSON response media type
}

type param struct {
	name, typ, desc string
}

var pagingParams = []param{
	{"page", "integer", "page number, from 1"},
	{"per_page", "integer", "items per page, 1 to 500 (default 50)"},
	{"cursor", "string", "opaque cursor from next_cursor, for deep paging"},
}

func (s *Server) routeTable() []route {
	contactQuery := append([]param{
		{"search", "string", "substring of name, email, company or phone (any written form of its digits)"},
		{"tag", "string", "only contacts with this tag"},
		{"status", "string", "active (default), deleted, merged, erased or all"},
		{"created_after", "string", "RFC 3339 time or date: created at or after"},
		{"created_before", "string", "RFC 3339 time or date: created before"},
	}, pagingParams...)
	return []route{
		{"GET", "/healthz", "", s.healthz, operation{id: "healthz", summary: "Liveness and database check", tag: "operations", status: 200, result: "Health"}},
		{"GET", "/metrics", "", s.serveMetrics, operation{id: "metrics", summary: "Prometheus metrics", tag: "operations", status: 200, raw: "text/plain"}},
		{"GET", "/api/v1/openapi.json", contactd.RoleRead, s.openAPI, operation{id: "openapi", summary: "This document", tag: "operations", status: 200, raw: "application/json"}},

		{"GET", "/api/v1/contacts", contactd.RoleRead, s.listContacts, operation{id: "listContacts", summary: "List and search contacts", tag: "contacts", query: contactQuery, status: 200, result: "ContactList"}},
		{"POST", "/api/v1/contacts", contactd.RoleWrite, s.createContact, operation{id: "createContact", summary: "Create a contact", tag: "contacts", query: []param{{"default_region", "string", "region for national phone forms"}}, body: "ContactCreate", status: 201, result: "Contact"}},
		{"GET", "/api/v1/contacts/{id}", contactd.RoleRead, s.getContact, operation{id: "getContact", summary: "Get a contact (any status)", tag: "contacts", status: 200, result: "Contact"}},
		{"PATCH", "/api/v1/contacts/{id}", contactd.RoleWrite, s.patchContact, operation{id: "updateContact", summary: "Update given fields; If-Match or version makes it conditional", tag: "contacts", body: "ContactPatch", status: 200, result: "Contact"}},
		{"DELETE", "/api/v1/contacts/{id}", contactd.RoleWrite, s.deleteContact, operation{id: "deleteContact", summary: "Logical delete (restorable)", tag: "contacts", status: 200, result: "Contact"}},
		{"POST", "/api/v1/contacts/{id}/restore", contactd.RoleWrite, s.restoreContact, operation{id: "restoreContact", summary: "Undo a logical delete", tag: "contacts", status: 200, result: "Contact"}},

		{"GET", "/api/v1/audit_events", contactd.RoleRead, s.listAuditEvents, operation{id: "listAuditEvents", summary: "Who changed what, when", tag: "audit", query: append([]param{{"contact_id", "integer", "only events about this contact"}, {"action", "string", "only this action, e.g. contact.updated"}}, pagingParams...), status: 200, result: "AuditEventList"}},

		{"GET", "/api/v1/api_keys", contactd.RoleAdmin, s.listAPIKeys, operation{id: "listAPIKeys", summary: "List the workspace's API keys (never their secrets)", tag: "admin", status: 200, result: "APIKeyList"}},
		{"POST", "/api/v1/api_keys", contactd.RoleAdmin, s.createAPIKey, operation{id: "createAPIKey", summary: "Create an API key; the key is shown once", tag: "admin", body: "APIKeyCreate", status: 201, result: "APIKey"}},
		{"DELETE", "/api/v1/api_keys/{id}", contactd.RoleAdmin, s.revokeAPIKey, operation{id: "revokeAPIKey", summary: "Revoke an API key", tag: "admin", status: 200, result: "APIKey"}},
		{"GET", "/api/v1/workspace", contactd.RoleAdmin, s.getWorkspace, operation{id: "getWorkspace", summary: "Workspace settings", tag: "admin", status: 200, result: "Workspace"}},
		{"PATCH", "/api/v1/workspace", contactd.RoleAdmin, s.patchWorkspace, operation{id: "updateWorkspace", summary: "Change workspace settings", tag: "admin", body: "WorkspacePatch", status: 200, result: "Workspace"}},
	}
}

// registerMethodFallbacks answers a known path called with a method it does
// not take as a 405 problem with an Allow header, instead of the mux's plain
// text.
func (s *Server) registerMethodFallbacks() {
	allow := map[string][]string{}
	for _, rt := range s.routes {
		allow[rt.pattern] = append(allow[rt.pattern], rt.method)
	}
	for pattern, methods := range allow {
		sort.Strings(methods)
		list := strings.Join(methods, ", ")
		s.mux.Handle(pattern, s.instrument(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", list)
			s.writeError(w, r, contactd.Errorf(contactd.EMethodNotAllowed, "%s does not take %s; it takes %s", pattern, r.Method, list))
		})))
	}
}

// RouteInfo describes a route for tests and tools that walk every endpoint
// (the tenant isolation and bad-input tests are generated from it).
type RouteInfo struct {
	Method  string
	Pattern string
	Role    contactd.Role
	HasBody bool
}

// Routes lists every route the server answers.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.method, Pattern: rt.pattern, Role: rt.role, HasBody: rt.op.body != ""}
	}
	return out
}
