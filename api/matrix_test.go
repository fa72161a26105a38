package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/api"
)

// routes returns the server's route table; the matrices below are generated
// from it so that a new route cannot be left out.
func routes(e *env) []api.RouteInfo {
	return api.New(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{}).Routes()
}

// validBody is a body each body-taking route accepts, so that a test can get
// past decoding to the check it is about.
func validBody(r api.RouteInfo) map[string]any {
	switch {
	case r.Pattern == "/api/v1/contacts":
		return map[string]any{"phone_e164": "+919911111111"}
	case strings.HasSuffix(r.Pattern, "/dnc") && strings.HasPrefix(r.Pattern, "/api/v1/contacts/"):
		return map[string]any{"reason": "asked on a call"}
	case strings.HasSuffix(r.Pattern, "/consents"):
		return map[string]any{"channel": "voice", "status": "granted", "source": "web_form"}
	case r.Pattern == "/api/v1/dnc":
		return map[string]any{"phone_e164": "+919911111112"}
	case r.Pattern == "/api/v1/dnc/lists":
		return map[string]any{"name": "national", "region": "IN", "max_age_days": 31}
	case strings.HasPrefix(r.Pattern, "/api/v1/compliance/check"):
		return map[string]any{"phones": []string{"+919911111113"}}
	case strings.HasSuffix(r.Pattern, "/merge"):
		return map[string]any{"secondary_ids": []int64{999999998}}
	case r.Pattern == "/api/v1/contacts/duplicates/dismiss":
		return map[string]any{"contact_ids": []int64{999999998, 999999999}}
	case strings.HasPrefix(r.Pattern, "/api/v1/contacts/"):
		return map[string]any{"city": "Elsewhere"}
	case r.Pattern == "/api/v1/api_keys":
		return map[string]any{"role": "read"}
	case r.Pattern == "/api/v1/workspace":
		return map[string]any{"default_region": "IN"}
	case r.Pattern == "/api/v1/contact_segments":
		return map[string]any{"name": "matrix"}
	case strings.HasPrefix(r.Pattern, "/api/v1/contact_segments/") && strings.HasSuffix(r.Pattern, "/contacts"):
		return map[string]any{"contact_ids": []int64{1}}
	case strings.HasPrefix(r.Pattern, "/api/v1/contact_segments/"):
		return map[string]any{"description": "changed"}
	case r.Pattern == "/api/v1/contact-exports":
		return map[string]any{"format": "csv"}
	}
	return map[string]any{}
}

// fixture is acme's data the matrices aim at.
type fixture struct {
	contactID, keyID, importID int64
	dncID, dncImportID         int64
	segmentID, exportID        int64
}

func newFixture(t *testing.T, e *env) fixture {
	c := e.createContact(map[string]any{"phone_e164": "+919900000001", "first_name": "Rahul", "email": "rahul@example.com"})
	k := e.do("POST", "/api/v1/api_keys", e.admin, map[string]any{"role": "read", "name": "victim"}).json(t)
	imp := e.upload(e.write, map[string]string{"mode": "create_only"}, "contacts.csv", "Phone,Name\n+919900000001,Rahul\n")
	if imp.status != 202 {
		t.Fatalf("upload: %d %s", imp.status, imp.body)
	}
	dnc := e.do("POST", "/api/v1/dnc", e.write, map[string]any{"phone_e164": "+919922222222"})
	dncImp := e.uploadDNC(e.write, nil, "numbers.txt", "+919922222223\n")
	if dnc.status != 201 || dncImp.status != 202 {
		t.Fatalf("dnc fixtures: %d %s / %d %s", dnc.status, dnc.body, dncImp.status, dncImp.body)
	}
	seg := e.do("POST", "/api/v1/contact_segments", e.write, map[string]any{"name": "fixture"})
	if seg.status != 201 {
		t.Fatalf("segment fixture: %d %s", seg.status, seg.body)
	}
	segID := int64(seg.json(t)["id"].(float64))
	added := e.do("POST", fmt.Sprintf("/api/v1/contact_segments/%d/contacts", segID), e.write, map[string]any{"contact_ids": []any{c["id"]}})
	exp := e.do("POST", "/api/v1/contact-exports", e.write, map[string]any{"filters": map[string]any{"segment_id": segID}})
	if added.status != 200 || exp.status != 202 {
		t.Fatalf("segment and export fixtures: %d %s / %d %s", added.status, added.body, exp.status, exp.body)
	}
	return fixture{contactID: int64(c["id"].(float64)), keyID: int64(k["id"].(float64)), importID: int64(imp.json(t)["id"].(float64)),
		dncID: int64(dnc.json(t)["id"].(float64)), dncImportID: int64(dncImp.json(t)["id"].(float64)),
		segmentID: segID, exportID: int64(exp.json(t)["id"].(float64))}
}

