package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/rules"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// rawDB opens a second, plain connection to a test database, for setting up
// states that no store method makes yet (DNC, merged, erased contacts).
type rawDB struct {
	t   *testing.T
	sql *sql.DB
}

func openWithRaw(t *testing.T, engine string) (*store.DB, *rawDB) {
	t.Helper()
	dsn := storetest.DSN(t, engine)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	driver, src := "pgx", dsn
	if engine == store.SQLite {
		driver, src = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, &rawDB{t: t, sql: raw}
}

func (r *rawDB) exec(q string, args ...any) {
	r.t.Helper()
	if _, err := r.sql.Exec(q, args...); err != nil {
		r.t.Fatalf("%s: %v", q, err)
	}
}

// ruleFixture is a small workspace with one contact of each kind the rules
// tell apart, plus contacts that must never be members.
type ruleFixture struct {
	ctx   context.Context
	byID  map[int64]string // contact id -> first name
	ids   map[string]int64
	t0    time.Time
	other context.Context
}

func newRuleFixture(t *testing.T, db *store.DB, raw *rawDB) *ruleFixture {
	t.Helper()
	f := &ruleFixture{ctx: storetest.Workspace(t, db, "acme"), other: storetest.Workspace(t, db, "globex"),
		byID: map[int64]string{}, ids: map[string]int64{}, t0: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	people := []contactd.ContactInput{
		{PhoneE164: "+919900000001", FirstName: "Rahul", LastName: "Sharma", Email: "rahul@example.com", Company: "Acme Realty", City: "Pune", Country: "IN",
			Tags: []string{"VIP", "hot"}, CustomFields: map[string]any{"budget": "2cr", "age": json.Number("42"), "score": "7.5", "vip_level": true}},
		{PhoneE164: "+919900000002", FirstName: "Priya", LastName: "Patel", Email: "priya@globex.com", Company: "Globex", City: "PUNE",
			Tags: []string{"vip"}, CustomFields: map[string]any{"age": "35"}},
		{PhoneE164: "+447400123456", FirstName: "John", LastName: "Smith", Email: "john@example.org", City: "London", Country: "GB",
			CustomFields: map[string]any{"budget": "5L"}},
		{PhoneE164: "+33612345678", FirstName: "Émile", LastName: "Zola", Company: "Éditions", City: "Évry",
			Tags: []string{"lead"}, CustomFields: map[string]any{"age": "n/a", "note": "-5"}},
		{PhoneE164: "+919900000005", FirstName: "Dee", City: "Pune", Timezone: "Asia/Kolkata"}, // made DNC below
		{PhoneE164: "+919900000006", FirstName: "Deleted", City: "Pune", Tags: []string{"vip"}},
		{PhoneE164: "+919900000007", FirstName: "Merged", City: "Pune", Tags: []string{"vip"}},
		{PhoneE164: "+919900000008", FirstName: "Erased", City: "Pune", Tags: []string{"vip"}},
	}
	for i, in := range people {
		at := f.t0.Add(time.Duration(i) * 24 * time.Hour)
		db.SetNow(func() time.Time { return at })
		c := mustCreate(t, db, f.ctx, in)
		f.byID[c.ID], f.ids[in.FirstName] = in.FirstName, c.ID
	}
	db.SetNow(func() time.Time { return f.t0.Add(30 * 24 * time.Hour) })
	if _, err := db.DeleteContact(f.ctx, f.ids["Deleted"], 0); err != nil {
		t.Fatal(err)
	}
	raw.exec(`UPDATE contacts SET dnc = $1 WHERE id = $2`, true, f.ids["Dee"])
	raw.exec(`UPDATE contacts SET status = 'merged', merged_into = $1 WHERE id = $2`, f.ids["Rahul"], f.ids["Merged"])
	raw.exec(`UPDATE contacts SET status = 'erased', phone_e164 = '' WHERE id = $1`, f.ids["Erased"])
	// Another workspace's contact that matches everything acme's rules ask.
	mustCreate(t, db, f.other, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Intruder", City: "Pune", Tags: []string{"vip", "hot"},
		CustomFields: map[string]any{"budget": "2cr", "age": "42"}})
	return f
}

func (f *ruleFixture) names(ids []int64) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, f.byID[id])
	}
	sort.Strings(out)
	return out
}

