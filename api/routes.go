package api

import (
	"net/http"
	"sort"

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
	upload  bool // takes a file: the body limit is the upload limit
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

// routeSets are the route tables of the API's features; each feature's file
// registers its own in init, so a feature is added without editing this one.
var routeSets []func(s *Server) []route

func init() { routeSets = append(routeSets, (*Server).coreRoutes) }

func (s *Server) routeTable() []route {
	var out []route
	for _, set := range routeSets {
		out = append(out, set(s)...)
	}
	return out
}

func (s *Server) coreRoutes() []route {
	contactQuery := append([]param{
		{"search", "string", "substring of name, email, company or phone (any written form of its digits)"},
		{"tag", "string", "only contacts with this tag"},
		{"status", "string", "active (default), deleted, merged, erased or all"},
		{"created_after", "string", "RFC 3339 time or date: created at or after"},
		{"created_before", "string", "RFC 3339 time or date: created before"},
		{"dnc", "boolean", "true: only contacts marked do-not-call; false: only the others"},
		{"segment_id", "integer", "only members of this segment (static or dynamic)"},
		{"rules", "string", `a rule tree as JSON, as for dynamic segments: {"all":[{"field":"city","op":"eq","value":"Pune"}]}`},
	}, pagingParams...)
	return []route{
		{"GET", "/healthz", "", s.healthz, operation{id: "healthz", summary: "Liveness and database check", tag: "operations", status: 200, result: "Health"}, false},
		{"GET", "/metrics", "", s.serveMetrics, operation{id: "metrics", summary: "Prometheus metrics", tag: "operations", status: 200, raw: "text/plain"}, false},
		{"GET", "/api/v1/openapi.json", contactd.RoleRead, s.openAPI, operation{id: "openapi", summary: "This document", tag: "operations", status: 200, raw: "application/json"}, false},

		{"GET", "/api/v1/contacts", contactd.RoleRead, s.listContacts, operation{id: "listContacts", summary: "List and search contacts", tag: "contacts", query: contactQuery, status: 200, result: "ContactList"}, false},
		{"POST", "/api/v1/contacts", contactd.RoleWrite, s.createContact, operation{id: "createContact", summary: "Create a contact", tag: "contacts", query: []param{{"default_region", "string", "region for national phone forms"}}, body: "ContactCreate", status: 201, result: "Contact"}, false},
		{"GET", "/api/v1/contacts/{id}", contactd.RoleRead, s.getContact, operation{id: "getContact", summary: "Get a contact (any status)", tag: "contacts", status: 200, result: "Contact"}, false},
		{"PATCH", "/api/v1/contacts/{id}", contactd.RoleWrite, s.patchContact, operation{id: "updateContact", summary: "Update given fields; If-Match or version makes it conditional", tag: "contacts", body: "ContactPatch", status: 200, result: "Contact"}, false},
		{"DELETE", "/api/v1/contacts/{id}", contactd.RoleWrite, s.deleteContact, operation{id: "deleteContact", summary: "Logical delete (restorable)", tag: "contacts", status: 200, result: "Contact"}, false},
		{"POST", "/api/v1/contacts/{id}/restore", contactd.RoleWrite, s.restoreContact, operation{id: "restoreContact", summary: "Undo a logical delete", tag: "contacts", status: 200, result: "Contact"}, false},

		{method: "POST", pattern: "/api/v1/contacts/import", role: contactd.RoleWrite, handle: s.createImport, upload: true, op: operation{id: "importContacts", summary: "Upload a CSV, TSV or XLSX file of contacts; dry_run=true previews it", tag: "imports", body: "ImportForm", status: 202, result: "ContactImport"}},
		{"GET", "/api/v1/contact-imports", contactd.RoleRead, s.listImports, operation{id: "listImports", summary: "Import jobs, newest first", tag: "imports", query: pagingParams, status: 200, result: "ContactImportList"}, false},
		{"GET", "/api/v1/contact-imports/{id}", contactd.RoleRead, s.getImport, operation{id: "getImport", summary: "An import job and its counts", tag: "imports", status: 200, result: "ContactImport"}, false},
		{"GET", "/api/v1/contact-imports/{id}/error_report", contactd.RoleRead, s.importErrorReport, operation{id: "importErrorReport", summary: "CSV of the failed rows with row_number, error_field, error_code, error_message", tag: "imports", status: 200, raw: "text/csv"}, false},
		{"POST", "/api/v1/contact-imports/{id}/cancel", contactd.RoleWrite, s.cancelImport, operation{id: "cancelImport", summary: "Stop an import between batches; committed rows stay", tag: "imports", status: 202, result: "ContactImport"}, false},

		{"GET", "/api/v1/audit_events", contactd.RoleRead, s.listAuditEvents, operation{id: "listAuditEvents", summary: "Who changed what, when", tag: "audit", query: append([]param{{"contact_id", "integer", "only events about this contact"}, {"action", "string", "only this action, e.g. contact.updated"}}, pagingParams...), status: 200, result: "AuditEventList"}, false},

		{"GET", "/api/v1/api_keys", contactd.RoleAdmin, s.listAPIKeys, operation{id: "listAPIKeys", summary: "List the workspace's API keys (never their secrets)", tag: "admin", status: 200, result: "APIKeyList"}, false},
		{"POST", "/api/v1/api_keys", contactd.RoleAdmin, s.createAPIKey, operation{id: "createAPIKey", summary: "Create an API key; the key is shown once", tag: "admin", body: "APIKeyCreate", status: 201, result: "APIKey"}, false},
		{"DELETE", "/api/v1/api_keys/{id}", contactd.RoleAdmin, s.revokeAPIKey, operation{id: "revokeAPIKey", summary: "Revoke an API key", tag: "admin", status: 200, result: "APIKey"}, false},
		{"GET", "/api/v1/workspace", contactd.RoleAdmin, s.getWorkspace, operation{id: "getWorkspace", summary: "Workspace settings", tag: "admin", status: 200, result: "Workspace"}, false},
		{"PATCH", "/api/v1/workspace", contactd.RoleAdmin, s.patchWorkspace, operation{id: "updateWorkspace", summary: "Change workspace settings", tag: "admin", body: "WorkspacePatch", status: 200, result: "Workspace"}, false},
	}
}

// allowedMethods lists the methods the mux would route for r's path, so
// that a known path called with the wrong method answers 405 with Allow
// rather than 404.
func (s *Server) allowedMethods(r *http.Request) []string {
	var out []string
	seen := map[string]bool{}
	for _, rt := range s.routes {
		if seen[rt.method] {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = rt.method
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			seen[rt.method] = true
			out = append(out, rt.method)
		}
	}
	sort.Strings(out)
	return out
}

// RouteInfo describes a route for tests and tools that walk every endpoint
// (the tenant isolation and bad-input tests are generated from it).
type RouteInfo struct {
	Method  string
	Pattern string
	Role    contactd.Role
	HasBody bool // takes a JSON body
	Upload  bool // takes a multipart file
}

// Routes lists every route the server answers.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.method, Pattern: rt.pattern, Role: rt.role, HasBody: rt.op.body != "" && !rt.upload, Upload: rt.upload}
	}
	return out
}
