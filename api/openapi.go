package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// openAPIDocument builds the OpenAPI 3.1 document from the route table and
// the schemas below. A golden test pins it (api/testdata/openapi.json).
func (s *Server) openAPIDocument() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.routes {
		item, _ := paths[rt.pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.pattern] = item
		}
		item[strings.ToLower(rt.method)] = operationDoc(rt)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "contactd",
			"version": "1",
			"description": "Contacts for outbound calling: import, dedupe, segment, suppress, export. Errors are application/problem+json with a stable code. " +
				"Every answer carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; a 429 carries Retry-After.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"apiKey": []any{}}, map[string]any{"bearer": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"apiKey": map[string]any{"type": "apiKey", "in": "header", "name": "X-Api-Key"},
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
			},
			"schemas": allSchemas(),
		},
	}
}

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

func operationDoc(rt route) map[string]any {
	op := map[string]any{
		"operationId": rt.op.id,
		"summary":     rt.op.summary,
		"tags":        []any{rt.op.tag},
	}
	if rt.role == "" {
		op["security"] = []any{}
	} else {
		op["x-required-role"] = string(rt.role)
	}
	var params []any
	for _, m := range pathParamRE.FindAllStringSubmatch(rt.pattern, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
			"schema": map[string]any{"type": "integer", "minimum": 1}})
	}
	for _, p := range rt.op.query {
		params = append(params, map[string]any{"name": p.name, "in": "query", "description": p.desc, "schema": map[string]any{"type": p.typ}})
	}
	if rt.method == "PATCH" || (rt.method == "DELETE" && strings.HasPrefix(rt.pattern, "/api/v1/contacts/")) {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "description": "the contact's ETag or version; a stale one answers 412", "schema": map[string]any{"type": "string"}})
	}
	if rt.method == "POST" && rt.role != "" {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "description": "makes a retry safe: for 24 hours the same key and request get the first answer again (with Idempotent-Replayed: true); 1 to 255 printable characters, e.g. a UUID", "schema": map[string]any{"type": "string", "maxLength": 255}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.op.body != "" {
		media := "application/json"
		if rt.upload {
			media = "multipart/form-data"
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			media: map[string]any{"schema": ref(rt.op.body)}}}
	}
	responses := map[string]any{}
	ok := map[string]any{"description": http.StatusText(rt.op.status)}
	switch {
	case rt.op.result != "":
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.op.result)}}
	case rt.op.raw != "":
		ok["content"] = map[string]any{rt.op.raw: map[string]any{}}
	}
	responses[strconv.Itoa(rt.op.status)] = ok
	if rt.upload {
		responses["200"] = map[string]any{"description": "the dry run's preview (dry_run=true)",
			"content": map[string]any{"application/json": map[string]any{"schema": ref("ImportPreview")}}}
	}
	for _, st := range errorStatuses(rt) {
		responses[strconv.Itoa(st)] = map[string]any{"description": http.StatusText(st),
			"content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
	}
	op["responses"] = responses
	return op
}

// errorStatuses lists the problems a route can answer.
func errorStatuses(rt route) []int {
	var out []int
	if rt.role != "" {
		out = append(out, 401, 403)
	}
	if rt.op.body != "" {
		out = append(out, 400, 413, 415, 422)
	} else if len(rt.op.query) > 0 || strings.Contains(rt.pattern, "{") {
		out = append(out, 400)
	}
	if strings.Contains(rt.pattern, "{") {
		out = append(out, 404)
	}
	if (strings.HasPrefix(rt.pattern, "/api/v1/contacts") || strings.HasSuffix(rt.pattern, "/cancel")) && rt.method != "GET" {
		out = append(out, 409)
	}
	if rt.method == "PATCH" && strings.HasPrefix(rt.pattern, "/api/v1/contacts/") || rt.method == "DELETE" && rt.pattern == "/api/v1/contacts/{id}" {
		out = append(out, 412)
	}
	if rt.method == "POST" && rt.role != "" { // Idempotency-Key
		out = append(out, 400, 409, 422)
	}
	out = append(out, 429) // rate limits, and too_many_imports
	if rt.pattern == "/healthz" || !untimed(rt) {
		out = append(out, 503)
	}
	return out
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := json.MarshalIndent(s.openAPIDocument(), "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}
