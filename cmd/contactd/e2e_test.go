package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/api"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// TestEndToEnd runs the real binary on each engine, as an operator would:
// first start with CONTACTD_BOOTSTRAP_KEY, a second workspace and a read key
// from the command line while the server runs, a contact's whole life over
// HTTP, another workspace's admin key thrown at every route that takes an id,
// metrics and the OpenAPI document, SIGTERM, and a restart on the same data.
func TestEndToEnd(t *testing.T) {
	began := time.Now()
	contactdBinary(t)
	t.Logf("go build: %v", time.Since(began).Round(time.Millisecond))
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			began := time.Now()
			e := startE2E(t, engine)
			e.contactLifecycle(t)
			e.otherWorkspaceSeesNothing(t)
			e.operations(t)
			e.restart(t)
			t.Logf("%s: %v", engine, time.Since(began).Round(time.Millisecond))
		})
	}
}

// A first start without CONTACTD_BOOTSTRAP_KEY prints a random admin key once;
// that key works, and a restart neither prints another nor loses it.
func TestEndToEndFirstStartPrintsKey(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	srv := startServer(t, "first start", dsn)
	m := printedKeyRE.FindAllStringSubmatch(srv.stderr.String(), -1)
	if len(m) != 1 {
		t.Fatalf("want exactly one line \"    cdk_...\" with the admin key on stderr, found %d", len(m))
	}
	key := m[0][1]
	var list contactList
	want(t, srv.do(t, "GET", "/api/v1/contacts", key, nil), 200, &list)
	if list.Total != 0 || len(list.Data) != 0 {
		t.Fatalf("a new workspace lists %d contacts, want 0", list.Total)
	}
	want(t, srv.do(t, "GET", "/api/v1/contacts", "", nil, "Authorization", "Bearer "+key), 200, nil)
	srv.stop(t)

	again := startServer(t, "restart", dsn)
	if printedKeyRE.MatchString(again.stderr.String()) {
		t.Fatalf("the restart printed a new key: a second bootstrap happened")
	}
	want(t, again.do(t, "GET", "/api/v1/contacts", key, nil), 200, nil)
	again.stop(t)
}

// e2e is one run of the binary on one database, and what the walk learns.
type e2e struct {
	dsn       string
	srv       *server
	admin     string // CONTACTD_BOOTSTRAP_KEY: admin of workspace "default"
	read      cliKey // a read key of "default", from the command line
	other     cliKey // the first admin key of "globex", from the command line
	contactID int64  // Rahul, in "default"
	version   int64  // Rahul's version once the walk is done
	importID  int64  // an import job of default's, once there are import routes
}

type contactList struct {
	Data    []contactd.Contact `json:"data"`
	Page    int                `json:"page"`
	PerPage int                `json:"per_page"`
	Total   int64              `json:"total"`
}

type auditList struct {
	Data  []contactd.AuditEvent `json:"data"`
	Total int64                 `json:"total"`
}

type keyList struct {
	Data []contactd.APIKey `json:"data"`
}

func startE2E(t *testing.T, engine string) *e2e {
	e := &e2e{dsn: storetest.DSN(t, engine), admin: randomKey(t)}
	e.srv = startServer(t, "first run", e.dsn, "CONTACTD_BOOTSTRAP_KEY="+e.admin)
	if !e.srv.hasLogMsg("created the admin key from CONTACTD_BOOTSTRAP_KEY") {
		t.Fatalf("the first start did not log that it stored the bootstrap key")
	}

	// The command line works on the database while the server runs.
	e.other = runCLI(t, e.dsn, "workspace", "create", "globex", "--region", "US")
	if e.other.workspace != "globex" || e.other.role != "admin" || !strings.HasPrefix(e.other.secret, "cdk_") {
		t.Fatalf("workspace create printed %+v, want workspace globex, role admin and a cdk_ key", e.other)
	}
	e.read = runCLI(t, e.dsn, "key", "create", "--workspace", "default", "--role", "read")
	if e.read.workspace != "default" || e.read.role != "read" || e.read.workspaceID == e.other.workspaceID {
		t.Fatalf("key create printed %+v, want a read key of workspace default", e.read)
	}
	return e
}

