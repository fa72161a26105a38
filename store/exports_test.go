package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// Bad export requests are refused before anything is written: no export, no
// job, no audit event.
func TestCreateExportRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		other := storetest.Workspace(t, db, "globex")
		theirs, err := db.CreateSegment(other, contactd.SegmentInput{Name: "theirs"})
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		cases := []struct {
			in    contactd.ExportInput
			code  string
			field string
		}{
			{contactd.ExportInput{Format: "pdf"}, contactd.EInvalid, "format"},
			{contactd.ExportInput{Format: "CSV"}, contactd.EInvalid, "format"},
			{contactd.ExportInput{Format: contactd.ExportXLSX, BOM: true}, contactd.EInvalid, "bom"},
			{contactd.ExportInput{Fields: []string{"phone_e164", "password"}}, contactd.EInvalid, "fields[1]"},
			{contactd.ExportInput{Fields: []string{"custom.a b"}}, contactd.EInvalid, "fields[0]"},
			{contactd.ExportInput{Fields: []string{"email", "email"}}, contactd.EInvalid, "fields[1]"},
			{contactd.ExportInput{Filters: contactd.ExportFilter{Status: "gone"}}, contactd.EInvalid, "filters.status"},
			{contactd.ExportInput{Filters: contactd.ExportFilter{Tags: []string{"vip", " "}}}, contactd.EInvalid, "filters.tags[1]"},
			{contactd.ExportInput{Filters: contactd.ExportFilter{Search: strings.Repeat("a", 201)}}, contactd.EInvalid, "filters.search"},
			{contactd.ExportInput{Filters: contactd.ExportFilter{SegmentID: theirs.ID}}, contactd.ENotFound, ""},
			{contactd.ExportInput{Filters: contactd.ExportFilter{SegmentID: 99999}}, contactd.ENotFound, ""},
			{contactd.ExportInput{Filters: contactd.ExportFilter{DNC: &yes, Rules: &contactd.Rule{Field: "city", Op: "like", Value: "x"}}}, contactd.EInvalidRule, "filters.rules.op"},
			{contactd.ExportInput{Filters: contactd.ExportFilter{Rules: &contactd.Rule{Field: "segments", Op: "has", Value: theirs.ID}}}, contactd.EInvalidRule, "filters.rules"},
		}
		for _, tc := range cases {
			_, err := db.CreateExport(ctx, tc.in)
			e := wantCode(t, err, tc.code)
			if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
				t.Errorf("%+v: fields %+v, want %s", tc.in, e.Fields, tc.field)
			}
		}
		if list, info, _ := db.FindExports(ctx, contactd.Page{Page: 1, PerPage: 10}); len(list) != 0 || info.Total != 0 {
			t.Errorf("a refused export was stored: %+v", list)
		}
		if job, _ := db.ClaimJob(ctx, "test", time.Minute); job != nil {
			t.Errorf("a refused export queued a job: %+v", job)
		}
		if events, _, _ := db.FindAuditEvents(ctx, contactd.AuditFilter{Action: contactd.ActionExportCreated, Page: contactd.Page{Page: 1, PerPage: 10}}); len(events) != 0 {
			t.Errorf("a refused export was audited: %+v", events)
		}
		// A good one is queued with its job, and another workspace cannot see it.
		exp, err := db.CreateExport(ctx, contactd.ExportInput{})
		if err != nil || exp.Status != contactd.JobQueued || exp.Format != contactd.ExportCSV || exp.Filename != fmt.Sprintf("contacts-export-%d.csv", exp.ID) {
			t.Fatalf("create: %+v %v", exp, err)
		}
		_, err = db.FindExportByID(other, exp.ID)
		wantCode(t, err, contactd.ENotFound)
		_, err = db.ExportDownload(other, exp.ID)
		wantCode(t, err, contactd.ENotFound)
		_, err = db.ExportDownload(ctx, exp.ID)
		wantCode(t, err, contactd.EConflict)
	})
}

