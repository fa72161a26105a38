package api_test

import (
	"fmt"
	"net/url"
	"sort"
	"testing"
)

// GET /contacts filters by rules, segment and DNC with the rule engine of
// segments and exports, and refuses bad filters with a 4xx naming them.
func TestListFiltersByRulesSegmentAndDNC(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rahul := e.createContact(map[string]any{"phone_e164": "+919900000011", "first_name": "Rahul", "city": "Pune", "tags": []string{"vip"}})
		priya := e.createContact(map[string]any{"phone_e164": "+919900000012", "first_name": "Priya", "city": "Delhi", "tags": []string{"vip"}})
		meera := e.createContact(map[string]any{"phone_e164": "+919900000013", "first_name": "Meera", "city": "Pune"})
		if r := e.do("POST", fmt.Sprintf("/api/v1/contacts/%d/dnc", idOf(meera)), e.write, map[string]any{"reason": "asked"}); r.status != 200 {
			t.Fatalf("opt out: %d %s", r.status, r.body)
		}
		static := e.createSegment(map[string]any{"name": "wave"})
		e.do("POST", fmt.Sprintf("/api/v1/contact_segments/%d/contacts", idOf(static)), e.write, map[string]any{"contact_ids": []int64{idOf(rahul), idOf(priya)}})
		theirs := e.do("POST", "/api/v1/contact_segments", e.other, map[string]any{"name": "theirs"}).json(t)

		ids := func(query string) []int64 {
			t.Helper()
			r := e.do("GET", "/api/v1/contacts?"+query, e.read, nil)
			if r.status != 200 {
				t.Fatalf("GET ?%s: %d %s", query, r.status, r.body)
			}
			body := r.json(t)
			var out []int64
			for _, c := range body["data"].([]any) {
				out = append(out, idOf(c.(map[string]any)))
			}
			sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
			if body["total"] != float64(len(out)) {
				t.Errorf("?%s: total %v for %d rows", query, body["total"], len(out))
			}
			return out
		}
		rules := func(r string) string { return "rules=" + url.QueryEscape(r) }
		for _, c := range []struct {
			query string
			want  []int64
		}{
			{rules(`{"field":"city","op":"eq","value":"pune"}`), []int64{idOf(rahul), idOf(meera)}},
			{rules(`{"all":[{"field":"city","op":"eq","value":"Pune"},{"field":"tags","op":"has","value":"VIP"}]}`), []int64{idOf(rahul)}},
			{rules(`{"field":"dnc","op":"eq","value":true}`), []int64{idOf(meera)}},
			{"dnc=true", []int64{idOf(meera)}},
			{"dnc=false", []int64{idOf(rahul), idOf(priya)}},
			{fmt.Sprintf("segment_id=%d", idOf(static)), []int64{idOf(rahul), idOf(priya)}},
			{fmt.Sprintf("segment_id=%d&", idOf(static)) + rules(`{"field":"city","op":"eq","value":"Delhi"}`), []int64{idOf(priya)}},
			{"search=99000000&" + rules(`{"field":"city","op":"eq","value":"Pune"}`), []int64{idOf(rahul), idOf(meera)}},
		} {
			if got := ids(c.query); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("?%s: %v, want %v", c.query, got, c.want)
			}
		}

		wantProblem(t, e.do("GET", "/api/v1/contacts?"+rules(`{"field":"city"`), e.read, nil), 422, "invalid_rule")
		wantProblem(t, e.do("GET", "/api/v1/contacts?"+rules(`{"field":"city","op":"near","value":"x"}`), e.read, nil), 422, "invalid_rule")
		wantProblem(t, e.do("GET", "/api/v1/contacts?"+rules(`{"field":"id; DROP TABLE contacts","op":"eq","value":1}`), e.read, nil), 422, "invalid_rule")
		wantProblem(t, e.do("GET", "/api/v1/contacts?dnc=maybe", e.read, nil), 422, "validation_failed")
		wantProblem(t, e.do("GET", "/api/v1/contacts?segment_id=abc", e.read, nil), 400, "invalid_id")
		wantProblem(t, e.do("GET", "/api/v1/contacts?segment_id=-1", e.read, nil), 400, "invalid_id")
		wantProblem(t, e.do("GET", fmt.Sprintf("/api/v1/contacts?segment_id=%d", idOf(theirs)), e.read, nil), 404, "not_found")
		long := `{"any":[` + fmt.Sprintf(`{"field":"city","op":"eq","value":"%0400d"}`, 1)
		for len(long) < 5000 {
			long += fmt.Sprintf(`,{"field":"city","op":"eq","value":"%0400d"}`, 1)
		}
		wantProblem(t, e.do("GET", "/api/v1/contacts?"+rules(long+"]}"), e.read, nil), 422, "validation_failed")
	})
}
