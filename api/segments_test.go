package api_test

import (
	"fmt"
	"strings"
	"testing"
)

func (e *env) createSegment(body map[string]any) map[string]any {
	e.t.Helper()
	r := e.do("POST", "/api/v1/contact_segments", e.write, body)
	if r.status != 201 || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/contact_segments/") {
		e.t.Fatalf("create segment: %d %s", r.status, r.body)
	}
	return r.json(e.t)
}

func idOf(v map[string]any) int64 { return int64(v["id"].(float64)) }

func TestSegmentsOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rahul := e.createContact(map[string]any{"phone_e164": "+919900000001", "first_name": "Rahul", "city": "Pune", "tags": []string{"vip"}})
		priya := e.createContact(map[string]any{"phone_e164": "+919900000002", "first_name": "Priya", "city": "Delhi", "tags": []string{"vip"}})
		gone := e.createContact(map[string]any{"phone_e164": "+919900000003", "first_name": "Gone", "city": "Pune"})
		theirs := e.do("POST", "/api/v1/contacts", e.other, map[string]any{"phone_e164": "+12125551234"}).json(t)

		static := e.createSegment(map[string]any{"name": "Call list", "description": "wave 1"})
		if static["type"] != "static" || static["rules"] != nil || static["contact_count"] != float64(0) {
			t.Fatalf("static: %v", static)
		}
		members := fmt.Sprintf("/api/v1/contact_segments/%d/contacts", idOf(static))
		r := e.do("POST", members, e.write, map[string]any{"contact_ids": []int64{idOf(rahul), idOf(gone), idOf(theirs), 999999}})
		if r.status != 200 {
			t.Fatalf("add: %d %s", r.status, r.body)
		}
		if got := string(r.body); !strings.Contains(got, `"changed":2`) || !strings.Contains(got, fmt.Sprintf(`"not_found":[%d,999999]`, idOf(theirs))) || !strings.Contains(got, `"contact_count":2`) {
			t.Errorf("add: %s", got)
		}
		e.do("DELETE", fmt.Sprintf("/api/v1/contacts/%d", idOf(gone)), e.write, nil)
		if got := e.do("GET", fmt.Sprintf("/api/v1/contact_segments/%d", idOf(static)), e.read, nil).json(t); got["contact_count"] != float64(1) {
			t.Errorf("a deleted member still counts: %v", got)
		}
		page := e.do("GET", members+"?per_page=1", e.read, nil).json(t)
		data := page["data"].([]any)
		if len(data) != 1 || data[0].(map[string]any)["first_name"] != "Rahul" || page["total"] != float64(1) {
			t.Errorf("members page: %v", page)
		}

		dyn := e.createSegment(map[string]any{"name": "Pune VIPs", "rules": map[string]any{"all": []any{
			map[string]any{"field": "city", "op": "eq", "value": "pune"},
			map[string]any{"any": []any{map[string]any{"field": "tags", "op": "has", "value": "VIP"}}},
		}}})
		if dyn["type"] != "dynamic" || dyn["contact_count"] != float64(1) {
			t.Fatalf("dynamic: %v", dyn)
		}
		dynPath := fmt.Sprintf("/api/v1/contact_segments/%d", idOf(dyn))
		wantProblem(t, e.do("POST", dynPath+"/contacts", e.write, map[string]any{"contact_ids": []int64{idOf(priya)}}), 409, "conflict")
		r = e.do("PATCH", dynPath, e.write, map[string]any{"rules": map[string]any{"field": "tags", "op": "has", "value": "vip"}, "name": "VIPs"})
		if got := r.json(t); r.status != 200 || got["name"] != "VIPs" || got["contact_count"] != float64(2) {
			t.Errorf("patch: %d %s", r.status, r.body)
		}
		list := e.do("GET", "/api/v1/contact_segments", e.read, nil).json(t)
		if list["total"] != float64(2) || len(list["data"].([]any)) != 2 {
			t.Errorf("list: %v", list)
		}

		// A segment that others' rules use cannot go; deleting one never
		// deletes contacts.
		user := e.createSegment(map[string]any{"name": "uses static", "rules": map[string]any{"field": "segments", "op": "has", "value": idOf(static)}})
		wantProblem(t, e.do("DELETE", fmt.Sprintf("/api/v1/contact_segments/%d", idOf(static)), e.write, nil), 409, "conflict")
		if r := e.do("DELETE", fmt.Sprintf("/api/v1/contact_segments/%d", idOf(user)), e.write, nil); r.status != 200 {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if r := e.do("DELETE", fmt.Sprintf("/api/v1/contact_segments/%d", idOf(static)), e.write, nil); r.status != 200 || r.json(t)["contact_count"] != float64(1) {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if c := e.do("GET", fmt.Sprintf("/api/v1/contacts/%d", idOf(rahul)), e.read, nil).json(t); c["status"] != "active" {
			t.Errorf("a segment's delete touched its member: %v", c)
		}
		wantProblem(t, e.do("GET", fmt.Sprintf("/api/v1/contact_segments/%d", idOf(static)), e.read, nil), 404, "not_found")
	})
}