// path fills {id} with the id of the thing the route is about.
func (f fixture) path(t *testing.T, pattern string) string {
	if !strings.Contains(pattern, "{id}") {
		return pattern
	}
	switch {
	case strings.HasPrefix(pattern, "/api/v1/contacts/"):
		return strings.Replace(pattern, "{id}", fmt.Sprint(f.contactID), 1)
	case strings.HasPrefix(pattern, "/api/v1/contact-imports/"):
		return strings.Replace(pattern, "{id}", fmt.Sprint(f.importID), 1)
	case strings.HasPrefix(pattern, "/api/v1/api_keys/"):
		return strings.Replace(pattern, "{id}", fmt.Sprint(f.keyID), 1)
	case strings.HasPrefix(pattern, "/api/v1/contact_segments/"):
		return strings.Replace(pattern, "{id}", fmt.Sprint(f.segmentID), 1)
	case strings.HasPrefix(pattern, "/api/v1/contact-exports/"):
		return strings.Replace(pattern, "{id}", fmt.Sprint(f.exportID), 1)
	case strings.HasPrefix(pattern, "/api/v1/dnc/imports/"):
		return strings.Replace(pattern, "{id}", fmt.Sprint(f.dncImportID), 1)
	case strings.HasPrefix(pattern, "/api/v1/dnc/"):
		return strings.Replace(pattern, "{id}", fmt.Sprint(f.dncID), 1)
	}
	t.Fatalf("route %s has an id the matrix does not know: add it to fixture.path", pattern)
	return ""
}

// unchanged checks that acme's contact and key survived a barrage.
func (f fixture) unchanged(t *testing.T, e *env, auditBefore float64) {
	t.Helper()
	c := e.do("GET", fmt.Sprintf("/api/v1/contacts/%d", f.contactID), e.admin, nil).json(t)
	if c["version"] != float64(1) || c["status"] != "active" || c["city"] != "" {
		t.Errorf("acme's contact changed: %v", c)
	}
	keys := e.do("GET", "/api/v1/api_keys", e.admin, nil)
	if strings.Contains(string(keys.body), `"revoked_at":"`) {
		t.Errorf("acme's key was revoked: %s", keys.body)
	}
	if n := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"]; n != auditBefore {
		t.Errorf("audit events went from %v to %v: something was written", auditBefore, n)
	}
}

// Every route, called with another workspace's admin key and acme's ids,
// answers 404 exactly like an id that does not exist, and changes nothing.
func TestOtherWorkspaceGets404(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := newFixture(t, e)
		audit := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"].(float64)
		n := 0
		for _, r := range routes(e) {
			if r.Role == "" {
				continue
			}
			path := f.path(t, r.Pattern)
			var body any
			if r.HasBody {
				body = validBody(r)
			}
			res := e.do(r.Method, path, e.other, body)
			if strings.Contains(r.Pattern, "{id}") {
				wantProblem(t, res, 404, "not_found")
				n++
				continue
			}
			if strings.Contains(string(res.body), "rahul") || strings.Contains(string(res.body), "9900000001") {
				t.Errorf("%s %s with another workspace's key shows acme's data: %s", r.Method, path, res.body)
			}
		}
		if n == 0 {
			t.Fatal("no route with an id was tried")
		}
		f.unchanged(t, e, audit)
	})
}

// Every route refuses bad credentials, roles, ids, bodies and paging with the
// right 4xx, and none of it writes anything.
func TestBadInputsOnEveryRoute(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := newFixture(t, e)
		audit := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"].(float64)
		huge := `{"first_name":"` + strings.Repeat("x", 10<<20) + `"}`
		for _, r := range routes(e) {
			if r.Role == "" {
				continue
			}
			path := f.path(t, r.Pattern)
			name := r.Method + " " + r.Pattern
			t.Run(name, func(t *testing.T) {
				var body any
				if r.HasBody {
					body = validBody(r)
				}
				wantProblem(t, e.do(r.Method, path, "", body), 401, "unauthorized")
				wantProblem(t, e.do(r.Method, path, "cdk_1_wrongwrongwrongwrongwrongwrongwr", body), 401, "unauthorized")
				wantProblem(t, e.do(r.Method, path, "not-a-key-at-all", body), 401, "unauthorized")
				if r.Role != contactd.RoleRead {
					wantProblem(t, e.do(r.Method, path, e.read, body), 403, "forbidden")
				}
				if r.Role == contactd.RoleAdmin {
					wantProblem(t, e.do(r.Method, path, e.write, body), 403, "forbidden")
				}
				key := e.admin
				if strings.Contains(r.Pattern, "{id}") {
					for _, bad := range []string{"abc", "-1", "0", "99999999999999999999", "1.5", "%20"} {
						p := strings.Replace(r.Pattern, "{id}", bad, 1)
						wantProblem(t, e.do(r.Method, p, key, body), 400, "invalid_id")
					}
				}
				if r.HasBody {
					wantProblem(t, e.do(r.Method, path, key, `{"phone_e164": `), 400, "bad_request")
					wantProblem(t, e.do(r.Method, path, key, `{}{}`), 400, "bad_request")
					wantProblem(t, e.do(r.Method, path, key, `[1,2]`), 400, "bad_request")
					wantProblem(t, e.do(r.Method, path, key, ``), 400, "bad_request")
					wantProblem(t, e.do(r.Method, path, key, `{"no_such_field": 1}`), 400, "unknown_field")
					wantProblem(t, e.do(r.Method, path, key, `{"id": 5}`), 400, "unknown_field")
					wantProblem(t, e.do(r.Method, path, key, huge), 413, "body_too_large")
					wantProblem(t, e.do(r.Method, path, key, `{}`, "Content-Type", "application/xml"), 415, "unsupported_media_type")
				}
				if r.Method == "GET" && !strings.Contains(r.Pattern, "{id}") && r.Pattern != "/api/v1/openapi.json" && r.Pattern != "/api/v1/workspace" && r.Pattern != "/api/v1/api_keys" {
					for _, q := range []string{"per_page=0", "per_page=100000", "per_page=-1", "per_page=x", "page=0", "page=-5", "page=abc", "page=99999999999999999999", "cursor=garbage!"} {
						wantProblem(t, e.do("GET", path+"?"+q, key, nil), 400, "invalid_pagination")
					}
				}
			})
		}
		f.unchanged(t, e, audit)
	})
}

