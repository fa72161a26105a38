package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A count that merges sets (on SQLite, once tags and static segments are
// big enough) agrees with the members the rules select: nested any and
// all, tags, static and dynamic segments, conditions left over to test on
// each contact; deleted, merged and erased contacts, which keep their tags,
// and other workspaces' contacts drop out.
func TestSegmentCountBySets(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			defer store.SetSegmentMergeRows(1)()
			// Parts of three ids or more: most have a member or two.
			defer store.SetSegmentCountParts(3, 3)()
			db, raw := openWithRaw(t, engine)
			f := newRuleFixture(t, db, raw)
			static, err := db.CreateSegment(f.ctx, contactd.SegmentInput{Name: "called"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddSegmentMembers(f.ctx, static.ID, []int64{f.ids["Rahul"], f.ids["John"]}); err != nil {
				t.Fatal(err)
			}
			// A contact merged after it was added keeps its membership row.
			raw.exec(`INSERT INTO segment_members (workspace_id, segment_id, contact_id, added_at) VALUES ($1, $2, $3, $4)`,
				static.WorkspaceID, static.ID, f.ids["Merged"], "2026-03-01T10:00:00.000000Z")
			pune := mustSegment(t, db, f.ctx, "pune", `{"field":"city","op":"eq","value":"pune"}`)
			vipIndia := mustSegment(t, db, f.ctx, "vip india", `{"all":[{"field":"phone_country","op":"eq","value":"in"},{"field":"tags","op":"has","value":"vip"}]}`)
			cases := []struct {
				rule   string
				want   string // first names, sorted
				merges bool   // SQLite counts by a compound SELECT
			}{
				{`{"all":[{"field":"phone_country","op":"eq","value":"IN"},{"field":"tags","op":"has","value":"vip"}]}`, "Priya Rahul", true},
				{`{"all":[{"field":"city","op":"eq","value":"Pune"},{"field":"tags","op":"in","value":["vip","HOT"]}]}`, "Priya Rahul", true},
				{`{"all":[{"field":"city","op":"in","value":["pune","london"]},{"any":[{"field":"tags","op":"has","value":"vip"},{"field":"tags","op":"has","value":"lead"}]}]}`, "Priya Rahul", true},
				{`{"any":[{"field":"tags","op":"has","value":"vip"},{"field":"tags","op":"has","value":"lead"}]}`, "Priya Rahul Émile", true},
				{`{"all":[{"field":"phone_country","op":"eq","value":"in"},{"field":"tags","op":"exists","value":true}]}`, "Priya Rahul", true}, // Rahul's two tags count once
				{`{"all":[{"field":"phone_country","op":"eq","value":"in"},{"field":"tags","op":"exists","value":true},{"field":"dnc","op":"eq","value":false}]}`, "Priya Rahul", true},
				{`{"all":[{"field":"phone_country","op":"eq","value":"in"},{"field":"tags","op":"has","value":"vip"},{"field":"tags","op":"neq","value":"hot"}]}`, "Priya", true},
				{`{"all":[{"all":[{"field":"tags","op":"has","value":"vip"},{"field":"dnc","op":"eq","value":false}]},{"field":"phone_country","op":"eq","value":"in"}]}`, "Priya Rahul", true},
				{`{"all":[{"any":[{"field":"city","op":"eq","value":"pune"},{"field":"tags","op":"has","value":"lead"}]},{"field":"tags","op":"exists"}]}`, "Priya Rahul Émile", true},
				{`{"all":[{"any":[{"field":"tags","op":"has","value":"vip"},{"field":"tags","op":"has","value":"lead"}]},{"any":[{"field":"phone_country","op":"eq","value":"in"},{"field":"phone_country","op":"eq","value":"fr"}]}]}`, "Priya Rahul Émile", true},
				{fmt.Sprintf(`{"all":[{"field":"segments","op":"has","value":%d},{"field":"tags","op":"has","value":"vip"}]}`, static.ID), "Rahul", true},
				{fmt.Sprintf(`{"all":[{"field":"segments","op":"in","value":[%d,%d]},{"field":"tags","op":"exists"}]}`, static.ID, pune.ID), "Priya Rahul", true},
				{fmt.Sprintf(`{"all":[{"field":"segments","op":"has","value":%d},{"field":"tags","op":"has","value":"hot"}]}`, vipIndia.ID), "Rahul", true},
				{fmt.Sprintf(`{"any":[{"field":"segments","op":"has","value":%d},{"field":"segments","op":"has","value":%d}]}`, static.ID, vipIndia.ID), "John Priya Rahul", true},
				{fmt.Sprintf(`{"all":[{"field":"segments","op":"neq","value":%d},{"field":"tags","op":"has","value":"vip"},{"field":"city","op":"eq","value":"pune"}]}`, static.ID), "Priya", true},
				// Nothing to merge, or a tag nobody has: conditions as ever.
				{`{"all":[{"field":"phone_country","op":"eq","value":"in"},{"field":"dnc","op":"eq","value":false}]}`, "Priya Rahul", false},
				{`{"all":[{"field":"phone_country","op":"eq","value":"in"},{"field":"tags","op":"has","value":"nobody"}]}`, "", false},
				{`{"any":[{"field":"tags","op":"has","value":"vip"},{"field":"dnc","op":"eq","value":true}]}`, "Dee Priya Rahul", false},
			}
			for i, tc := range cases {
				seg := mustSegment(t, db, f.ctx, fmt.Sprint("sets ", i), tc.rule)
				got := strings.Join(memberNames(t, db, f, seg.ID), " ")
				if got != tc.want {
					t.Errorf("%s\n members %q\n want    %q", tc.rule, got, tc.want)
				}
				if want := int64(len(strings.Fields(tc.want))); seg.ContactCount != want {
					t.Errorf("%s: contact_count %d, want %d", tc.rule, seg.ContactCount, want)
				}
				q, _, err := db.SegmentCountSQL(f.ctx, seg.ID, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if merges := strings.Contains(q, " INTERSECT ") || strings.Contains(q, " UNION "); merges != (tc.merges && engine == store.SQLite) {
					t.Errorf("%s: count merges sets %v, want %v:\n%s", tc.rule, merges, tc.merges && engine == store.SQLite, q)
				}
			}
		})
	}
}

// SQLite runs a count of an indexed field's value and a big tag as a merge
// of two index walks in id order, whole or in parts: no list of the tag's
// contacts built first, no sort, no contact looked up.
func TestSegmentCountMergesIndexWalks(t *testing.T) {
	defer store.SetSegmentMergeRows(2)()
	dsn := storetest.DSN(t, store.SQLite)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := storetest.Workspace(t, db, "acme")
	mustCreateAll(t, db, ctx, []contactd.ContactInput{
		{PhoneE164: "+919900000001", City: "Pune", Tags: []string{"vip", "lead"}},
		{PhoneE164: "+919900000002", City: "Delhi", Tags: []string{"vip", "lead"}},
	})
	for _, rule := range []string{
		`{"all":[{"field":"phone_country","op":"eq","value":"IN"},{"field":"tags","op":"has","value":"vip"}]}`,
		`{"all":[{"field":"tags","op":"in","value":["vip","lead"]},{"field":"city","op":"eq","value":"pune"}]}`,
		`{"all":[{"field":"city","op":"in","value":["pune","delhi"]},{"field":"tags","op":"has","value":"lead"}]}`,
	} {
		seg := mustSegment(t, db, ctx, rule, rule)
		for _, part := range [][2]int64{{0, 0}, {1, 1000}} {
			q, args, err := db.SegmentCountSQL(ctx, seg.ID, part[0], part[1])
			if err != nil {
				t.Fatal(err)
			}
			plan, err := store.QueryPlan(ctx, raw, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "; ")
			for _, want := range []string{"MERGE (INTERSECT)", "COVERING INDEX contacts_rule_", "contact_tags USING PRIMARY KEY"} {
				if !strings.Contains(all, want) {
					t.Errorf("%s %v: plan lacks %q:\n%s", rule, part, want, all)
				}
			}
			for _, step := range plan {
				if strings.Contains(step, "TEMP B-TREE") || strings.Contains(step, "LIST SUBQUERY") ||
					strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN (subquery") {
					t.Errorf("%s %v: plan has %q:\n%s", rule, part, step, all)
				}
			}
		}
	}
}
