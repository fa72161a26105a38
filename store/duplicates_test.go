package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// groups lists every duplicate group of the workspace (filtered by match).
func groups(t *testing.T, db *store.DB, ctx context.Context, match string) []*contactd.DuplicateGroup {
	t.Helper()
	gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Match: match, Page: contactd.Page{Page: 1, PerPage: 500}})
	if err != nil {
		t.Fatalf("find duplicate groups: %v", err)
	}
	if int(info.Total) != len(gs) {
		t.Fatalf("total %d, but %d groups listed", info.Total, len(gs))
	}
	return gs
}

// memberSets renders groups as sorted id lists, for comparing.
func memberSets(gs []*contactd.DuplicateGroup) [][]int64 {
	out := [][]int64{}
	for _, g := range gs {
		ids := append([]int64{}, g.ContactIDs...)
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		out = append(out, ids)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func wantGroups(t *testing.T, gs []*contactd.DuplicateGroup, want ...[]int64) {
	t.Helper()
	got := memberSets(gs)
	if want == nil {
		want = [][]int64{}
	}
	for _, w := range want {
		sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
	}
	sort.Slice(want, func(i, j int) bool { return want[i][0] < want[j][0] })
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("groups %v, want %v", got, want)
	}
}

var phoneSeq = 0

// person creates a contact with a fresh phone unless in has one.
func person(t *testing.T, db *store.DB, ctx context.Context, in contactd.ContactInput) *contactd.Contact {
	t.Helper()
	if in.PhoneE164 == "" {
		phoneSeq++
		in.PhoneE164 = fmt.Sprintf("+9198%08d", phoneSeq)
	}
	return mustCreate(t, db, ctx, in)
}

func TestDuplicatesExactEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		a := person(t, db, ctx, contactd.ContactInput{Email: "Rahul.Sharma@Gmail.com"})
		b := person(t, db, ctx, contactd.ContactInput{Email: "rahulsharma+leads@googlemail.com"})
		c := person(t, db, ctx, contactd.ContactInput{Email: "priya@example.com"})
		d := person(t, db, ctx, contactd.ContactInput{AltEmails: []string{"PRIYA@example.com"}})
		person(t, db, ctx, contactd.ContactInput{Email: "p.riya@example.com"}) // dots count outside Gmail
		gs := groups(t, db, ctx, "")
		wantGroups(t, gs, []int64{a.ID, b.ID}, []int64{c.ID, d.ID})
		for _, g := range gs {
			if g.Match != contactd.MatchEmail || g.Confidence != 1 {
				t.Errorf("group %v: match %s confidence %v, want email 1", g.ContactIDs, g.Match, g.Confidence)
			}
		}
		if gs[0].Key != "rahulsharma@gmail.com" || gs[1].Key != "priya@example.com" {
			t.Errorf("keys %q, %q", gs[0].Key, gs[1].Key)
		}
		if len(gs[0].Contacts) != 2 || gs[0].Contacts[0].Email == "" {
			t.Errorf("group contacts not filled: %+v", gs[0].Contacts)
		}
	})
}

func TestDuplicatesPhoneAmongAlternates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		a := person(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001"})
		b := person(t, db, ctx, contactd.ContactInput{AltPhones: []string{"09900000001"}})
		c := person(t, db, ctx, contactd.ContactInput{AltPhones: []string{"+12125551234"}})
		d := person(t, db, ctx, contactd.ContactInput{AltPhones: []string{"+1 (212) 555-1234"}})
		gs := groups(t, db, ctx, contactd.MatchPhone)
		wantGroups(t, gs, []int64{a.ID, b.ID}, []int64{c.ID, d.ID})
		if gs[0].Key != "+919900000001" || gs[0].Confidence != 0.95 {
			t.Errorf("phone group key %q confidence %v", gs[0].Key, gs[0].Confidence)
		}
		wantGroups(t, groups(t, db, ctx, contactd.MatchEmail))
	})
}

func TestDuplicatesFuzzyNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		co1 := person(t, db, ctx, contactd.ContactInput{FirstName: "Rahul", LastName: "Sharma", Company: "Acme Realty Pvt. Ltd."})
		co2 := person(t, db, ctx, contactd.ContactInput{FirstName: "RAAHUL", LastName: "SHARMA", Company: "acme realty"})
		ci1 := person(t, db, ctx, contactd.ContactInput{FirstName: "José", LastName: "García", City: "São Paulo"})
		ci2 := person(t, db, ctx, contactd.ContactInput{FirstName: "garcia", LastName: "jose", City: "sao paulo"})
		do1 := person(t, db, ctx, contactd.ContactInput{FirstName: "Priya", LastName: "Iyer", Email: "priya@infosys.com"})
		do2 := person(t, db, ctx, contactd.ContactInput{FirstName: "Priya", LastName: "Iyer", Email: "p.iyer@infosys.com"})
		dv1 := person(t, db, ctx, contactd.ContactInput{FirstName: "राहुल", LastName: "वर्मा", City: "Pune"})
		dv2 := person(t, db, ctx, contactd.ContactInput{FirstName: "Rahul", LastName: "Verma", City: "Pune"})
		// Not duplicates: another surname in the same city, the same name in
		// another city, the same name on free mail, a first name alone.
		person(t, db, ctx, contactd.ContactInput{FirstName: "Rahul", LastName: "Shah", City: "Pune"})
		person(t, db, ctx, contactd.ContactInput{FirstName: "Rahul", LastName: "Verma", City: "Mumbai"})
		person(t, db, ctx, contactd.ContactInput{FirstName: "Amit", LastName: "Kumar", Email: "amit1@gmail.com"})
		person(t, db, ctx, contactd.ContactInput{FirstName: "Amit", LastName: "Kumar", Email: "amit2@gmail.com"})
		person(t, db, ctx, contactd.ContactInput{FirstName: "Neha", Company: "Acme Realty"})
		person(t, db, ctx, contactd.ContactInput{FirstName: "Neha", Company: "Acme Realty"})
		gs := groups(t, db, ctx, contactd.MatchName)
		wantGroups(t, gs, []int64{co1.ID, co2.ID}, []int64{ci1.ID, ci2.ID}, []int64{do1.ID, do2.ID}, []int64{dv1.ID, dv2.ID})
		kinds := map[int64]string{}
		for _, g := range gs {
			kinds[g.ContactIDs[0]] = g.Match
			if g.Confidence <= 0.7 || g.Confidence > 0.9 {
				t.Errorf("group %v: confidence %v", g.ContactIDs, g.Confidence)
			}
		}
		want := map[int64]string{co1.ID: contactd.MatchNameCompany, ci1.ID: contactd.MatchNameCity, do1.ID: contactd.MatchNameDomain, dv1.ID: contactd.MatchNameCity}
		if !reflect.DeepEqual(kinds, want) {
			t.Errorf("matches %v, want %v", kinds, want)
		}
		wantGroups(t, groups(t, db, ctx, contactd.MatchNameDomain), []int64{do1.ID, do2.ID})
		if _, _, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Match: "nickname", Page: contactd.Page{Page: 1, PerPage: 10}}); contactd.ErrorCode(err) != contactd.EInvalid {
			t.Errorf("unknown match: %v", err)
		}
	})
}