func parseRule(t *testing.T, s string) *contactd.Rule {
	t.Helper()
	r, err := rules.Parse([]byte(s), "rules")
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return r
}

func memberNames(t *testing.T, db *store.DB, f *ruleFixture, id int64) []string {
	t.Helper()
	var ids []int64
	if err := db.ForEachSegmentMember(f.ctx, id, func(c *contactd.Contact) error {
		if c.Status != contactd.StatusActive {
			t.Errorf("member %d is %s", c.ID, c.Status)
		}
		ids = append(ids, c.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] < ids[j] }) {
		t.Errorf("members not in id order: %v", ids)
	}
	return f.names(ids)
}

// Every operator, on every kind of field, nested, gives the same members on
// both engines; merged, erased, deleted and other workspaces' contacts never
// appear.
func TestRuleConformance(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, raw := openWithRaw(t, engine)
			f := newRuleFixture(t, db, raw)
			static, err := db.CreateSegment(f.ctx, contactd.SegmentInput{Name: "called"})
			if err != nil {
				t.Fatal(err)
			}
			ids := []int64{f.ids["Rahul"], f.ids["John"], f.ids["Deleted"]}
			if _, err := db.AddSegmentMembers(f.ctx, static.ID, ids[:2]); err != nil {
				t.Fatal(err)
			}
			pune, err := db.CreateSegment(f.ctx, contactd.SegmentInput{Name: "pune", Rules: parseRule(t, `{"all":[{"field":"city","op":"eq","value":"pune"}]}`)})
			if err != nil {
				t.Fatal(err)
			}
			day := func(n int) string { return f.t0.Add(time.Duration(n) * 24 * time.Hour).Format(time.RFC3339) }
			cases := []struct {
				rule string
				want string // first names, sorted, space-separated
			}{
				// text fields: ASCII case folded, byte order
				{`{"field":"city","op":"eq","value":"pune"}`, "Dee Priya Rahul"},
				{`{"field":"city","op":"eq","value":"PuNe"}`, "Dee Priya Rahul"},
				{`{"field":"city","op":"neq","value":"pune"}`, "John Émile"},
				{`{"field":"city","op":"contains","value":"UN"}`, "Dee Priya Rahul"},
				{`{"field":"city","op":"contains","value":"%"}`, ""},
				{`{"field":"city","op":"starts_with","value":"LON"}`, "John"},
				{`{"field":"city","op":"in","value":["london","Évry"]}`, "John Émile"},
				{`{"field":"city","op":"eq","value":"évry"}`, ""}, // only ASCII folds, on both engines
				{`{"field":"city","op":"gte","value":"p"}`, "Dee Priya Rahul Émile"},
				{`{"field":"city","op":"lte","value":"m"}`, "John"},
				{`{"field":"company","op":"exists","value":true}`, "Priya Rahul Émile"},
				{`{"field":"company","op":"exists","value":false}`, "Dee John"},
				{`{"field":"company","op":"exists"}`, "Priya Rahul Émile"},
				{`{"field":"email","op":"contains","value":"@EXAMPLE."}`, "John Rahul"},
				{`{"field":"last_name","op":"starts_with","value":"s"}`, "John Rahul"},
				{`{"field":"first_name","op":"eq","value":"rahul"}`, "Rahul"},
				{`{"field":"country","op":"eq","value":"gb"}`, "John"},
				{`{"field":"timezone","op":"eq","value":"asia/kolkata"}`, "Dee"},
				{`{"field":"phone_e164","op":"starts_with","value":"+91"}`, "Dee Priya Rahul"},
				{`{"field":"phone_e164","op":"eq","value":"+447400123456"}`, "John"},
				{`{"field":"phone_e164","op":"contains","value":"1234"}`, "John Émile"},
				{`{"field":"phone_country","op":"eq","value":"gb"}`, "John"},
				{`{"field":"phone_country","op":"in","value":["IN","fr"]}`, "Dee Priya Rahul Émile"},
				{`{"field":"phone_type","op":"eq","value":"mobile"}`, "Dee John Priya Rahul Émile"},
				// tags
				{`{"field":"tags","op":"has","value":"vip"}`, "Priya Rahul"},
				{`{"field":"tags","op":"has","value":" VIP "}`, "Priya Rahul"},
				{`{"field":"tags","op":"in","value":["hot","lead"]}`, "Rahul Émile"},
				{`{"field":"tags","op":"neq","value":"vip"}`, "Dee John Émile"},
				{`{"field":"tags","op":"exists","value":true}`, "Priya Rahul Émile"},
				{`{"field":"tags","op":"exists","value":false}`, "Dee John"},
				// custom fields: text folds; a number value compares numerically
				{`{"field":"custom.budget","op":"eq","value":"2CR"}`, "Rahul"},
				{`{"field":"custom.budget","op":"neq","value":"2cr"}`, "Dee John Priya Émile"},
				{`{"field":"custom.budget","op":"contains","value":"l"}`, "John"},
				{`{"field":"custom.budget","op":"starts_with","value":"2"}`, "Rahul"},
				{`{"field":"custom.budget","op":"in","value":["2cr","5L"]}`, "John Rahul"},
				{`{"field":"custom.budget","op":"exists","value":true}`, "John Rahul"},
				{`{"field":"custom.budget","op":"exists","value":false}`, "Dee Priya Émile"},
				{`{"field":"custom.age","op":"gte","value":30}`, "Priya Rahul"},
				{`{"field":"custom.age","op":"gte","value":40}`, "Rahul"},
				{`{"field":"custom.age","op":"lte","value":35.5}`, "Priya"},
				{`{"field":"custom.age","op":"eq","value":42}`, "Rahul"},
				{`{"field":"custom.age","op":"eq","value":"42"}`, "Rahul"},
				{`{"field":"custom.age","op":"in","value":[35,42]}`, "Priya Rahul"},
				{`{"field":"custom.age","op":"gte","value":"a"}`, "Émile"}, // text order: "n/a" > "a" > "42"
				{`{"field":"custom.score","op":"gte","value":7}`, "Rahul"},
				{`{"field":"custom.note","op":"eq","value":-5}`, "Émile"},
				{`{"field":"custom.vip_level","op":"eq","value":true}`, "Rahul"},
				{`{"field":"custom.vip_level","op":"neq","value":true}`, "Dee John Priya Émile"},
				// dnc and times
				{`{"field":"dnc","op":"eq","value":true}`, "Dee"},
				{`{"field":"dnc","op":"neq","value":true}`, "John Priya Rahul Émile"},
				{`{"field":"created_at","op":"gte","value":"` + day(2) + `"}`, "Dee John Émile"},
				{`{"field":"created_at","op":"lte","value":"` + day(1) + `"}`, "Priya Rahul"},
				{`{"field":"created_at","op":"lte","value":"2026-03-02"}`, "Priya Rahul"}, // a date includes its whole day
				{`{"field":"created_at","op":"gte","value":"now-28d"}`, "Dee John Émile"}, // now is t0+30d
				{`{"field":"updated_at","op":"gte","value":"2026-03-04"}`, "Dee Émile"},
				// segment membership, static and dynamic
				{fmt.Sprintf(`{"field":"segments","op":"has","value":%d}`, static.ID), "John Rahul"},
				{fmt.Sprintf(`{"field":"segments","op":"neq","value":%d}`, static.ID), "Dee Priya Émile"},
				{fmt.Sprintf(`{"field":"segments","op":"has","value":%d}`, pune.ID), "Dee Priya Rahul"},
				{fmt.Sprintf(`{"field":"segments","op":"neq","value":%d}`, pune.ID), "John Émile"},
				{fmt.Sprintf(`{"field":"segments","op":"in","value":[%d,%d]}`, static.ID, pune.ID), "Dee John Priya Rahul"},
				// nesting, and conditions on missing custom fields inside groups
				{`{"all":[{"field":"city","op":"eq","value":"pune"},{"any":[{"field":"tags","op":"has","value":"vip"},{"field":"dnc","op":"eq","value":true}]}]}`, "Dee Priya Rahul"},
				{`{"any":[{"field":"custom.budget","op":"eq","value":"x"},{"field":"city","op":"eq","value":"london"}]}`, "John"},
				{`{"all":[{"any":[{"all":[{"field":"tags","op":"has","value":"vip"},{"field":"custom.age","op":"lte","value":40}]},{"field":"phone_country","op":"eq","value":"FR"}]},{"field":"dnc","op":"eq","value":false}]}`, "Priya Émile"},
				{fmt.Sprintf(`{"all":[{"field":"segments","op":"has","value":%d},{"field":"segments","op":"neq","value":%d}]}`, pune.ID, static.ID), "Dee Priya"},
			}
			for i, tc := range cases {
				seg, err := db.CreateSegment(f.ctx, contactd.SegmentInput{Name: fmt.Sprintf("case %d", i), Rules: parseRule(t, tc.rule)})
				if err != nil {
					t.Fatalf("%s: %v", tc.rule, err)
				}
				got := strings.Join(memberNames(t, db, f, seg.ID), " ")
				if got != tc.want {
					t.Errorf("%s\n got  %q\n want %q", tc.rule, got, tc.want)
				}
				if want := int64(len(strings.Fields(tc.want))); seg.ContactCount != want {
					t.Errorf("%s: contact_count %d, want %d", tc.rule, seg.ContactCount, want)
				}
			}
		})
	}
}

func TestSegmentLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		other := storetest.Workspace(t, db, "globex")
		rahul := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", City: "Pune"})
		mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000002", City: "Delhi"})
		pune := parseRule(t, `{"field":"city","op":"eq","value":"pune"}`)

		// Bad input is refused before anything is written.
		bad := []struct {
			in   contactd.SegmentInput
			code string
		}{
			{contactd.SegmentInput{}, contactd.EInvalid},
			{contactd.SegmentInput{Name: "   "}, contactd.EInvalid},
			{contactd.SegmentInput{Name: strings.Repeat("x", 201)}, contactd.EInvalid},
			{contactd.SegmentInput{Name: "a\x00b"}, contactd.EInvalid},
			{contactd.SegmentInput{Name: "x", Type: "smart"}, contactd.EInvalid},
			{contactd.SegmentInput{Name: "x", Type: contactd.SegmentStatic, Rules: pune}, contactd.EInvalid},
			{contactd.SegmentInput{Name: "x", Type: contactd.SegmentDynamic}, contactd.EInvalid},
			{contactd.SegmentInput{Name: "x", Rules: &contactd.Rule{Field: "nope", Op: "eq", Value: "x"}}, contactd.EInvalidRule},
			{contactd.SegmentInput{Name: "x", Rules: &contactd.Rule{Field: "segments", Op: "has", Value: 999}}, contactd.EInvalidRule},
		}
		for _, b := range bad {
			_, err := db.CreateSegment(ctx, b.in)
			wantCode(t, err, b.code)
		}
		if list, info, _ := db.FindSegments(ctx, contactd.Page{Page: 1, PerPage: 10}); len(list) != 0 || info.Total != 0 {
			t.Fatalf("a refused segment was stored: %v", list)
		}

		a, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "Pune", Rules: pune})
		if err != nil || a.Type != contactd.SegmentDynamic || a.ContactCount != 1 {
			t.Fatalf("create: %+v %v", a, err)
		}
		_, err = db.CreateSegment(ctx, contactd.SegmentInput{Name: "Pune"})
		wantCode(t, err, contactd.EConflict)
		if _, err := db.CreateSegment(other, contactd.SegmentInput{Name: "Pune"}); err != nil {
			t.Fatalf("names are per workspace: %v", err)
		}
		// Another workspace's segment is not found, in rules too.
		_, err = db.CreateSegment(other, contactd.SegmentInput{Name: "x", Rules: &contactd.Rule{Field: "segments", Op: "has", Value: a.ID}})
		wantCode(t, err, contactd.EInvalidRule)
		_, err = db.FindSegmentByID(other, a.ID)
		wantCode(t, err, contactd.ENotFound)
		_, err = db.UpdateSegment(other, a.ID, contactd.SegmentUpdate{Name: segPtr("mine")})
		wantCode(t, err, contactd.ENotFound)
		_, err = db.DeleteSegment(other, a.ID)
		wantCode(t, err, contactd.ENotFound)

		// b refers to a; a may not then refer to b, nor to itself.
		b, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "Pune VIPs", Rules: &contactd.Rule{All: []*contactd.Rule{{Field: "segments", Op: "has", Value: a.ID}}}})
		if err != nil || b.ContactCount != 1 {
			t.Fatalf("create b: %+v %v", b, err)
		}
		_, err = db.UpdateSegment(ctx, a.ID, contactd.SegmentUpdate{Rules: &contactd.Rule{Field: "segments", Op: "neq", Value: b.ID}})
		wantCode(t, err, contactd.EInvalidRule)
		_, err = db.UpdateSegment(ctx, a.ID, contactd.SegmentUpdate{Rules: &contactd.Rule{Field: "segments", Op: "has", Value: a.ID}})
		wantCode(t, err, contactd.EInvalidRule)
		// a cannot go while b uses it.
		_, err = db.DeleteSegment(ctx, a.ID)
		wantCode(t, err, contactd.EConflict)

		upd, err := db.UpdateSegment(ctx, a.ID, contactd.SegmentUpdate{Name: segPtr("Delhi"), Description: segPtr("moved"), Rules: parseRule(t, `{"field":"city","op":"eq","value":"delhi"}`)})
		if err != nil || upd.Name != "Delhi" || upd.Description != "moved" || upd.ContactCount != 1 {
			t.Fatalf("update: %+v %v", upd, err)
		}
		if got, _ := db.FindSegmentByID(ctx, b.ID); got.ContactCount != 1 {
			t.Errorf("b follows a's new rules: %d", got.ContactCount)
		}
		_, err = db.UpdateSegment(ctx, b.ID, contactd.SegmentUpdate{Name: segPtr("Delhi")})
		wantCode(t, err, contactd.EConflict)

		static, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "list"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.UpdateSegment(ctx, static.ID, contactd.SegmentUpdate{Rules: pune})
		wantCode(t, err, contactd.EInvalid)
		if _, err := db.AddSegmentMembers(ctx, static.ID, []int64{rahul.ID}); err != nil {
			t.Fatal(err)
		}
		gone, err := db.DeleteSegment(ctx, static.ID)
		if err != nil || gone.ContactCount != 1 {
			t.Fatalf("delete: %+v %v", gone, err)
		}
		if c, err := db.FindContactByID(ctx, rahul.ID); err != nil || c.Status != contactd.StatusActive {
			t.Errorf("deleting a segment touched its contact: %+v %v", c, err)
		}
		_, err = db.FindSegmentByID(ctx, static.ID)
		wantCode(t, err, contactd.ENotFound)
		list, info, err := db.FindSegments(ctx, contactd.Page{Page: 1, PerPage: 1})
		if err != nil || info.Total != 2 || len(list) != 1 || list[0].ID != a.ID || list[0].ContactCount != 1 || info.NextAfterID != a.ID {
			t.Fatalf("list: %v %+v %v", list, info, err)
		}
		list, _, _ = db.FindSegments(ctx, contactd.Page{Page: 1, PerPage: 5, AfterID: a.ID})
		if len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("cursor page: %v", list)
		}
		events, _, _ := db.FindAuditEvents(ctx, contactd.AuditFilter{Action: contactd.ActionSegmentDeleted, Page: contactd.Page{Page: 1, PerPage: 5}})
		if len(events) != 1 || events[0].Details["segment_id"] != float64(static.ID) {
			t.Errorf("audit: %+v", events)
		}
	})
}

func segPtr(s string) *string { return &s }
