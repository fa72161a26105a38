package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestWorkspaceCallingRules(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ws := e.do("GET", "/api/v1/workspace", e.admin, nil).json(t)
		cw, _ := ws["calling_window"].(map[string]any)
		if ws["name"] != "acme" || cw["start"] != "09:00" || cw["end"] != "21:00" || ws["require_consent"] != false {
			t.Fatalf("defaults: %v", ws)
		}
		r := e.do("PATCH", "/api/v1/workspace", e.admin, `{"calling_window":{"start":"08:00","days":["Mon","tuesday"]},"require_consent":true}`)
		if r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		ws = r.json(t)
		cw = ws["calling_window"].(map[string]any)
		if cw["start"] != "08:00" || cw["end"] != "21:00" || fmt.Sprint(cw["days"]) != "[mon tue]" || ws["require_consent"] != true {
			t.Errorf("after patch: %v", ws)
		}
		for _, body := range []string{
			`{"calling_window":{"start":"8am"}}`,
			`{"calling_window":{"end":"07:00"}}`,
			`{"calling_window":{"days":["someday"]}}`,
		} {
			p := wantProblem(t, e.do("PATCH", "/api/v1/workspace", e.admin, body), 422, "validation_failed")
			if errs := p["errors"].([]any); !strings.HasPrefix(errs[0].(map[string]any)["field"].(string), "calling_window.") {
				t.Errorf("%s: %v", body, p["errors"])
			}
		}
		wantProblem(t, e.do("PATCH", "/api/v1/workspace", e.admin, `{"calling_window":{"begin":"08:00"}}`), 400, "unknown_field")
		wantProblem(t, e.do("PATCH", "/api/v1/workspace", e.admin, `{"require_consent":"yes"}`), 422, "validation_failed")
		if cw := e.do("GET", "/api/v1/workspace", e.admin, nil).json(t)["calling_window"].(map[string]any); cw["start"] != "08:00" {
			t.Errorf("a refused patch changed the window: %v", cw)
		}
		other := e.do("GET", "/api/v1/workspace", e.other, nil).json(t)
		if other["require_consent"] != false {
			t.Errorf("acme's settings leaked into globex: %v", other)
		}
	})
}

func TestDNCOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.do("POST", "/api/v1/dnc", e.write, map[string]any{"phone_e164": "09900000001", "reason": "asked", "source": "agent", "call_id": "call-9"})
		if r.status != 201 || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/dnc/") {
			t.Fatalf("add: %d %s", r.status, r.body)
		}
		entry := r.json(t)
		if entry["phone_e164"] != "+919900000001" || entry["source"] != "agent" || entry["call_id"] != "call-9" || entry["list"] != "internal" {
			t.Errorf("entry: %v", entry)
		}
		again := e.do("POST", "/api/v1/dnc", e.write, map[string]any{"phone_e164": "+91 99000 00001"})
		if again.status != 200 || again.json(t)["id"] != entry["id"] {
			t.Errorf("repeat: %d %s", again.status, again.body)
		}
		p := wantProblem(t, e.do("POST", "/api/v1/dnc", e.write, map[string]any{"prefix": "+4"}), 422, "validation_failed")
		if f := p["errors"].([]any)[0].(map[string]any); f["field"] != "prefix" || f["code"] != "invalid_prefix" {
			t.Errorf("+4: %v", p["errors"])
		}
		wantProblem(t, e.do("POST", "/api/v1/dnc", e.write, map[string]any{"phone_e164": "nope"}), 422, "invalid_phone")
		wantProblem(t, e.do("POST", "/api/v1/dnc", e.write, map[string]any{"phone_e164": "+919900000002", "expires_at": "tomorrow"}), 422, "validation_failed")
		wantProblem(t, e.do("POST", "/api/v1/dnc", e.write, map[string]any{"phone_e164": "+919900000002", "list": "nope"}), 404, "not_found")
		list := e.do("GET", "/api/v1/dnc?phone="+url.QueryEscape("0091 99000 00001"), e.read, nil).json(t)
		if list["total"] != float64(1) {
			t.Errorf("find by phone: %v", list)
		}
		reg := e.do("POST", "/api/v1/dnc/lists", e.admin, map[string]any{"name": "US national", "region": "US", "max_age_days": 31})
		if reg.status != 201 {
			t.Fatalf("create list: %d %s", reg.status, reg.body)
		}
		wantProblem(t, e.do("POST", "/api/v1/dnc", e.write, map[string]any{"phone_e164": "+12015550123", "list": "US national"}), 409, "conflict")
		wantProblem(t, e.do("POST", "/api/v1/dnc/lists", e.write, map[string]any{"name": "x"}), 403, "forbidden")
		id := int64(entry["id"].(float64))
		if r := e.do("DELETE", fmt.Sprintf("/api/v1/dnc/%d", id), e.write, nil); r.status != 200 {
			t.Fatalf("remove: %d %s", r.status, r.body)
		}
		wantProblem(t, e.do("GET", fmt.Sprintf("/api/v1/dnc/%d", id), e.read, nil), 404, "not_found")

		// Files: a plain list, a bad row, an error report.
		e.startJobs()
		up := e.uploadDNC(e.write, map[string]string{"channel": "voice", "reason": "registry copy"}, "numbers.txt", "+919900000005\nwhat\n09900000006\n")
		if up.status != 202 || !strings.HasPrefix(up.header.Get("Location"), "/api/v1/dnc/imports/") {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		imp := e.waitDNCImport(int64(up.json(t)["id"].(float64)))
		if imp["status"] != "completed" || imp["added"] != float64(2) || imp["failed"] != float64(1) {
			t.Fatalf("dnc import: %v", imp)
		}
		rep := e.do("GET", fmt.Sprintf("/api/v1/dnc/imports/%v/error_report", imp["id"]), e.read, nil)
		if rep.status != 200 || !strings.Contains(string(rep.body), "what,2,invalid_phone,") {
			t.Errorf("error report: %d %s", rep.status, rep.body)
		}
		wantProblem(t, e.uploadDNC(e.write, nil, "people.csv", "Name,City\nA,Pune\n"), 422, "no_number_column")
		wantProblem(t, e.uploadDNC(e.write, map[string]string{"list": "nope"}, "n.txt", "+919900000007\n"), 404, "not_found")
		wantProblem(t, e.uploadDNC(e.write, map[string]string{"colour": "red"}, "n.txt", "+919900000007\n"), 400, "unknown_field")
		wantProblem(t, e.uploadDNC(e.write, nil, "", ""), 400, "file_missing")
		wantProblem(t, e.uploadDNC(e.write, nil, "empty.txt", ""), 422, "empty_file")
		wantProblem(t, e.uploadDNC(e.write, map[string]string{"expires_at": "soon"}, "n.txt", "+919900000007\n"), 422, "validation_failed")
		wantProblem(t, e.do("POST", "/api/v1/dnc/import", e.write, `{}`), 415, "unsupported_media_type")
		if l := e.do("GET", "/api/v1/dnc/imports", e.read, nil).json(t); l["total"] != float64(1) {
			t.Errorf("refused uploads left imports: %v", l)
		}
	})
}

func TestContactOptOutAndConsentOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.createContact(map[string]any{"phone_e164": "+919900000001", "alt_phones": []string{"+919900000002"}})
		path := fmt.Sprintf("/api/v1/contacts/%v", c["id"])
		r := e.do("POST", path+"/dnc", e.write, map[string]any{"reason": "said stop", "source": "agent", "call_id": "c-1"})
		if r.status != 200 || r.json(t)["dnc"] != true {
			t.Fatalf("opt out: %d %s", r.status, r.body)
		}
		if l := e.do("GET", "/api/v1/dnc?phone=%2B919900000002", e.read, nil).json(t); l["total"] != float64(1) {
			t.Errorf("the alternate number is not on the list: %v", l)
		}
		wantProblem(t, e.do("POST", path+"/dnc", e.write, map[string]any{"source": "agent"}), 422, "validation_failed")
		r = e.do("DELETE", path+"/dnc", e.write, nil)
		if r.status != 200 || r.json(t)["dnc"] != false {
			t.Fatalf("opt in: %d %s", r.status, r.body)
		}
		r = e.do("POST", path+"/consents", e.write, map[string]any{"channel": "voice", "status": "granted", "source": "web_form", "proof": "box ticked", "captured_at": "2026-01-02T03:04:05Z"})
		if r.status != 201 || r.json(t)["captured_at"] != "2026-01-02T03:04:05Z" {
			t.Fatalf("consent: %d %s", r.status, r.body)
		}
		e.do("POST", path+"/consents", e.write, map[string]any{"channel": "voice", "status": "revoked", "source": "ivr"})
		hist := e.do("GET", path+"/consents", e.read, nil).json(t)["data"].([]any)
		if len(hist) != 2 || hist[0].(map[string]any)["status"] != "revoked" {
			t.Errorf("history: %v", hist)
		}
		wantProblem(t, e.do("POST", path+"/consents", e.write, map[string]any{"channel": "voice", "status": "granted", "source": "x", "captured_at": "yesterday"}), 422, "validation_failed")
		wantProblem(t, e.do("POST", path+"/consents", e.write, map[string]any{"channel": "carrier-pigeon", "status": "granted", "source": "x"}), 422, "validation_failed")
		wantProblem(t, e.do("POST", "/api/v1/contacts/999999/consents", e.write, map[string]any{"channel": "voice", "status": "granted", "source": "x"}), 404, "not_found")
		wantProblem(t, e.do("POST", "/api/v1/contacts/999999/dnc", e.write, map[string]any{}), 404, "not_found")
	})
}

func TestComplianceCheckOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var ids []any
		for i := 1; i <= 5; i++ {
			c := e.createContact(map[string]any{"phone_e164": fmt.Sprintf("+91990000000%d", i)})
			ids = append(ids, c["id"])
		}
		e.do("POST", "/api/v1/dnc", e.write, map[string]any{"prefix": "+91990000000"})
		// 16:00 UTC is 21:30 in India: everyone is outside, and on the list.
		body := map[string]any{"contact_ids": append(ids, 999999), "at": "2026-06-10T16:00:00Z"}
		r := e.do("POST", "/api/v1/compliance/check?per_page=2", e.write, body)
		if r.status != 200 {
			t.Fatalf("check: %d %s", r.status, r.body)
		}
		res := r.json(t)
		sum := res["summary"].(map[string]any)
		by := sum["by_reason"].(map[string]any)
		if sum["total"] != float64(6) || sum["suppressed"] != float64(6) || by["dnc"] != float64(5) || by["outside_calling_window"] != float64(5) || by["not_found"] != float64(1) {
			t.Errorf("summary: %v", sum)
		}
		page := res["suppressed"].([]any)
		if len(page) != 2 || res["next_cursor"] == nil || res["at"] != "2026-06-10T16:00:00Z" || res["channel"] != "voice" {
			t.Fatalf("page 1: %v", res)
		}
		first := page[0].(map[string]any)
		if first["contact_id"] != ids[0] || fmt.Sprint(first["reasons"]) != "[dnc outside_calling_window]" {
			t.Errorf("first suppressed: %v", first)
		}
		seen := 2
		cursor := res["next_cursor"].(string)
		for cursor != "" {
			res = e.do("POST", "/api/v1/compliance/check?per_page=2&cursor="+cursor, e.write, body).json(t)
			seen += len(res["suppressed"].([]any))
			cursor, _ = res["next_cursor"].(string)
		}
		if seen != 6 {
			t.Errorf("paging saw %d suppressed, want 6", seen)
		}
		page3 := e.do("POST", "/api/v1/compliance/check?per_page=2&page=3", e.write, body).json(t)["suppressed"].([]any)
		if len(page3) != 2 || page3[1].(map[string]any)["reasons"].([]any)[0] != "not_found" {
			t.Errorf("page 3: %v", page3)
		}
		csv := e.do("POST", "/api/v1/compliance/check.csv", e.write, body)
		lines := strings.Split(strings.TrimSpace(string(csv.body)), "\n")
		if csv.status != 200 || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || len(lines) != 7 ||
			lines[0] != "contact_id,phone_e164,input,reasons" || lines[1] != fmt.Sprintf("%v,'+919900000001,,dnc;outside_calling_window", ids[0]) {
			t.Errorf("csv: %d %q", csv.status, csv.body)
		}
		phones := e.do("POST", "/api/v1/compliance/check", e.write, map[string]any{"phones": []string{"+1 800 555 0123", "xyz"}, "at": "2026-06-10T14:00:00Z"}).json(t)
		sup := phones["suppressed"].([]any)
		if len(sup) != 2 || sup[0].(map[string]any)["input"] != "+1 800 555 0123" || fmt.Sprint(sup[1].(map[string]any)["reasons"]) != "[invalid_phone]" {
			t.Errorf("phones: %v", phones)
		}
		empty := e.do("POST", "/api/v1/compliance/check.csv", e.write, map[string]any{"phones": []string{"+919811111111"}, "at": "2026-06-10T06:00:00Z"})
		if empty.status != 200 || strings.TrimSpace(string(empty.body)) != "contact_id,phone_e164,input,reasons" {
			t.Errorf("csv with nothing suppressed: %d %q", empty.status, empty.body)
		}
		for _, bad := range []string{`{}`, `{"contact_ids":[]}`, `{"segment_id":0}`, `{"phones":["+919900000001"],"at":"noon"}`, `{"phones":["1"],"channel":"fax"}`, `{"contact_ids":[1],"phones":["1"]}`} {
			wantProblem(t, e.do("POST", "/api/v1/compliance/check", e.write, bad), 422, "validation_failed")
			wantProblem(t, e.do("POST", "/api/v1/compliance/check.csv", e.write, bad), 422, "validation_failed")
		}
		wantProblem(t, e.do("POST", "/api/v1/compliance/check", e.write, `{"segment_id":424242}`), 404, "not_found")
		wantProblem(t, e.do("POST", "/api/v1/compliance/check.csv", e.write, `{"segment_id":424242}`), 404, "not_found")
		wantProblem(t, e.do("POST", "/api/v1/compliance/check?per_page=0", e.write, body), 400, "invalid_pagination")
		// Another workspace sees acme's ids as unknown.
		other := e.do("POST", "/api/v1/compliance/check", e.other, map[string]any{"contact_ids": ids[:1]}).json(t)
		if fmt.Sprint(other["suppressed"].([]any)[0].(map[string]any)["reasons"]) != "[not_found]" {
			t.Errorf("globex checking acme's id: %v", other)
		}
	})
}