// A~B by email and B~C by phone make one group, whose reason is the
// strongest link and whose links say how each member got in.
func TestDuplicatesAreTransitive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		a := person(t, db, ctx, contactd.ContactInput{Email: "kiran@example.com"})
		b := person(t, db, ctx, contactd.ContactInput{PhoneE164: "+919811111111", Email: "KIRAN@example.com"})
		c := person(t, db, ctx, contactd.ContactInput{AltPhones: []string{"+919811111111"}})
		gs := groups(t, db, ctx, "")
		wantGroups(t, gs, []int64{a.ID, b.ID, c.ID})
		g := gs[0]
		if g.Match != contactd.MatchEmail || len(g.Links) != 2 || g.Links[1].Match != contactd.MatchPhone {
			t.Errorf("group %+v", g)
		}
		// Breaking the middle link splits the group.
		mustUpdate(t, db, ctx, b.ID, contactd.ContactUpdate{Email: ptr("kiran.b@example.com")})
		wantGroups(t, groups(t, db, ctx, ""), []int64{b.ID, c.ID})
		mustUpdate(t, db, ctx, c.ID, contactd.ContactUpdate{AltPhones: &[]string{}})
		wantGroups(t, groups(t, db, ctx, ""))
		mustUpdate(t, db, ctx, c.ID, contactd.ContactUpdate{Email: ptr("kiran@example.com")})
		wantGroups(t, groups(t, db, ctx, ""), []int64{a.ID, c.ID})
	})
}

func ptr[T any](v T) *T { return &v }

func mustUpdate(t *testing.T, db *store.DB, ctx context.Context, id int64, upd contactd.ContactUpdate) *contactd.Contact {
	t.Helper()
	c, err := db.UpdateContact(ctx, id, upd)
	if err != nil {
		t.Fatalf("update %d: %v", id, err)
	}
	return c
}

// Pages are stable: the same call answers the same groups in the same
// order, and paging by number or by cursor visits each group once.
// mustCreateAll creates inputs through the bulk path and answers their ids.
func mustCreateAll(t *testing.T, db *store.DB, ctx context.Context, inputs []contactd.ContactInput) []int64 {
	t.Helper()
	res, err := db.CreateContacts(ctx, inputs)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(res))
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("create %d: %v", i, r.Err)
		}
		ids[i] = r.ID
	}
	return ids
}

// emailPairs makes n pairs of contacts, each pair sharing an address; the
// phones are phonePrefix and a running number of five digits.
func emailPairs(n int, phonePrefix, emailPrefix string) []contactd.ContactInput {
	var out []contactd.ContactInput
	for i := 0; i < n; i++ {
		for j := 0; j < 2; j++ {
			out = append(out, contactd.ContactInput{PhoneE164: fmt.Sprintf("%s%05d", phonePrefix, 2*i+j), Email: fmt.Sprintf("%s%d@example.com", emailPrefix, i)})
		}
	}
	return out
}

func TestDuplicatesStableAndPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		var inputs []contactd.ContactInput
		for i := 0; i < 7; i++ {
			for j := 0; j < 2; j++ {
				inputs = append(inputs, contactd.ContactInput{PhoneE164: fmt.Sprintf("+91970000%02d%02d", i, j), Email: fmt.Sprintf("p%d@example.com", i)})
			}
			inputs = append(inputs, contactd.ContactInput{PhoneE164: fmt.Sprintf("+91980000%02d01", i), AltPhones: []string{fmt.Sprintf("+91980000%02d02", i)}},
				contactd.ContactInput{PhoneE164: fmt.Sprintf("+91980000%02d02", i)})
		}
		mustCreateAll(t, db, ctx, inputs) // the bulk path keeps keys too
		all := groups(t, db, ctx, "")
		if len(all) != 14 {
			t.Fatalf("%d groups, want 14", len(all))
		}
		for i, g := range all {
			if i < 7 && g.Match != contactd.MatchEmail || i >= 7 && g.Match != contactd.MatchPhone {
				t.Errorf("group %d is %s: email groups come first", i, g.Match)
			}
		}
		again := groups(t, db, ctx, "")
		a, _ := json.Marshal(all)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Error("two calls answered differently")
		}
		var byNumber, byCursor []*contactd.DuplicateGroup
		for p := 1; p <= 5; p++ {
			gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Page: contactd.Page{Page: p, PerPage: 3}})
			if err != nil {
				t.Fatal(err)
			}
			if info.Total != 14 {
				t.Fatalf("total %d", info.Total)
			}
			byNumber = append(byNumber, gs...)
		}
		page := contactd.Page{Page: 1, PerPage: 3}
		for {
			gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Page: page})
			if err != nil {
				t.Fatal(err)
			}
			byCursor = append(byCursor, gs...)
			if info.NextAfterID == 0 {
				break
			}
			page.AfterID = info.NextAfterID
		}
		n, _ := json.Marshal(byNumber)
		c, _ := json.Marshal(byCursor)
		if string(n) != string(a) || string(c) != string(a) {
			t.Errorf("paging lost or repeated groups:\nall    %s\nnumber %s\ncursor %s", a, n, c)
		}
	})
}

