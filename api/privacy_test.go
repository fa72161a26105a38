package api_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestPrivacyOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.startJobs()
		up := e.upload(e.write, nil, "leads.csv", "Phone,First Name,Email,Budget\n+91 99000 00001,Rahul,rahul@example.com,2cr\n")
		imp := e.waitImport(int64(up.json(t)["id"].(float64)))
		if imp["created"] != float64(1) {
			t.Fatalf("import: %v", imp)
		}
		c := e.do("GET", "/api/v1/contacts?search=rahul", e.read, nil).json(t)["data"].([]any)[0].(map[string]any)
		path := fmt.Sprintf("/api/v1/contacts/%v", c["id"])

		r := e.do("GET", path+"/data_export", e.read, nil)
		if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("data export: %d %s", r.status, r.body)
		}
		doc := r.json(t)
		contact := doc["contact"].(map[string]any)
		prov := doc["provenance"].([]any)
		if contact["custom_fields"].(map[string]any)["budget"] != "2cr" || contact["timezone"] != "Asia/Kolkata" || len(prov) != 1 ||
			prov[0].(map[string]any)["filename"] != "leads.csv" || fmt.Sprint(prov[0].(map[string]any)["row_numbers"]) != "[2]" {
			t.Errorf("export: %s", r.body)
		}
		for _, k := range []string{"segments", "consents", "dnc", "merges", "audit_events", "merged_contacts", "privacy_requests"} {
			if _, ok := doc[k]; !ok {
				t.Errorf("export lacks %s", k)
			}
		}

		r = e.do("DELETE", path+"/gdpr_delete", e.write, nil)
		if r.status != 200 {
			t.Fatalf("erase: %d %s", r.status, r.body)
		}
		tomb := r.json(t)
		if tomb["status"] != "erased" || tomb["phone_e164"] != "" || tomb["first_name"] != "" || tomb["email"] != "" || len(tomb["custom_fields"].(map[string]any)) != 0 {
			t.Errorf("tombstone: %v", tomb)
		}
		if again := e.do("DELETE", path+"/gdpr_delete", e.write, nil); again.status != 200 || again.json(t)["version"] != tomb["version"] {
			t.Errorf("repeat: %d %s", again.status, again.body)
		}
		p := wantProblem(t, e.do("POST", "/api/v1/contacts", e.write, map[string]any{"phone_e164": "09900000001"}), 409, "erased")
		if errs := p["errors"].([]any); errs[0].(map[string]any)["field"] != "phone_e164" {
			t.Errorf("erased create: %v", p)
		}
		wantProblem(t, e.do("POST", "/api/v1/contacts", e.write, map[string]any{"phone_e164": "+919900000055", "email": "RAHUL@example.com"}), 409, "erased")
		up = e.upload(e.write, nil, "again.csv", "Mobile,Name\n0091 99000 00001,Rahul\n+919900000066,Someone Else\n")
		imp = e.waitImport(int64(up.json(t)["id"].(float64)))
		if imp["created"] != float64(1) || imp["failed"] != float64(1) {
			t.Errorf("re-import: %v", imp)
		}
		rep := e.do("GET", fmt.Sprintf("/api/v1/contact-imports/%v/error_report", imp["id"]), e.read, nil)
		if !strings.Contains(string(rep.body), ",2,phone_e164,erased,") || strings.Contains(string(rep.body), "Rahul") {
			t.Errorf("error report of the re-import:\n%s", rep.body)
		}
		chk := e.do("POST", "/api/v1/compliance/check", e.write, map[string]any{"phones": []string{"+91 99000 00001"}, "at": "2026-06-10T06:00:00Z"}).json(t)
		if fmt.Sprint(chk["suppressed"].([]any)[0].(map[string]any)["reasons"]) != "[erased]" {
			t.Errorf("check of the erased number: %v", chk)
		}

		other := e.createContact(map[string]any{"phone_e164": "+919900000077"})
		hard := fmt.Sprintf("/api/v1/contacts/%v/hard_delete", other["id"])
		wantProblem(t, e.do("DELETE", hard, e.write, nil), 403, "forbidden")
		wantProblem(t, e.do("DELETE", hard, e.admin, nil), 428, "precondition_required")
		wantProblem(t, e.do("DELETE", hard+"?confirm=1", e.admin, nil), 400, "bad_request")
		wantProblem(t, e.do("DELETE", hard+"?confirm=abc", e.admin, nil), 400, "bad_request")
		wantProblem(t, e.do("DELETE", "/api/v1/contacts/999999/hard_delete?confirm=999999", e.admin, nil), 404, "not_found")
		if r := e.do("DELETE", fmt.Sprintf("%s?confirm=%v", hard, other["id"]), e.admin, nil); r.status != 204 {
			t.Fatalf("hard delete: %d %s", r.status, r.body)
		}
		wantProblem(t, e.do("GET", fmt.Sprintf("/api/v1/contacts/%v", other["id"]), e.read, nil), 404, "not_found")

		list := e.do("GET", "/api/v1/privacy_requests", e.read, nil).json(t)
		var kinds []string
		for _, x := range list["data"].([]any) {
			kinds = append(kinds, x.(map[string]any)["type"].(string))
		}
		if fmt.Sprint(kinds) != "[hard_delete erasure data_export]" || list["total"] != float64(3) {
			t.Errorf("privacy requests: %v", list)
		}
		one := e.do("GET", fmt.Sprintf("/api/v1/privacy_requests?contact_id=%v", c["id"]), e.read, nil).json(t)
		if one["total"] != float64(2) {
			t.Errorf("privacy requests of one contact: %v", one)
		}
		if o := e.do("GET", "/api/v1/privacy_requests", e.other, nil).json(t); o["total"] != float64(0) {
			t.Errorf("globex sees acme's privacy requests: %v", o)
		}
		wantProblem(t, e.do("GET", "/api/v1/privacy_requests?contact_id=x", e.read, nil), 400, "invalid_id")
	})
}