// The filters of an export select what they say, together, from one
// snapshot; inactive contacts only when asked for by status.
func TestExportFilters(t *testing.T) {
	defer store.SetExportStripes(2, 1)()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, raw := openWithRaw(t, engine)
			f := newRuleFixture(t, db, raw)
			static, err := db.CreateSegment(f.ctx, contactd.SegmentInput{Name: "list"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddSegmentMembers(f.ctx, static.ID, []int64{f.ids["Rahul"], f.ids["John"]}); err != nil {
				t.Fatal(err)
			}
			raw.exec(`INSERT INTO segment_members (workspace_id, segment_id, contact_id, added_at) SELECT workspace_id, $1, id, created_at FROM contacts WHERE id = $2`,
				static.ID, f.ids["Deleted"])
			yes, no := true, false
			after, before := f.t0.Add(24*time.Hour), f.t0.Add(4*24*time.Hour)
			cases := []struct {
				f    contactd.ExportFilter
				want string
			}{
				{contactd.ExportFilter{}, "Dee John Priya Rahul Émile"},
				{contactd.ExportFilter{Status: "deleted"}, "Deleted"},
				{contactd.ExportFilter{Status: "all"}, "Dee Deleted Erased John Merged Priya Rahul Émile"},
				{contactd.ExportFilter{Status: "merged"}, "Merged"},
				{contactd.ExportFilter{SegmentID: static.ID}, "John Rahul"},
				{contactd.ExportFilter{SegmentID: static.ID, Status: "all"}, "Deleted John Rahul"},
				{contactd.ExportFilter{Tags: []string{"VIP"}}, "Priya Rahul"},
				{contactd.ExportFilter{Tags: []string{"vip", "hot"}}, "Rahul"},
				{contactd.ExportFilter{Tags: []string{"vip"}, Status: "all"}, "Deleted Erased Merged Priya Rahul"},
				{contactd.ExportFilter{DNC: &yes}, "Dee"},
				{contactd.ExportFilter{DNC: &no}, "John Priya Rahul Émile"},
				{contactd.ExportFilter{CreatedAfter: &after, CreatedBefore: &before}, "John Priya Émile"},
				{contactd.ExportFilter{Search: "sharma"}, "Rahul"},
				{contactd.ExportFilter{Search: "99000 00002"}, "Priya"},
				{contactd.ExportFilter{Search: "pune"}, ""}, // search is names, emails, company, phones
				{contactd.ExportFilter{Rules: parseRule(t, `{"field":"city","op":"eq","value":"pune"}`), DNC: &no}, "Priya Rahul"},
				{contactd.ExportFilter{Rules: parseRule(t, `{"field":"city","op":"eq","value":"pune"}`), Search: "patel", Tags: []string{"vip"}}, "Priya"},
			}
			for _, tc := range cases {
				exp, err := db.CreateExport(f.ctx, contactd.ExportInput{Filters: tc.f})
				if err != nil {
					t.Fatalf("%+v: %v", tc.f, err)
				}
				var ids, lean []int64
				var total int64
				err = db.ReadExport(f.ctx, exp, func(s *store.ExportSnapshot) error {
					if total, err = s.Count(); err != nil {
						return err
					}
					return s.Each(func(c *contactd.Contact) error { ids = append(ids, c.ID); return nil })
				})
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(f.names(ids), " "); got != tc.want || total != int64(len(ids)) {
					t.Errorf("%+v: got %q (count %d), want %q", tc.f, got, total, tc.want)
				}
				// The lean read, in stripes of two ids, counted alongside.
				var counted store.ExportCount
				err = db.ReadExport(f.ctx, exp, func(s *store.ExportSnapshot) error {
					c := s.StartCount()
					err := s.Rows([]string{"id"}, func(r *store.ExportRow) error {
						id, _ := r.Int(0)
						lean = append(lean, id)
						return nil
					})
					counted = <-c
					return err
				})
				if err != nil || counted.Err != nil {
					t.Fatal(err, counted.Err)
				}
				if fmt.Sprint(lean) != fmt.Sprint(ids) || counted.N != total {
					t.Errorf("%+v: lean read %v (count %d), want %v (count %d)", tc.f, lean, counted.N, ids, total)
				}
			}
		})
	}
}

// The transactions of a snapshot see the same database while contacts are
// being added: the count (on the second transaction) agrees with the rows,
// which both transactions read in turn, stripe by stripe.
func TestExportSnapshotWhileWriting(t *testing.T) {
	defer store.SetExportStripes(16, 4)()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		add := func(from, n int) {
			in := make([]contactd.ContactInput, n)
			for i := range in {
				in[i] = contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199%08d", from+i), FirstName: "N"}
			}
			if _, err := db.CreateContacts(ctx, in); err != nil {
				t.Error(err)
			}
		}
		add(0, 200)
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			for i := 200; ; i += 5 {
				select {
				case <-stop:
					return
				default:
				}
				add(i, 5)
			}
		}()
		defer func() { close(stop); <-done }()
		exp := &contactd.ContactExport{WorkspaceID: mustActor(t, ctx).WorkspaceID}
		for range 8 {
			var rows int64
			var counted store.ExportCount
			err := db.ReadExport(ctx, exp, func(s *store.ExportSnapshot) error {
				c := s.StartCount()
				last := int64(0)
				err := s.Rows([]string{"id"}, func(r *store.ExportRow) error {
					id, _ := r.Int(0)
					if id <= last {
						return fmt.Errorf("id %d after %d", id, last)
					}
					last = id
					rows++
					return nil
				})
				counted = <-c
				return err
			})
			if err != nil || counted.Err != nil {
				t.Fatal(err, counted.Err)
			}
			if rows != counted.N || rows < 200 {
				t.Fatalf("read %d rows, counted %d", rows, counted.N)
			}
		}
	})
}

func mustActor(t *testing.T, ctx context.Context) contactd.Actor {
	t.Helper()
	a, ok := contactd.ActorFrom(ctx)
	if !ok {
		t.Fatal("no actor")
	}
	return a
}

// TestSQLiteExportPagesWalkInOrder: a page of an export on SQLite is a key
// range read in key order, whatever the status filter. With status all
// there is no status to narrow the workspace, and SQLite served each page
// from an index on workspace_id, reading and sorting the whole workspace
// for every page: an export of all statuses grew with the square of the
// workspace.
func TestSQLiteExportPagesWalkInOrder(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := storetest.Workspace(t, db, "acme")
	if _, err := db.CreateContacts(ctx, []contactd.ContactInput{{PhoneE164: "+919900000001"}, {PhoneE164: "+919900000002", Tags: []string{"vip"}}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []contactd.ExportFilter{
		{Status: "all"},
		{Status: contactd.StatusActive},
		{Status: contactd.StatusDeleted},
		{Status: "all", Tags: []string{"vip"}},
	} {
		plan, err := store.ExportPagePlan(ctx, db, f)
		if err != nil {
			t.Fatal(err)
		}
		if joined := strings.Join(plan, "; "); strings.Contains(joined, "TEMP B-TREE") || !strings.Contains(joined, "SEARCH c ") {
			t.Errorf("status %q tags %v: page plan %q, want a search of a key range in order", f.Status, f.Tags, joined)
		}
	}
}