// Field-level bad input on the contact writes.
func TestContactFieldErrors(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := newFixture(t, e)
		audit := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"].(float64)
		patch := fmt.Sprintf("/api/v1/contacts/%d", f.contactID)
		cases := []struct {
			method, path string
			body         string
			status       int
			code, field  string
		}{
			{"POST", "/api/v1/contacts", `{"phone_e164":"not a phone"}`, 422, "invalid_phone", "phone_e164"},
			{"POST", "/api/v1/contacts", `{"phone_e164":"+91 123"}`, 422, "invalid_phone", "phone_e164"},
			{"POST", "/api/v1/contacts", `{}`, 422, "invalid_phone", "phone_e164"},
			{"POST", "/api/v1/contacts", `{"phone_e164":"+919900000002","email":"nope@"}`, 422, "invalid_email", "email"},
			{"POST", "/api/v1/contacts", `{"phone_e164":"+919900000002","email":"a b@example.com"}`, 422, "invalid_email", "email"},
			{"POST", "/api/v1/contacts", `{"phone_e164":12345}`, 422, "validation_failed", "phone_e164"},
			{"POST", "/api/v1/contacts", `{"phone_e164":"+919900000002","tags":"vip"}`, 422, "validation_failed", "tags"},
			{"POST", "/api/v1/contacts", `{"phone_e164":"+919900000002","tags":[1]}`, 422, "validation_failed", "tags"},
			{"POST", "/api/v1/contacts", `{"phone_e164":"+919900000002","default_region":"XX"}`, 422, "validation_failed", "default_region"},
			{"POST", "/api/v1/contacts", `{"phone_e164":"+919900000002","custom_fields":{"x":{"y":1}}}`, 422, "validation_failed", "custom_fields.x"},
			{"PATCH", patch, `{"phone_e164":"garbage"}`, 422, "invalid_phone", "phone_e164"},
			{"PATCH", patch, `{"phone_e164":null}`, 422, "invalid_phone", "phone_e164"},
			{"PATCH", patch, `{"email":"@example.com"}`, 422, "invalid_email", "email"},
			{"PATCH", patch, `{"city":5}`, 422, "validation_failed", "city"},
			{"PATCH", patch, `{"version":"x"}`, 422, "validation_failed", "version"},
			{"PATCH", patch, `{"timezone":"Nowhere/Land"}`, 422, "validation_failed", "timezone"},
		}
		for _, tc := range cases {
			p := wantProblem(t, e.do(tc.method, tc.path, e.write, tc.body), tc.status, tc.code)
			errs, _ := p["errors"].([]any)
			if len(errs) == 0 || !strings.HasPrefix(errs[0].(map[string]any)["field"].(string), tc.field) {
				t.Errorf("%s %s: errors %v, want field %s", tc.method, tc.body, p["errors"], tc.field)
			}
		}
		wantProblem(t, e.do("PATCH", patch, e.write, `{"city":"x"}`, "If-Match", "banana"), 400, "bad_request")
		wantProblem(t, e.do("GET", "/api/v1/contacts?created_after=yesterday", e.read, nil), 422, "validation_failed")
		wantProblem(t, e.do("GET", "/api/v1/contacts?status=gone", e.read, nil), 422, "validation_failed")
		wantProblem(t, e.do("GET", "/api/v1/contacts?search="+strings.Repeat("a", 300), e.read, nil), 422, "validation_failed")
		wantProblem(t, e.do("GET", "/api/v1/audit_events?contact_id=abc", e.read, nil), 400, "invalid_id")
		wantProblem(t, e.do("GET", "/api/v1/no/such/route", e.read, nil), 404, "not_found")
		wantProblem(t, e.do("PUT", patch, e.write, nil), 405, "method_not_allowed")
		f.unchanged(t, e, audit)
	})
}
