package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/api"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// env is a real server on a real database with two workspaces: acme, with a
// key of each role, and globex, whose admin key must never see acme's data.
type env struct {
	t                  *testing.T
	db                 *store.DB
	srv                *httptest.Server
	admin, write, read string
	other              string
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := seedEnv(t, storetest.Open(t, engine))
	e.serve(api.Options{})
	return e
}

// seedEnv makes the two workspaces and their keys on db; serve (in
// abuse_test.go) starts the server.
func seedEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, db: db}
	acme, err := db.CreateWorkspace(ctx, "acme", "IN")
	if err != nil {
		t.Fatal(err)
	}
	globex, err := db.CreateWorkspace(ctx, "globex", "US")
	if err != nil {
		t.Fatal(err)
	}
	key := func(ws int64, role contactd.Role) string {
		k, err := db.CreateAPIKey(ctx, ws, string(role), role, nil)
		if err != nil {
			t.Fatal(err)
		}
		return k.Secret
	}
	e.admin, e.write, e.read = key(acme.ID, contactd.RoleAdmin), key(acme.ID, contactd.RoleWrite), key(acme.ID, contactd.RoleRead)
	e.other = key(globex.ID, contactd.RoleAdmin)
	return e
}

// eachEnv runs fn on every engine.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) { fn(t, newEnv(t, engine)) })
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// do sends a request; body may be nil, a string (sent as is) or a value to
// encode as JSON.
func (e *env) do(method, path, key string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// wantProblem checks a problem+json answer with status and code.
func wantProblem(t *testing.T, r response, status int, code string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	p := r.json(t)
	if p["code"] != code {
		t.Fatalf("code %v, want %s: %s", p["code"], code, r.body)
	}
	if p["detail"] == "" || p["request_id"] == "" || p["status"] != float64(status) {
		t.Fatalf("problem lacks detail, request_id or status: %s", r.body)
	}
	return p
}

func (e *env) createContact(body map[string]any) map[string]any {
	e.t.Helper()
	r := e.do("POST", "/api/v1/contacts", e.write, body)
	if r.status != 201 {
		e.t.Fatalf("create contact: %d %s", r.status, r.body)
	}
	return r.json(e.t)
}

// upload posts a multipart import with fields and one file (none when
// filename is "").
func (e *env) upload(key string, fields map[string]string, filename, content string) response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		io.WriteString(fw, content)
	}
	mw.Close()
	return e.do("POST", "/api/v1/contacts/import", key, buf.Bytes(), "Content-Type", mw.FormDataContentType())
}