// Bad segment requests are 4xx naming what is wrong, and write nothing.
func TestSegmentBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		static := e.createSegment(map[string]any{"name": "list"})
		dyn := e.createSegment(map[string]any{"name": "pune", "rules": map[string]any{"field": "city", "op": "eq", "value": "Pune"}})
		theirs := e.do("POST", "/api/v1/contact_segments", e.other, map[string]any{"name": "theirs"}).json(t)
		audit := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"]
		sp := fmt.Sprintf("/api/v1/contact_segments/%d", idOf(static))
		dp := fmt.Sprintf("/api/v1/contact_segments/%d", idOf(dyn))
		cases := []struct {
			method, path string
			body         string
			status       int
			code, field  string
		}{
			{"POST", "/api/v1/contact_segments", `{}`, 422, "validation_failed", "name"},
			{"POST", "/api/v1/contact_segments", `{"name":"list"}`, 409, "conflict", "name"},
			{"POST", "/api/v1/contact_segments", `{"name":"x","type":"smart"}`, 422, "validation_failed", "type"},
			{"POST", "/api/v1/contact_segments", `{"name":"x","type":"dynamic"}`, 422, "validation_failed", "rules"},
			{"POST", "/api/v1/contact_segments", `{"name":"x","type":"static","rules":{"field":"city","op":"eq","value":"x"}}`, 422, "validation_failed", "rules"},
			{"POST", "/api/v1/contact_segments", `{"name":"x","rules":{"all":[{"field":"city","op":"eq","value":"x"},{"any":[{"field":"shoe_size","op":"eq","value":"9"}]}]}}`, 422, "invalid_rule", "rules.all[1].any[0].field"},
			{"POST", "/api/v1/contact_segments", `{"name":"x","rules":{"field":"tags","op":"contains","value":"v"}}`, 422, "invalid_rule", "rules.op"},
			{"POST", "/api/v1/contact_segments", `{"name":"x","rules":{"field":"city","op":"in","value":"Pune"}}`, 422, "invalid_rule", "rules.value"},
			{"POST", "/api/v1/contact_segments", `{"name":"x","rules":"city = pune"}`, 422, "invalid_rule", "rules"},
			{"POST", "/api/v1/contact_segments", fmt.Sprintf(`{"name":"x","rules":{"field":"segments","op":"has","value":%d}}`, idOf(theirs)), 422, "invalid_rule", "rules"},
			{"PATCH", dp, `{"rules":{"field":"segments","op":"has","value":` + fmt.Sprint(idOf(dyn)) + `}}`, 422, "invalid_rule", "rules"},
			{"PATCH", dp, `{"rules":null}`, 422, "validation_failed", "rules"},
			{"PATCH", dp, `{"type":"static"}`, 422, "validation_failed", "type"},
			{"PATCH", dp, `{"name":null}`, 422, "validation_failed", "name"},
			{"PATCH", sp, `{"rules":{"field":"city","op":"eq","value":"x"}}`, 422, "validation_failed", "rules"},
			{"POST", sp + "/contacts", `{"contact_ids":[]}`, 422, "validation_failed", "contact_ids"},
			{"POST", sp + "/contacts", `{}`, 422, "validation_failed", "contact_ids"},
			{"POST", sp + "/contacts", `{"contact_ids":[1,"2"]}`, 422, "validation_failed", "contact_ids"},
			{"POST", sp + "/contacts", `{"contact_ids":[1,-2]}`, 422, "validation_failed", "contact_ids[1]"},
			{"POST", sp + "/contacts", `{"contact_ids":[` + strings.TrimSuffix(strings.Repeat("1,", 10001), ",") + `]}`, 422, "validation_failed", "contact_ids"},
			{"DELETE", sp + "/contacts", `{"contact_ids":[1.5]}`, 422, "validation_failed", "contact_ids"},
		}
		for _, tc := range cases {
			p := wantProblem(t, e.do(tc.method, tc.path, e.write, tc.body), tc.status, tc.code)
			errs, _ := p["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != tc.field {
				t.Errorf("%s %s %.60s: errors %v, want field %s", tc.method, tc.path, tc.body, p["errors"], tc.field)
			}
		}
		wantProblem(t, e.do("GET", fmt.Sprintf("/api/v1/contact_segments/%d", idOf(theirs)), e.read, nil), 404, "not_found")
		wantProblem(t, e.do("GET", fmt.Sprintf("/api/v1/contact_segments/%d/contacts", idOf(theirs)), e.read, nil), 404, "not_found")
		if n := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"]; n != audit {
			t.Errorf("audit events went from %v to %v: a refused request wrote", audit, n)
		}
	})
}