func (e *e2e) contactPath() string { return fmt.Sprintf("/api/v1/contacts/%d", e.contactID) }

// contactLifecycle walks a contact through create, conflict, search,
// conditional update, roles, delete, restore and its audit trail.
func (e *e2e) contactLifecycle(t *testing.T) {
	srv := e.srv

	r := srv.do(t, "POST", "/api/v1/contacts", e.admin, map[string]any{
		"phone_e164": "+91 99000 00001", "first_name": "Rahul", "last_name": "Sharma",
		"email": "rahul@example.com", "company": "Acme Realty",
	})
	var c contactd.Contact
	want(t, r, 201, &c)
	if c.ID <= 0 || c.PhoneE164 != "+919900000001" || c.FirstName != "Rahul" || c.LastName != "Sharma" ||
		c.Email != "rahul@example.com" || c.Company != "Acme Realty" || c.Status != "active" || c.Version != 1 {
		t.Fatalf("%v\nwant Rahul active at version 1 with phone +919900000001", r)
	}
	e.contactID = c.ID
	if loc := r.header.Get("Location"); loc != e.contactPath() {
		t.Fatalf("%v\nLocation %q, want %q", r, loc, e.contactPath())
	}
	if et := r.header.Get("ETag"); et != `"1"` {
		t.Fatalf("%v\nETag %q, want \"1\"", r, et)
	}
	want(t, srv.do(t, "GET", e.contactPath(), e.admin, nil), 200, &c)
	if c.ID != e.contactID || c.PhoneE164 != "+919900000001" {
		t.Fatalf("GET %s answered contact %d with phone %s", e.contactPath(), c.ID, c.PhoneE164)
	}

	// The same number written the national way is the same live phone.
	p := wantProblem(t, srv.do(t, "POST", "/api/v1/contacts", e.admin, map[string]any{"phone_e164": "09900000001"}), 409, contactd.EConflict)
	if p.ExistingID != e.contactID {
		t.Fatalf("conflict names existing_id %d, want %d", p.ExistingID, e.contactID)
	}

	for _, q := range []string{"ahul", "09900000001", "acme"} {
		e.wantList(t, e.admin, "?search="+url.QueryEscape(q), e.contactID)
	}
	e.wantList(t, e.admin, "?search=nobody-here")

	// Conditional update: a stale ETag changes nothing, the right one does.
	wantProblem(t, srv.do(t, "PATCH", e.contactPath(), e.admin, map[string]any{"city": "Pune"}, "If-Match", `"7"`), 412, contactd.EPreconditionFailed)
	want(t, srv.do(t, "GET", e.contactPath(), e.admin, nil), 200, &c)
	if c.Version != 1 || c.City != "" {
		t.Fatalf("a PATCH with a stale If-Match changed the contact: version %d, city %q", c.Version, c.City)
	}
	r = srv.do(t, "PATCH", e.contactPath(), e.admin, map[string]any{"city": "Pune"}, "If-Match", `"1"`)
	want(t, r, 200, &c)
	if c.Version != 2 || c.City != "Pune" || c.FirstName != "Rahul" {
		t.Fatalf("%v\nwant version 2, city Pune, the rest kept", r)
	}
	if et := r.header.Get("ETag"); et != `"2"` {
		t.Fatalf("%v\nETag %q, want \"2\"", r, et)
	}

	// Roles: a read key reads but cannot write; no key is a 401.
	want(t, srv.do(t, "GET", e.contactPath(), e.read.secret, nil), 200, nil)
	wantProblem(t, srv.do(t, "POST", "/api/v1/contacts", e.read.secret, map[string]any{"phone_e164": "+919900000002"}), 403, contactd.EForbidden)
	r = srv.do(t, "GET", "/api/v1/contacts", "", nil)
	wantProblem(t, r, 401, contactd.EUnauthorized)
	if r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("%v\n401 without WWW-Authenticate", r)
	}
	e.wantList(t, e.admin, "", e.contactID) // the read key's POST wrote nothing

	// Logical delete and restore.
	r = srv.do(t, "DELETE", e.contactPath(), e.admin, nil)
	want(t, r, 200, &c)
	if c.Status != "deleted" || c.Version <= 2 {
		t.Fatalf("%v\nwant status deleted and a version past 2", r)
	}
	deletedVersion := c.Version
	e.wantList(t, e.admin, "")
	e.wantList(t, e.admin, "?status=deleted", e.contactID)
	r = srv.do(t, "POST", e.contactPath()+"/restore", e.admin, nil)
	want(t, r, 200, &c)
	if c.Status != "active" || c.Version <= deletedVersion || c.City != "Pune" {
		t.Fatalf("%v\nwant status active, city Pune and a version past %d", r, deletedVersion)
	}
	e.version = c.Version
	e.wantList(t, e.admin, "", e.contactID)

	var audit auditList
	want(t, srv.do(t, "GET", fmt.Sprintf("/api/v1/audit_events?contact_id=%d", e.contactID), e.admin, nil), 200, &audit)
	sort.Slice(audit.Data, func(i, j int) bool { return audit.Data[i].ID < audit.Data[j].ID })
	var actions []string
	for _, ev := range audit.Data {
		actions = append(actions, ev.Action)
		if ev.ContactID == nil || *ev.ContactID != e.contactID || ev.ActorKey == nil || ev.At.IsZero() {
			t.Errorf("audit event %+v: want contact_id %d, actor_key_id and at", ev, e.contactID)
		}
	}
	wantActions := []string{contactd.ActionContactCreated, contactd.ActionContactUpdated, contactd.ActionContactDeleted, contactd.ActionContactRestored}
	if strings.Join(actions, " ") != strings.Join(wantActions, " ") || audit.Total != 4 {
		t.Fatalf("audit of contact %d: %v (total %d), want %v", e.contactID, actions, audit.Total, wantActions)
	}
}

