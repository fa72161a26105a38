package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/rules"
)

var sqlPlaceholder = regexp.MustCompile(`\$[0-9]+`)

// FuzzRuleSQL compiles every rule tree that rules.Parse accepts with the
// store's own targets for both engines, and runs the SQLite condition on a
// real database with contacts, tags and segments. Seeds live in
// testdata/fuzz/FuzzRuleSQL. A checked tree must compile on both engines
// (or name a segment that is not there, as invalid_rule), and the SQL must
// be one SQLite runs; the PostgreSQL condition must number its arguments
// exactly. A count on SQLite that merges sets (rules.PlanSets, here with
// every tag and segment big enough) must agree with the condition's.
// (rules.FuzzParse checks the trees themselves.)
func FuzzRuleSQL(f *testing.F) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	ws, err := db.CreateWorkspace(ctx, "fuzz", "IN")
	if err != nil {
		f.Fatal(err)
	}
	actx := contactd.WithActor(ctx, contactd.Actor{WorkspaceID: ws.ID, Role: contactd.RoleAdmin})
	for _, in := range []contactd.ContactInput{
		{PhoneE164: "+919900000001", FirstName: "Rahul", City: "Pune", Tags: []string{"vip"}, CustomFields: map[string]any{"budget": json.Number("12.5"), "n": "7", "flag": true}},
		{PhoneE164: "+14155550100", FirstName: "José", Company: "Acme", CustomFields: map[string]any{"n": json.Number("-3"), "notes": "x"}},
		{PhoneE164: "+919900000003", FirstName: "Asha", City: "Delhi", Tags: []string{"vip", "lead"}},
	} {
		if _, err := db.CreateContact(actx, in); err != nil {
			f.Fatal(err)
		}
	}
	// Segments 1 (static) and 2 (dynamic) are what the seeds name.
	static, err := db.CreateSegment(actx, contactd.SegmentInput{Name: "static", Type: contactd.SegmentStatic})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.AddSegmentMembers(actx, static.ID, []int64{1, 3}); err != nil {
		f.Fatal(err)
	}
	if _, err := db.CreateSegment(actx, contactd.SegmentInput{Name: "dynamic", Rules: &contactd.Rule{Field: "city", Op: "eq", Value: "Pune"}}); err != nil {
		f.Fatal(err)
	}
	pg := &DB{dialect: postgresDialect{}, now: db.now}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := rules.Parse(raw, "rules")
		if err != nil {
			return
		}
		for _, engine := range []*DB{db, pg} {
			w := &where{}
			w.add("c.workspace_id = $%d", ws.ID)
			target := &ruleTarget{db: engine, ctx: ctx, q: db.read, ws: ws.ID, w: w, now: db.now()}
			cond, err := rules.Compile(r, target)
			if err != nil {
				if contactd.ErrorCode(err) != contactd.EInvalidRule {
					t.Fatalf("%s: %s: checked rules failed to compile: %v", raw, engine.dialect.name(), err)
				}
				return
			}
			w.conds = append(w.conds, cond)
			seen := map[string]bool{}
			for _, p := range sqlPlaceholder.FindAllString(w.sql(), -1) {
				seen[p] = true
			}
			if len(seen) != len(w.args) {
				t.Fatalf("%s: %s: %d placeholders for %d arguments in %s", raw, engine.dialect.name(), len(seen), len(w.args), w.sql())
			}
			if engine == db {
				var n int
				if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM contacts c WHERE "+w.sql(), w.args...).Scan(&n); err != nil {
					t.Fatalf("%s: SQLite refuses the compiled rules: %v\n%s", raw, err, w.sql())
				}
				checkSetCount(t, db, raw, &contactd.Segment{WorkspaceID: ws.ID, Type: contactd.SegmentDynamic, Rules: r}, n)
			}
		}
	})
}

// checkSetCount counts s's members on SQLite with sets merged wherever
// PlanSets can, whole and in three parts by id, and wants the condition's
// count, want, both ways.
func checkSetCount(t *testing.T, db *DB, raw []byte, s *contactd.Segment, want int) {
	defer func(old int) { segmentMergeRows = old }(segmentMergeRows)
	segmentMergeRows = 1
	count := func(after, upTo int64) int {
		q, args, err := db.segmentCountSQL(context.Background(), db.read, s, db.now(), after, upTo)
		if err != nil {
			t.Fatalf("%s: sets: %v", raw, err)
		}
		seen := map[string]bool{}
		for _, p := range sqlPlaceholder.FindAllString(q, -1) {
			seen[p] = true
		}
		if len(seen) != len(args) {
			t.Fatalf("%s: sets: %d placeholders for %d arguments in %s", raw, len(seen), len(args), q)
		}
		var n int
		if err := db.read.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: SQLite refuses the sets: %v\n%s", raw, err, q)
		}
		return n
	}
	if n := count(0, 0); n != want {
		t.Fatalf("%s: sets count %d, the condition %d", raw, n, want)
	}
	if n := count(0, 1) + count(1, 2) + count(2, 0); n != want {
		t.Fatalf("%s: sets count %d in parts, the condition %d", raw, n, want)
	}
}
