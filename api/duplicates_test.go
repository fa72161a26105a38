package api_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// ids reads a JSON list of numbers.
func ids(v any) []int64 {
	var out []int64
	for _, x := range v.([]any) {
		out = append(out, int64(x.(float64)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}

// The operator's flow: a file holds one person written three ways; the
// review shows them as one group; the merge leaves one person with every
// phone, found by search and alone in the campaign's segment; undo brings
// the three back.
func TestDuplicateReviewAndMergeFlow(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.startRunner()
		sr := e.do("POST", "/api/v1/contact_segments", e.write, map[string]any{"name": "campaign", "type": "static"})
		if sr.status != 201 {
			t.Fatalf("create segment: %d %s", sr.status, sr.body)
		}
		seg := int64(sr.json(t)["id"].(float64))
		csv := "First Name,Last Name,Phone,Email,Company,City\n" +
			"Rahul,Sharma,+91 99000 00001,rahul.sharma@gmail.com,Acme Realty,Pune\n" +
			"RAHUL,SHARMA,099000 00002,RahulSharma+crm@googlemail.com,,\n" +
			"Raahul,Sharmaa,9900000003,,Acme Realty Pvt Ltd,Pune\n" +
			"Priya,Iyer,9900000004,priya@example.com,,Pune\n"
		r := e.upload(e.write, map[string]string{"segment_id": fmt.Sprint(seg)}, "leads.csv", csv)
		if r.status != 202 {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		if imp := e.waitImport(int64(r.json(t)["id"].(float64))); imp["status"] != "completed" || imp["created"] != float64(4) {
			t.Fatalf("import: %v", imp)
		}

		list := e.do("GET", "/api/v1/contacts/duplicates", e.read, nil)
		if list.status != 200 {
			t.Fatalf("duplicates: %d %s", list.status, list.body)
		}
		l := list.json(t)
		if l["total"] != float64(1) {
			t.Fatalf("want one group: %s", list.body)
		}
		g := l["data"].([]any)[0].(map[string]any)
		members := ids(g["contact_ids"])
		if len(members) != 3 || g["match"] != "email" || g["key"] != "rahulsharma@gmail.com" || g["confidence"] != float64(1) {
			t.Fatalf("group: %s", list.body)
		}
		// Email joins the first two, name and company (and city) the third.
		if links := g["links"].([]any); len(links) < 2 || links[1].(map[string]any)["match"] != "name_company" || len(g["contacts"].([]any)) != 3 {
			t.Errorf("group links/contacts: %v", g)
		}
		primary := int64(g["suggested_primary_id"].(float64))
		if primary != members[0] {
			t.Errorf("suggested primary %d, want the complete, oldest %d", primary, members[0])
		}
		var secondaries []int64
		for _, id := range members {
			if id != primary {
				secondaries = append(secondaries, id)
			}
		}

		m := e.do("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", primary), e.write, map[string]any{"secondary_ids": secondaries})
		if m.status != 200 {
			t.Fatalf("merge: %d %s", m.status, m.body)
		}
		merged := m.json(t)
		if got := strs(merged["alt_phones"]); strings.Join(got, ",") != "+919900000002,+919900000003" {
			t.Errorf("alt_phones %v", got)
		}
		if m.header.Get("ETag") != `"2"` {
			t.Errorf("ETag %q", m.header.Get("ETag"))
		}

		search := e.do("GET", "/api/v1/contacts?search=sharma", e.read, nil).json(t)
		if search["total"] != float64(1) || int64(search["data"].([]any)[0].(map[string]any)["id"].(float64)) != primary {
			t.Errorf("search shows %v, want the one person", search)
		}
		byPhone := e.do("GET", "/api/v1/contacts?search=099000+00003", e.read, nil).json(t)
		if byPhone["total"] != float64(1) {
			t.Errorf("search by an absorbed phone: %v", byPhone)
		}
		segList := e.do("GET", fmt.Sprintf("/api/v1/contact_segments/%d/contacts", seg), e.read, nil).json(t)
		if segList["total"] != float64(2) {
			t.Errorf("segment shows %v, want Rahul once and Priya", segList)
		}
		for _, m := range segList["data"].([]any) {
			c := m.(map[string]any)
			if c["id"] == float64(primary) && len(c["alt_phones"].([]any)) != 2 {
				t.Errorf("segment member %v has phones %v", c["id"], c["alt_phones"])
			}
		}
		sec := e.do("GET", fmt.Sprintf("/api/v1/contacts/%d", secondaries[0]), e.read, nil).json(t)
		if sec["status"] != "merged" || sec["merged_into"] != float64(primary) {
			t.Errorf("secondary: %v", sec)
		}
		if n := e.do("GET", "/api/v1/contacts/duplicates", e.read, nil).json(t)["total"]; n != float64(0) {
			t.Errorf("groups after the merge: %v", n)
		}
		wantProblem(t, e.do("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", primary), e.write, map[string]any{"secondary_ids": secondaries[:1]}), 409, "conflict")

		u := e.do("POST", fmt.Sprintf("/api/v1/contacts/%d/unmerge", primary), e.write, nil)
		if u.status != 200 {
			t.Fatalf("unmerge: %d %s", u.status, u.body)
		}
		if restored := u.json(t)["restored"].([]any); len(restored) != 2 {
			t.Errorf("restored %v", restored)
		}
		if n := e.do("GET", "/api/v1/contacts/duplicates", e.read, nil).json(t)["total"]; n != float64(1) {
			t.Errorf("groups after undo: %v", n)
		}
		if s := e.do("GET", "/api/v1/contacts?search=sharma", e.read, nil).json(t); s["total"] != float64(3) {
			t.Errorf("search after undo: %v", s["total"])
		}
	})
}

func TestDuplicatesOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.createContact(map[string]any{"phone_e164": "+919900000001", "email": "x@example.com"})["id"].(float64)
		b := e.createContact(map[string]any{"phone_e164": "+919900000002", "email": "X@example.com"})["id"].(float64)
		c := e.createContact(map[string]any{"phone_e164": "+919900000003", "alt_phones": []string{"+919900000001"}})["id"].(float64)
		// One group {a, b, c}: its match is its strongest link, the email.
		if l := e.do("GET", "/api/v1/contacts/duplicates?match=email", e.read, nil).json(t); l["total"] != float64(1) || len(ids(l["data"].([]any)[0].(map[string]any)["contact_ids"])) != 3 {
			t.Errorf("email groups: %v", l)
		}
		if l := e.do("GET", "/api/v1/contacts/duplicates?match=phone", e.read, nil).json(t); l["total"] != float64(0) {
			t.Errorf("phone groups: %v", l)
		}
		if l := e.do("GET", "/api/v1/contacts/duplicates?match=name", e.read, nil).json(t); l["total"] != float64(0) {
			t.Errorf("name groups: %v", l)
		}
		wantProblem(t, e.do("GET", "/api/v1/contacts/duplicates?match=vibes", e.read, nil), 422, "validation_failed")

		merge := fmt.Sprintf("/api/v1/contacts/%d/merge", int64(a))
		p := wantProblem(t, e.do("POST", merge, e.write, map[string]any{"secondary_ids": []any{}}), 422, "validation_failed")
		if p["errors"].([]any)[0].(map[string]any)["field"] != "secondary_ids" {
			t.Errorf("errors %v", p["errors"])
		}
		wantProblem(t, e.do("POST", merge, e.write, map[string]any{"secondary_ids": []any{a}}), 422, "validation_failed")
		wantProblem(t, e.do("POST", merge, e.write, map[string]any{"secondary_ids": []any{"b"}}), 422, "validation_failed")
		p = wantProblem(t, e.do("POST", merge, e.write, map[string]any{"secondary_ids": []any{b, 424242}}), 404, "not_found")
		if !strings.Contains(p["detail"].(string), "424242") {
			t.Errorf("detail %q does not name the id", p["detail"])
		}
		wantProblem(t, e.do("POST", merge, e.write, `{}`), 422, "validation_failed")
		other := e.do("POST", "/api/v1/contacts", e.other, map[string]any{"phone_e164": "+12125550100"}).json(t)["id"]
		wantProblem(t, e.do("POST", merge, e.write, map[string]any{"secondary_ids": []any{other}}), 404, "not_found")
		wantProblem(t, e.do("POST", fmt.Sprintf("/api/v1/contacts/%d/unmerge", int64(a)), e.write, nil), 404, "not_found")

		d := e.do("POST", "/api/v1/contacts/duplicates/dismiss", e.write, map[string]any{"contact_ids": []any{a, b, c}})
		if d.status != 200 || d.json(t)["dismissed"] != float64(3) {
			t.Fatalf("dismiss: %d %s", d.status, d.body)
		}
		if l := e.do("GET", "/api/v1/contacts/duplicates", e.read, nil).json(t); l["total"] != float64(0) {
			t.Errorf("groups after dismissal: %v", l)
		}
		wantProblem(t, e.do("POST", "/api/v1/contacts/duplicates/dismiss", e.write, map[string]any{"contact_ids": []any{a}}), 422, "validation_failed")
		wantProblem(t, e.do("POST", "/api/v1/contacts/duplicates/dismiss", e.read, map[string]any{"contact_ids": []any{a, b}}), 403, "forbidden")

		if r := e.do("POST", merge, e.write, map[string]any{"secondary_ids": []any{b, c}}); r.status != 200 {
			t.Fatalf("merge: %d %s", r.status, r.body)
		}
		events := e.do("GET", fmt.Sprintf("/api/v1/audit_events?contact_id=%d&action=contact.merged", int64(a)), e.read, nil).json(t)
		if events["total"] != float64(1) || strings.Contains(fmt.Sprint(events), "9900000002") {
			t.Errorf("merge audit: %v", events)
		}
	})
}
