package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestContactLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.createContact(map[string]any{"phone_e164": "+91 99000 00001", "first_name": "Rahul", "last_name": "Sharma",
			"email": "Rahul@Example.COM", "tags": []string{"vip"}, "custom_fields": map[string]any{"budget": "2cr", "score": 7}})
		id := int64(c["id"].(float64))
		if c["phone_e164"] != "+919900000001" || c["email"] != "Rahul@example.com" || c["version"] != float64(1) {
			t.Fatalf("created: %v", c)
		}
		if c["custom_fields"].(map[string]any)["score"] != float64(7) {
			t.Errorf("number custom field lost its type: %v", c["custom_fields"])
		}
		path := fmt.Sprintf("/api/v1/contacts/%d", id)

		// Same phone in another written form: 409 naming the holder.
		r := e.do("POST", "/api/v1/contacts", e.write, map[string]any{"phone_e164": "09900000001"})
		p := wantProblem(t, r, 409, "conflict")
		if p["existing_id"] != float64(id) {
			t.Errorf("existing_id = %v, want %d", p["existing_id"], id)
		}

		r = e.do("GET", path, e.read, nil)
		if r.status != 200 || r.header.Get("ETag") != `"1"` {
			t.Fatalf("get: %d etag %q", r.status, r.header.Get("ETag"))
		}

		// Conditional PATCH: the right version wins once, then it is stale.
		r = e.do("PATCH", path, e.write, map[string]any{"city": "Pune"}, "If-Match", `"1"`)
		if r.status != 200 || r.json(t)["version"] != float64(2) || r.header.Get("ETag") != `"2"` {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		wantProblem(t, e.do("PATCH", path, e.write, map[string]any{"city": "Mumbai"}, "If-Match", `"1"`), 412, "precondition_failed")
		wantProblem(t, e.do("PATCH", path, e.write, map[string]any{"city": "Mumbai", "version": 1}), 412, "precondition_failed")
		r = e.do("PATCH", path, e.write, map[string]any{"city": nil, "custom_fields": map[string]any{"budget": nil}})
		got := r.json(t)
		if r.status != 200 || got["city"] != "" || len(got["custom_fields"].(map[string]any)) != 1 {
			t.Fatalf("null should clear: %d %s", r.status, r.body)
		}

		// Search by name, by national number form.
		for _, q := range []string{"ahul", "09900000001", "+91 99000-00001"} {
			r = e.do("GET", "/api/v1/contacts?search="+url.QueryEscape(q), e.read, nil)
			if l := r.json(t); l["total"] != float64(1) {
				t.Errorf("search %q: %s", q, r.body)
			}
		}

		// Delete, then restore.
		r = e.do("DELETE", path, e.write, nil)
		if r.status != 200 || r.json(t)["status"] != "deleted" {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if l := e.do("GET", "/api/v1/contacts", e.read, nil).json(t); l["total"] != float64(0) {
			t.Errorf("deleted contact still listed: %v", l)
		}
		wantProblem(t, e.do("PATCH", path, e.write, map[string]any{"city": "Pune"}), 409, "conflict")
		r = e.do("POST", path+"/restore", e.write, nil)
		if r.status != 200 || r.json(t)["status"] != "active" {
			t.Fatalf("restore: %d %s", r.status, r.body)
		}

		// The audit log tells the story, by key, without personal data.
		r = e.do("GET", fmt.Sprintf("/api/v1/audit_events?contact_id=%d", id), e.read, nil)
		events := r.json(t)["data"].([]any)
		var actions []string
		for _, ev := range events {
			actions = append(actions, ev.(map[string]any)["action"].(string))
			if ev.(map[string]any)["actor_key_id"] == nil {
				t.Errorf("event without actor: %v", ev)
			}
		}
		want := "contact.restored contact.deleted contact.updated contact.updated contact.created"
		if strings.Join(actions, " ") != want {
			t.Errorf("audit = %v, want %s", actions, want)
		}
		if strings.Contains(string(r.body), "Rahul") || strings.Contains(string(r.body), "9900000001") {
			t.Errorf("audit events hold personal data: %s", r.body)
		}
	})
}

func TestListPagingAndCursor(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for i := 0; i < 7; i++ {
			e.createContact(map[string]any{"phone_e164": fmt.Sprintf("+9199000000%02d", i), "tags": []string{"t" + fmt.Sprint(i%2)}})
		}
		l := e.do("GET", "/api/v1/contacts?per_page=3&page=3", e.read, nil).json(t)
		if l["total"] != float64(7) || len(l["data"].([]any)) != 1 || l["page"] != float64(3) || l["per_page"] != float64(3) {
			t.Errorf("page 3: %v", l)
		}
		var seen int
		path := "/api/v1/contacts?per_page=3"
		for i := 0; i < 5 && path != ""; i++ {
			l := e.do("GET", path, e.read, nil).json(t)
			seen += len(l["data"].([]any))
			path = ""
			if c, ok := l["next_cursor"].(string); ok {
				path = "/api/v1/contacts?per_page=3&cursor=" + c
			}
		}
		if seen != 7 {
			t.Errorf("cursor walk saw %d contacts, want 7", seen)
		}
		if l := e.do("GET", "/api/v1/contacts?tag=T1", e.read, nil).json(t); l["total"] != float64(3) {
			t.Errorf("tag filter: %v", l["total"])
		}
	})
}

func TestAPIKeysOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.do("POST", "/api/v1/api_keys", e.admin, map[string]any{"name": "dialer", "role": "read"})
		if r.status != 201 {
			t.Fatalf("create key: %d %s", r.status, r.body)
		}
		k := r.json(t)
		secret, _ := k["key"].(string)
		if secret == "" {
			t.Fatal("the new key's secret is not shown")
		}
		if r := e.do("GET", "/api/v1/contacts", secret, nil); r.status != 200 {
			t.Fatalf("new key does not work: %d", r.status)
		}
		list := e.do("GET", "/api/v1/api_keys", e.admin, nil)
		if strings.Contains(string(list.body), secret) || strings.Contains(string(list.body), `"key"`) {
			t.Errorf("key list shows secrets: %s", list.body)
		}
		r = e.do("DELETE", fmt.Sprintf("/api/v1/api_keys/%d", int64(k["id"].(float64))), e.admin, nil)
		if r.status != 200 || r.json(t)["revoked_at"] == nil {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		wantProblem(t, e.do("GET", "/api/v1/contacts", secret, nil), 401, "unauthorized")
		wantProblem(t, e.do("POST", "/api/v1/api_keys", e.admin, map[string]any{"role": "root"}), 422, "validation_failed")
		wantProblem(t, e.do("GET", "/api/v1/api_keys", e.write, nil), 403, "forbidden")
	})
}

func TestWorkspaceSettings(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.do("PATCH", "/api/v1/workspace", e.admin, map[string]any{"default_region": "us"})
		if r.status != 200 || r.json(t)["default_region"] != "US" {
			t.Fatalf("patch workspace: %d %s", r.status, r.body)
		}
		c := e.createContact(map[string]any{"phone_e164": "(212) 555-1234"})
		if c["phone_e164"] != "+12125551234" {
			t.Errorf("national form did not use the workspace region: %v", c["phone_e164"])
		}
		wantProblem(t, e.do("PATCH", "/api/v1/workspace", e.admin, map[string]any{"default_region": "ZZ"}), 422, "validation_failed")
		wantProblem(t, e.do("PATCH", "/api/v1/workspace", e.write, map[string]any{"default_region": "IN"}), 403, "forbidden")
	})
}
