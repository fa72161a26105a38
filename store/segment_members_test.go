package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// Static membership in bulk: every id sent is accounted for, repeats change
// nothing, inactive contacts drop out of counts and pages, and another
// workspace's contacts are reported as not found, never added.
func TestStaticMembership(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, raw := openWithRaw(t, engine)
			f := newRuleFixture(t, db, raw)
			seg, err := db.CreateSegment(f.ctx, contactd.SegmentInput{Name: "  Call list  ", Description: "first wave"})
			if err != nil {
				t.Fatal(err)
			}
			if seg.Name != "Call list" || seg.Type != contactd.SegmentStatic || seg.Rules != nil || seg.ContactCount != 0 {
				t.Fatalf("created %+v", seg)
			}
			intruder := f.ids["Rahul"] + 100 // ids of the fixture's other workspace lie past acme's
			var otherIDs []int64
			if err := db.ForEachSegmentMember(f.other, mustSegment(t, db, f.other, "everyone", `{"field":"phone_e164","op":"exists"}`).ID, func(c *contactd.Contact) error {
				otherIDs = append(otherIDs, c.ID)
				return nil
			}); err != nil || len(otherIDs) != 1 {
				t.Fatalf("other workspace's contacts: %v %v", otherIDs, err)
			}
			send := []int64{f.ids["Rahul"], f.ids["Priya"], f.ids["Rahul"], f.ids["Deleted"], f.ids["Merged"], otherIDs[0], intruder}
			ch, err := db.AddSegmentMembers(f.ctx, seg.ID, send)
			if err != nil {
				t.Fatal(err)
			}
			want := &contactd.MembershipChange{Changed: 2, NotFound: []int64{otherIDs[0], intruder}, NotActive: []int64{f.ids["Deleted"], f.ids["Merged"]}, ContactCount: 2}
			if !reflect.DeepEqual(ch, want) {
				t.Errorf("add: %+v, want %+v", ch, want)
			}
			ch, err = db.AddSegmentMembers(f.ctx, seg.ID, []int64{f.ids["Priya"], f.ids["John"]})
			if err != nil || ch.Changed != 1 || ch.Unchanged != 1 || ch.ContactCount != 3 {
				t.Errorf("second add: %+v %v", ch, err)
			}
			if got := memberNames(t, db, f, seg.ID); fmt.Sprint(got) != "[John Priya Rahul]" {
				t.Errorf("members %v", got)
			}
			// A member that is deleted drops out, and comes back on restore.
			if _, err := db.DeleteContact(f.ctx, f.ids["Priya"], 0); err != nil {
				t.Fatal(err)
			}
			if s, _ := db.FindSegmentByID(f.ctx, seg.ID); s.ContactCount != 2 {
				t.Errorf("count after a member's delete: %d", s.ContactCount)
			}
			if _, err := db.RestoreContact(f.ctx, f.ids["Priya"]); err != nil {
				t.Fatal(err)
			}
			// Merged and erased members drop out too.
			raw.exec(`UPDATE contacts SET status = 'erased' WHERE id = $1`, f.ids["John"])
			if s, _ := db.FindSegmentByID(f.ctx, seg.ID); s.ContactCount != 2 {
				t.Errorf("count after a member's erasure: %d", s.ContactCount)
			}
			ch, err = db.RemoveSegmentMembers(f.ctx, seg.ID, []int64{f.ids["Rahul"], f.ids["Dee"], intruder, f.ids["John"]})
			want = &contactd.MembershipChange{Changed: 2, Unchanged: 1, NotFound: []int64{intruder}, NotActive: []int64{}, ContactCount: 1}
			if err != nil || !reflect.DeepEqual(ch, want) {
				t.Errorf("remove: %+v %v, want %+v", ch, err, want)
			}
			// The audit log has one event per contact added or removed.
			events, _, err := db.FindAuditEvents(f.ctx, contactd.AuditFilter{ContactID: f.ids["Rahul"], Page: contactd.Page{Page: 1, PerPage: 50}})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range events {
				if e.Details["segment_id"] == float64(seg.ID) {
					actions = append(actions, e.Action)
				}
			}
			if fmt.Sprint(actions) != "[segment.member_removed segment.member_added]" {
				t.Errorf("audit of Rahul's membership: %v", actions)
			}
			// Bad lists write nothing.
			for _, ids := range [][]int64{nil, {0}, {5, -1}, make([]int64, contactd.MaxSegmentBatch+1)} {
				_, err := db.AddSegmentMembers(f.ctx, seg.ID, ids)
				wantCode(t, err, contactd.EInvalid)
			}
			_, err = db.AddSegmentMembers(f.other, seg.ID, []int64{otherIDs[0]})
			wantCode(t, err, contactd.ENotFound)
			_, err = db.RemoveSegmentMembers(f.other, seg.ID, []int64{f.ids["Priya"]})
			wantCode(t, err, contactd.ENotFound)
			dyn := mustSegment(t, db, f.ctx, "dyn", `{"field":"city","op":"eq","value":"pune"}`)
			_, err = db.AddSegmentMembers(f.ctx, dyn.ID, []int64{f.ids["Rahul"]})
			wantCode(t, err, contactd.EConflict)
			err = db.ForEachSegmentMember(f.other, seg.ID, func(*contactd.Contact) error { return nil })
			wantCode(t, err, contactd.ENotFound)
		})
	}
}