// Deleted contacts leave their groups; restored ones come back.
func TestDuplicatesExcludeInactive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		a := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
		b := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
		c := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
		wantGroups(t, groups(t, db, ctx, ""), []int64{a.ID, b.ID, c.ID})
		if _, err := db.DeleteContact(ctx, a.ID, 0); err != nil {
			t.Fatal(err)
		}
		wantGroups(t, groups(t, db, ctx, ""), []int64{b.ID, c.ID})
		if _, err := db.DeleteContact(ctx, b.ID, 0); err != nil {
			t.Fatal(err)
		}
		wantGroups(t, groups(t, db, ctx, ""))
		if _, err := db.RestoreContact(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		wantGroups(t, groups(t, db, ctx, ""), []int64{a.ID, c.ID})
		other := storetest.Workspace(t, db, "globex")
		person(t, db, other, contactd.ContactInput{Email: "x@example.com"})
		wantGroups(t, groups(t, db, other, ""))
	})
}

func TestDismissDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		a := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
		b := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
		c := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
		d := person(t, db, ctx, contactd.ContactInput{Email: "y@example.com"})
		e := person(t, db, ctx, contactd.ContactInput{Email: "y@example.com"})
		n, err := db.DismissDuplicates(ctx, []int64{d.ID, e.ID})
		if err != nil || n != 1 {
			t.Fatalf("dismiss: %d %v", n, err)
		}
		wantGroups(t, groups(t, db, ctx, ""), []int64{a.ID, b.ID, c.ID})
		// One pair of three: the others still hold the group together.
		if _, err := db.DismissDuplicates(ctx, []int64{a.ID, b.ID}); err != nil {
			t.Fatal(err)
		}
		wantGroups(t, groups(t, db, ctx, ""), []int64{a.ID, b.ID, c.ID})
		if n, err := db.DismissDuplicates(ctx, []int64{a.ID, b.ID, c.ID}); err != nil || n != 2 {
			t.Fatalf("dismiss three: %d pairs %v, want 2 new", n, err)
		}
		wantGroups(t, groups(t, db, ctx, ""))
		// A new contact with the address still joins each of them.
		f := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
		wantGroups(t, groups(t, db, ctx, ""), []int64{a.ID, b.ID, c.ID, f.ID})

		other := storetest.Workspace(t, db, "globex")
		for _, bad := range []struct {
			ctx  context.Context
			ids  []int64
			code string
		}{
			{ctx, []int64{a.ID}, contactd.EInvalid},
			{ctx, []int64{a.ID, a.ID}, contactd.EInvalid},
			{ctx, []int64{a.ID, -1}, contactd.EInvalid},
			{ctx, make([]int64, 101), contactd.EInvalid},
			{ctx, []int64{a.ID, 999999}, contactd.ENotFound},
			{other, []int64{a.ID, b.ID}, contactd.ENotFound},
		} {
			if _, err := db.DismissDuplicates(bad.ctx, bad.ids); contactd.ErrorCode(err) != bad.code {
				t.Errorf("dismiss %v: %v, want %s", bad.ids, err, bad.code)
			}
		}
	})
}