// wantList requires GET /api/v1/contacts+query with key to list exactly ids.
func (e *e2e) wantList(t *testing.T, key, query string, ids ...int64) {
	t.Helper()
	r := e.srv.do(t, "GET", "/api/v1/contacts"+query, key, nil)
	var list contactList
	want(t, r, 200, &list)
	var got []int64
	for _, c := range list.Data {
		got = append(got, c.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) || list.Total != int64(len(ids)) {
		t.Fatalf("%v\nwant ids %v, total %d", r, ids, len(ids))
	}
}

// otherWorkspaceSeesNothing throws globex's admin key at every route that
// takes an id, with default's ids: each must answer 404 exactly as for an id
// that does not exist, and change nothing. Lists, search and the audit log
// must not show default's data either.
func (e *e2e) otherWorkspaceSeesNothing(t *testing.T) {
	srv := e.srv
	var keys keyList
	want(t, srv.do(t, "GET", "/api/v1/api_keys", e.admin, nil), 200, &keys)
	var readKeyID int64
	for _, k := range keys.Data {
		if k.Role == contactd.RoleRead && k.Prefix != "" && strings.HasPrefix(e.read.secret, k.Prefix) {
			readKeyID = k.ID
		}
	}
	if readKeyID == 0 {
		t.Fatalf("GET /api/v1/api_keys of default does not list the read key made on the command line: %+v", keys.Data)
	}
	contactAudit := e.auditTotal(t, e.admin, fmt.Sprintf("?contact_id=%d", e.contactID))

	// The routes come from the server's own table, so that a route added
	// later is covered too; the ones every version has must be among them.
	required := map[string]bool{
		"GET /api/v1/contacts/{id}": false, "PATCH /api/v1/contacts/{id}": false, "DELETE /api/v1/contacts/{id}": false,
		"POST /api/v1/contacts/{id}/restore": false, "DELETE /api/v1/api_keys/{id}": false,
	}
	var idRoutes []api.RouteInfo
	for _, rt := range api.New(nil, slog.New(slog.DiscardHandler), api.Options{}).Routes() {
		if strings.Contains(rt.Pattern, "{id}") {
			idRoutes = append(idRoutes, rt)
		}
		if e.importID == 0 && strings.HasPrefix(rt.Pattern, "/api/v1/contact-imports/{id}") {
			e.importID = e.createImport(t) // the import routes need an import of default's
		}
	}
	for _, rt := range idRoutes {
		name := rt.Method + " " + rt.Pattern
		if _, ok := required[name]; ok {
			required[name] = true
		}
		t.Run(name, func(t *testing.T) {
			var id int64
			switch {
			case strings.HasPrefix(rt.Pattern, "/api/v1/contacts/"):
				id = e.contactID
			case strings.HasPrefix(rt.Pattern, "/api/v1/api_keys/"):
				id = readKeyID
			case strings.HasPrefix(rt.Pattern, "/api/v1/contact-imports/"):
				id = e.importID
			default:
				// api/matrix_test.go tries every route of the table with
				// another workspace's key and a fixture of its own; this
				// walk of the real binary covers the routes of the spine.
				t.Skipf("%s: covered by api/matrix_test.go", rt.Pattern)
			}
			var body any
			if rt.HasBody {
				if rt.Method != "PATCH" || rt.Pattern != "/api/v1/contacts/{id}" {
					t.Skipf("%s takes a body: covered by api/matrix_test.go with a valid one", rt.Pattern)
				}
				body = map[string]any{"city": "Hacked"}
			}
			at := func(id int64) string { return strings.Replace(rt.Pattern, "{id}", strconv.FormatInt(id, 10), 1) }
			const missing = 987654321
			got := wantProblem(t, srv.do(t, rt.Method, at(id), e.other.secret, body), 404, contactd.ENotFound)
			none := wantProblem(t, srv.do(t, rt.Method, at(missing), e.other.secret, body), 404, contactd.ENotFound)
			if d := strings.ReplaceAll(none.Detail, strconv.Itoa(missing), strconv.FormatInt(id, 10)); got.Detail != d {
				t.Errorf("%s with another workspace's id says %q; for an id that does not exist it says %q: the difference tells the id exists",
					name, got.Detail, none.Detail)
			}
		})
	}
	for name, seen := range required {
		if !seen {
			t.Errorf("route %s is not in the server's route table", name)
		}
	}

	// Nothing of default's changed.
	var c contactd.Contact
	r := srv.do(t, "GET", e.contactPath(), e.admin, nil)
	want(t, r, 200, &c)
	if c.Version != e.version || c.Status != "active" || c.City != "Pune" || c.FirstName != "Rahul" {
		t.Fatalf("%v\nafter globex's requests, want the contact unchanged: version %d, active, city Pune", r, e.version)
	}
	want(t, srv.do(t, "GET", "/api/v1/api_keys", e.admin, nil), 200, &keys)
	for _, k := range keys.Data {
		if k.RevokedAt != nil {
			t.Errorf("default's key %d (%s) was revoked", k.ID, k.Role)
		}
	}
	want(t, srv.do(t, "GET", "/api/v1/contacts", e.read.secret, nil), 200, nil)
	if n := e.auditTotal(t, e.admin, fmt.Sprintf("?contact_id=%d", e.contactID)); n != contactAudit {
		t.Errorf("the audit trail of default's contact went from %d to %d events during globex's requests", contactAudit, n)
	}
	var audit auditList
	want(t, srv.do(t, "GET", "/api/v1/audit_events?per_page=500", e.admin, nil), 200, &audit)
	globexKey := globexKeyID(t, e)
	for _, ev := range audit.Data {
		if ev.ActorKey != nil && *ev.ActorKey == globexKey {
			t.Errorf("default's audit log holds an event by globex's key: %+v", ev)
		}
	}

	// globex's lists, search and audit log hold nothing of default's.
	for _, q := range []string{"", "?search=ahul", "?search=09900000001", "?search=%2B919900000001", "?search=acme", "?status=all", "?status=deleted"} {
		e.wantList(t, e.other.secret, q)
	}
	want(t, srv.do(t, "GET", fmt.Sprintf("/api/v1/audit_events?contact_id=%d", e.contactID), e.other.secret, nil), 200, &audit)
	if audit.Total != 0 || len(audit.Data) != 0 {
		t.Errorf("globex sees %d audit events of default's contact %d", audit.Total, e.contactID)
	}
	want(t, srv.do(t, "GET", "/api/v1/audit_events?per_page=500", e.other.secret, nil), 200, &audit)
	for _, ev := range audit.Data {
		if ev.ContactID != nil {
			t.Errorf("globex, which has no contacts, sees audit event %+v", ev)
		}
	}
	want(t, srv.do(t, "GET", "/api/v1/api_keys", e.other.secret, nil), 200, &keys)
	for _, k := range keys.Data {
		if k.WorkspaceID != e.other.workspaceID || k.ID == readKeyID {
			t.Errorf("globex's key list shows key %d of workspace %d", k.ID, k.WorkspaceID)
		}
	}
	var ws contactd.Workspace
	want(t, srv.do(t, "GET", "/api/v1/workspace", e.other.secret, nil), 200, &ws)
	if ws.ID != e.other.workspaceID || ws.Name != "globex" || ws.DefaultRegion != "US" {
		t.Errorf("globex's key sees workspace %+v", ws)
	}

	// Phones are unique per workspace, not across them.
	r = srv.do(t, "POST", "/api/v1/contacts", e.other.secret, map[string]any{"phone_e164": "+91 99000 00001", "first_name": "Other"})
	var theirs contactd.Contact
	want(t, r, 201, &theirs)
	if theirs.ID == e.contactID || theirs.PhoneE164 != "+919900000001" {
		t.Fatalf("%v\nwant a new contact of globex's own", r)
	}
	e.wantList(t, e.other.secret, "", theirs.ID)
	e.wantList(t, e.admin, "", e.contactID)
	e.wantList(t, e.admin, "?search=other")
}

// createdRE is the counter of successful contact creates.
var createdRE = regexp.MustCompile(`(?m)^contactd_http_requests_total\{method="POST",route="/api/v1/contacts",status="201"\} (\d+)$`)

func (e *e2e) operations(t *testing.T) {
	srv := e.srv
	r := srv.do(t, "GET", "/metrics", "", nil)
	if r.status != 200 {
		t.Fatalf("%v\nwant 200", r)
	}
	m := createdRE.FindSubmatch(r.body)
	if m == nil || string(m[1]) != "2" { // Rahul in default, Other in globex
		t.Fatalf("GET /metrics lacks contactd_http_requests_total{method=\"POST\",route=\"/api/v1/contacts\",status=\"201\"} 2:\n%s", tail(string(r.body), 30))
	}
	if regexp.MustCompile(`route="[^"]*/\d`).Match(r.body) {
		t.Errorf("GET /metrics labels a route with a concrete id instead of the pattern:\n%s", r.body)
	}

	wantProblem(t, srv.do(t, "GET", "/api/v1/openapi.json", "", nil), 401, contactd.EUnauthorized)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	r = srv.do(t, "GET", "/api/v1/openapi.json", e.read.secret, nil)
	want(t, r, 200, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Paths["/api/v1/contacts/{id}"]["patch"] == nil {
		t.Fatalf("GET /api/v1/openapi.json: openapi %q with %d paths, want an OpenAPI 3 document describing PATCH /api/v1/contacts/{id}", doc.OpenAPI, len(doc.Paths))
	}
}

// restart stops the server with SIGTERM and starts it again on the same
// database: the data is there, the keys work, and nothing is bootstrapped
// twice.
func (e *e2e) restart(t *testing.T) {
	first := e.srv
	first.stop(t)
	if !first.hasLogMsg("stopped") {
		t.Fatalf("contactd exited on SIGTERM without logging \"stopped\"")
	}
	if _, plain := first.logRecords(); len(plain) > 0 {
		t.Errorf("with CONTACTD_LOG_FORMAT=json, contactd wrote lines that are not JSON:\n%s", strings.Join(plain, "\n"))
	}

	e.srv = startServer(t, "restart", e.dsn, "CONTACTD_BOOTSTRAP_KEY="+e.admin)
	srv := e.srv
	if srv.hasLogMsg("created workspace") || printedKeyRE.MatchString(srv.stderr.String()) {
		t.Fatalf("the restart bootstrapped the database again")
	}
	var c contactd.Contact
	r := srv.do(t, "GET", e.contactPath(), e.admin, nil)
	want(t, r, 200, &c)
	if c.Version != e.version || c.Status != "active" || c.PhoneE164 != "+919900000001" || c.City != "Pune" {
		t.Fatalf("%v\nafter the restart, want the contact as it was: version %d, active, city Pune", r, e.version)
	}
	e.wantList(t, e.admin, "?search=rahul", e.contactID)
	want(t, srv.do(t, "GET", "/api/v1/contacts", e.read.secret, nil), 200, nil)
	var list contactList
	want(t, srv.do(t, "GET", "/api/v1/contacts", e.other.secret, nil), 200, &list)
	if list.Total != 1 {
		t.Errorf("after the restart globex lists %d contacts, want its 1", list.Total)
	}

	if e.importID != 0 {
		e.wantImportFinished(t)
	}

	srv.stop(t)
	if !srv.hasLogMsg("stopped") {
		t.Errorf("the restarted contactd exited on SIGTERM without logging \"stopped\"")
	}
	if _, plain := srv.logRecords(); len(plain) > 0 {
		t.Errorf("with CONTACTD_LOG_FORMAT=json, the restarted contactd wrote lines that are not JSON:\n%s", strings.Join(plain, "\n"))
	}
}

func (e *e2e) auditTotal(t *testing.T, key, query string) int64 {
	t.Helper()
	var audit auditList
	want(t, e.srv.do(t, "GET", "/api/v1/audit_events"+query, key, nil), 200, &audit)
	return audit.Total
}

// globexKeyID is the id of the key globex's requests come with.
func globexKeyID(t *testing.T, e *e2e) int64 {
	t.Helper()
	var keys keyList
	want(t, e.srv.do(t, "GET", "/api/v1/api_keys", e.other.secret, nil), 200, &keys)
	for _, k := range keys.Data {
		if k.Prefix != "" && strings.HasPrefix(e.other.secret, k.Prefix) {
			return k.ID
		}
	}
	t.Fatalf("globex's key is not in its own key list: %+v", keys.Data)
	return 0
}

// createImport queues an import in default whose only row is invalid, so
// that it gives the import routes an id without adding contacts.
func (e *e2e) createImport(t *testing.T) int64 {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "contacts.csv")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, "Phone,First Name\r\nnot a phone,Ghost\r\n")
	mw.WriteField("column_mapping", `{"Phone":"phone_e164","First Name":"first_name"}`)
	mw.Close()
	r := e.srv.do(t, "POST", "/api/v1/contacts/import", e.admin, body.String(), "Content-Type", mw.FormDataContentType())
	var job struct {
		ID int64 `json:"id"`
	}
	want(t, r, 202, &job)
	if job.ID <= 0 || r.header.Get("Location") != fmt.Sprintf("/api/v1/contact-imports/%d", job.ID) {
		t.Fatalf("%v\nwant a job with an id and its Location", r)
	}
	return job.ID
}

// wantImportFinished requires the import job, queued before the restart, to
// have been run by the binary's own job runner: its one bad row failed.
func (e *e2e) wantImportFinished(t *testing.T) {
	t.Helper()
	path := fmt.Sprintf("/api/v1/contact-imports/%d", e.importID)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.srv.do(t, "GET", path, e.admin, nil)
		var job contactd.ContactImport
		want(t, r, 200, &job)
		switch job.Status {
		case contactd.JobQueued, contactd.JobRunning:
			if time.Now().After(deadline) {
				t.Fatalf("%v\nthe import is still %s 10s after the restart: is the job runner started?", r, job.Status)
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if job.Status != contactd.JobCompleted || job.TotalRows != 1 || job.Failed != 1 || job.Created != 0 {
			t.Fatalf("%v\nwant the import completed with its 1 row failed and nothing created", r)
		}
		return
	}
}