func mustSegment(t *testing.T, db *store.DB, ctx context.Context, name, rule string) *contactd.Segment {
	t.Helper()
	s, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: name, Rules: parseRule(t, rule)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The largest call, 10,000 ids, is one transaction each way; every id is
// accounted for. (1,000 real contacts among them keep the test quick.)
func TestMembershipAtTheBatchLimit(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) { testMembershipAtTheBatchLimit(t, engine) })
	}
}

func testMembershipAtTheBatchLimit(t *testing.T, engine string) {
	db, raw := openWithRaw(t, engine)
	ctx := storetest.Workspace(t, db, "acme")
	inputs := make([]contactd.ContactInput, 1000)
	for i := range inputs {
		inputs[i] = contactd.ContactInput{PhoneE164: fmt.Sprintf("+9198%08d", i)}
	}
	results, err := db.CreateContacts(ctx, inputs)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range results {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		ids = append(ids, r.ID)
	}
	if engine == store.Postgres {
		// A server's autovacuum would have statistics of the new rows by
		// now; without any, the planner's guesses make this test slow.
		raw.exec(`ANALYZE contacts`)
	}
	last := ids[len(ids)-1]
	for len(ids) < contactd.MaxSegmentBatch {
		ids = append(ids, last+int64(len(ids))) // no such contacts
	}
	seg, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "big"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := db.AddSegmentMembers(ctx, seg.ID, ids)
	if err != nil || ch.Changed != 1000 || ch.ContactCount != 1000 || len(ch.NotFound) != 9000 || ch.NotFound[0] != last+1000 {
		t.Fatalf("add: changed %d count %d not found %d, %v", ch.Changed, ch.ContactCount, len(ch.NotFound), err)
	}
	page, info, err := db.FindSegmentMembers(ctx, seg.ID, contactd.Page{Page: 1, PerPage: 3})
	// A page counts at most MaxListCount members; the segment's own
	// contact_count is exact.
	wantTotal, wantCapped := int64(min(1000, contactd.MaxListCount)), 1000 > contactd.MaxListCount
	if err != nil || len(page) != 3 || info.Total != wantTotal || info.TotalCapped != wantCapped || page[0].ID != results[0].ID {
		t.Fatalf("first page: %d contacts, %+v, %v", len(page), info, err)
	}
	next, _, err := db.FindSegmentMembers(ctx, seg.ID, contactd.Page{Page: 1, PerPage: 3, AfterID: info.NextAfterID})
	if err != nil || next[0].ID != results[3].ID {
		t.Fatalf("cursor page: %v %v", next, err)
	}
	ch, err = db.RemoveSegmentMembers(ctx, seg.ID, ids)
	if err != nil || ch.Changed != 1000 || ch.ContactCount != 0 || len(ch.NotFound) != 9000 {
		t.Fatalf("remove: changed %d count %d, %v", ch.Changed, ch.ContactCount, err)
	}
}