// An import with segment_id adds every contact a row created, updated or
// matched to that static segment; a dynamic, unknown or foreign segment is
// refused at upload.
func TestImportIntoSegment(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.startRunner()
		existing := e.createContact(map[string]any{"phone_e164": "+919900000009", "first_name": "Old"})
		static := e.createSegment(map[string]any{"name": "imported"})
		dyn := e.createSegment(map[string]any{"name": "dyn", "rules": map[string]any{"field": "city", "op": "eq", "value": "Pune"}})
		theirs := e.do("POST", "/api/v1/contact_segments", e.other, map[string]any{"name": "theirs"}).json(t)
		csv := "Phone,Name\n+919900000001,Rahul\n+919900000009,\nnot a phone,Bad\n+919900000002,Priya\n"
		for _, bad := range []struct {
			seg    int64
			status int
			code   string
		}{{idOf(dyn), 422, "validation_failed"}, {idOf(theirs), 404, "not_found"}, {999999, 404, "not_found"}} {
			wantProblem(t, e.upload(e.write, map[string]string{"segment_id": fmt.Sprint(bad.seg)}, "x.csv", csv), bad.status, bad.code)
			wantProblem(t, e.upload(e.write, map[string]string{"segment_id": fmt.Sprint(bad.seg), "dry_run": "true"}, "x.csv", csv), bad.status, bad.code)
		}
		r := e.upload(e.write, map[string]string{"segment_id": fmt.Sprint(idOf(static)), "mode": "create_or_update"}, "leads.csv", csv)
		if r.status != 202 {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		imp := e.waitImport(idOf(r.json(t)))
		if imp["status"] != "completed" || imp["created"] != float64(2) || imp["failed"] != float64(1) {
			t.Fatalf("import: %v", imp)
		}
		page := e.do("GET", fmt.Sprintf("/api/v1/contact_segments/%d/contacts", idOf(static)), e.read, nil).json(t)
		var names []string
		for _, c := range page["data"].([]any) {
			names = append(names, c.(map[string]any)["first_name"].(string))
		}
		if strings.Join(names, ",") != "Old,Rahul,Priya" || page["total"] != float64(3) {
			t.Errorf("segment after the import: %v (existing contact %v)", names, existing["id"])
		}
	})
}