// A key held by more than 25 live contacts links none of them; once fewer
// hold it, it links them again.
func TestDuplicatesIgnoreCommonKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		var ids []int64
		for i := 0; i < 26; i++ {
			c := person(t, db, ctx, contactd.ContactInput{AltPhones: []string{"+912022222222"}})
			ids = append(ids, c.ID)
			if i == 24 {
				wantGroups(t, groups(t, db, ctx, ""), append([]int64{}, ids...))
			}
		}
		wantGroups(t, groups(t, db, ctx, ""))
		if _, err := db.DeleteContact(ctx, ids[3], 0); err != nil {
			t.Fatal(err)
		}
		rest := append(append([]int64{}, ids[:3]...), ids[4:]...)
		wantGroups(t, groups(t, db, ctx, ""), rest)
	})
}

// Imports (insert and update) keep keys up to date, and contacts that
// existed before the feature get theirs when the server starts.
func TestDuplicatesBackfill(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			ctx := storetest.Workspace(t, db, "acme")
			a := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
			b := person(t, db, ctx, contactd.ContactInput{Email: "x@example.com"})
			db.Close()

			driver, path := "pgx", dsn
			if engine == store.SQLite {
				driver = "sqlite"
			}
			raw, err := sql.Open(driver, path)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{`DELETE FROM contact_match_keys`, `DELETE FROM duplicate_groups`, `DELETE FROM duplicate_members`,
				`INSERT INTO match_key_backfill (workspace_id, contact_id) SELECT workspace_id, id FROM contacts WHERE status = 'active'`} {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			raw.Close()

			db, err = store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			wantGroups(t, groups(t, db, ctx, ""), []int64{a.ID, b.ID})
		})
	}
}

// A page of many groups reads its contacts in several statements (500 ids
// each): every group still gets all its contacts, once, and nothing else.
func TestDuplicatePageAcrossReadChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		ids := mustCreateAll(t, db, ctx, emailPairs(300, "+9196000", "chunk"))
		var want [][]int64
		for i := 0; i < len(ids); i += 2 {
			want = append(want, []int64{ids[i], ids[i+1]})
		}
		gs := groups(t, db, ctx, "")
		wantGroups(t, gs, want...)
		for _, g := range gs {
			if len(g.Contacts) != 2 || g.Contacts[0].ID != g.ContactIDs[0] || g.Contacts[1].ID != g.ContactIDs[1] ||
				g.Contacts[0].Email != g.Contacts[1].Email {
				t.Fatalf("group %v holds contacts %+v", g.ContactIDs, g.Contacts)
			}
		}
	})
}

// The total of a long review queue stops counting at MaxListCount, as a
// search's does; a short one (a match filter here) is exact.
func TestDuplicateTotalIsCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		inputs := append(emailPairs(contactd.MaxListCount+1, "+9195000", "cap"), contactd.ContactInput{PhoneE164: "+919400000001", AltPhones: []string{"+919400000002"}},
			contactd.ContactInput{PhoneE164: "+919400000002"})
		mustCreateAll(t, db, ctx, inputs)
		gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Page: contactd.Page{Page: 1, PerPage: 10}})
		if err != nil {
			t.Fatal(err)
		}
		if info.Total != contactd.MaxListCount || !info.TotalCapped || len(gs) != 10 || info.NextAfterID == 0 {
			t.Errorf("total %d capped %v, %d groups, next %d; want %d capped, 10 groups and a next page",
				info.Total, info.TotalCapped, len(gs), info.NextAfterID, contactd.MaxListCount)
		}
		gs, info, err = db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Match: contactd.MatchPhone, Page: contactd.Page{Page: 1, PerPage: 10}})
		if err != nil {
			t.Fatal(err)
		}
		if info.Total != 1 || info.TotalCapped || len(gs) != 1 || len(gs[0].Contacts) != 2 {
			t.Errorf("match=phone: total %d capped %v, %d groups; want exactly the one group", info.Total, info.TotalCapped, len(gs))
		}
	})
}
