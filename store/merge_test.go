package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

func mustGet(t *testing.T, db *store.DB, ctx context.Context, id int64) *contactd.Contact {
	t.Helper()
	c, err := db.FindContactByID(ctx, id)
	if err != nil {
		t.Fatalf("get %d: %v", id, err)
	}
	return c
}

func mustMerge(t *testing.T, db *store.DB, ctx context.Context, primary int64, secs ...int64) *contactd.Contact {
	t.Helper()
	c, err := db.MergeContacts(ctx, primary, secs)
	if err != nil {
		t.Fatalf("merge %v into %d: %v", secs, primary, err)
	}
	return c
}

// tick moves the store's clock on, so that updated_at orders contacts.
func tick(db *store.DB) func() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	db.SetNow(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	})
	return func() { db.SetNow(func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }) }
}

func TestMergeFieldRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		defer tick(db)()
		ctx := storetest.Workspace(t, db, "acme")
		p := person(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", Company: "Acme",
			Tags: []string{"vip"}, CustomFields: map[string]any{"budget": "2cr"}})
		older := person(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000002", FirstName: "Rahul", LastName: "Sharma",
			Email: "r@x.example", Company: "Other Co", City: "Pune", AltPhones: []string{"+919900000009"},
			Tags: []string{"hot", "VIP"}, CustomFields: map[string]any{"budget": "3cr", "source": "web"}})
		newer := person(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000003", LastName: "Verma", Email: "r2@y.example",
			City: "Mumbai", AltEmails: []string{"R@X.example"}, Timezone: "Asia/Kolkata"})
		// The opt-out also makes newer the most recently updated.
		if _, _, err := db.OptOut(ctx, newer.ID, contactd.OptOutInput{}); err != nil {
			t.Fatal(err)
		}
		auditBefore := auditCount(t, db, ctx)
		m := mustMerge(t, db, ctx, p.ID, older.ID, newer.ID)

		want := map[string]any{
			"id": p.ID, "phone": "+919900000001", "first": "Rahul", "last": "Verma", "email": "r2@y.example",
			"company": "Acme", "city": "Mumbai", "timezone": "Asia/Kolkata", "dnc": true, "version": int64(2),
			"alt_phones": []string{"+919900000003", "+919900000002", "+919900000009"},
			"alt_emails": []string{"R@x.example"}, // the most recent spelling
			"tags":       []string{"vip", "hot"},
			"custom":     map[string]any{"budget": "2cr", "source": "web"},
		}
		got := map[string]any{
			"id": m.ID, "phone": m.PhoneE164, "first": m.FirstName, "last": m.LastName, "email": m.Email,
			"company": m.Company, "city": m.City, "timezone": m.Timezone, "dnc": m.DNC, "version": m.Version,
			"alt_phones": m.AltPhones, "alt_emails": m.AltEmails, "tags": m.Tags, "custom": m.CustomFields,
		}
		for k, w := range want {
			if !reflect.DeepEqual(got[k], w) {
				t.Errorf("merged %s = %v, want %v", k, got[k], w)
			}
		}
		if stored := mustGet(t, db, ctx, p.ID); !reflect.DeepEqual(stored.AltPhones, m.AltPhones) || stored.Version != 2 {
			t.Errorf("stored primary differs from the answer: %+v", stored)
		}
		for _, s := range []int64{older.ID, newer.ID} {
			c := mustGet(t, db, ctx, s)
			if c.Status != contactd.StatusMerged || c.MergedInto == nil || *c.MergedInto != p.ID {
				t.Errorf("secondary %d: status %s merged_into %v", s, c.Status, c.MergedInto)
			}
		}
		// Search finds the person by a secondary's phone.
		found, _, err := db.FindContacts(ctx, contactd.ContactFilter{Search: "9900000009", Page: contactd.Page{Page: 1, PerPage: 10}})
		if err != nil || len(found) != 1 || found[0].ID != p.ID {
			t.Errorf("search by an absorbed phone: %v %v", found, err)
		}
		// The tag filter finds the primary by a tag a secondary brought, and
		// by its own tag once, though a secondary had it in another case.
		for _, tag := range []string{"hot", "VIP"} {
			found, _, err := db.FindContacts(ctx, contactd.ContactFilter{Tag: tag, Page: contactd.Page{Page: 1, PerPage: 10}})
			if err != nil || len(found) != 1 || found[0].ID != p.ID {
				t.Errorf("tag %s finds %v %v, want the primary alone", tag, found, err)
			}
		}
		// The audit events name fields and ids, never the values.
		into, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{Action: contactd.ActionContactMergedInto, Page: contactd.Page{Page: 1, PerPage: 10}})
		if err != nil || len(into) != 2 || into[0].ContactID == nil || into[1].ContactID == nil ||
			*into[0].ContactID+*into[1].ContactID != older.ID+newer.ID {
			t.Errorf("merged-into events: %v %v, want one for each secondary", into, err)
		}
		events, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{Action: contactd.ActionContactMerged, Page: contactd.Page{Page: 1, PerPage: 10}})
		if err != nil || len(events) != 1 {
			t.Fatalf("merge events: %v %v", events, err)
		}
		raw, _ := json.Marshal(events[0].Details)
		for _, secret := range []string{"3cr", "Other Co", "Sharma", "Pune", "9900000002", "r@x.example"} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("audit event holds %q: %s", secret, raw)
			}
		}
		for _, field := range []string{"custom_fields.budget", "company", "city"} {
			if !strings.Contains(string(raw), `"`+field+`"`) {
				t.Errorf("audit event does not name overruled field %s: %s", field, raw)
			}
		}
		if n := auditCount(t, db, ctx); n != auditBefore+3 {
			t.Errorf("%d audit events written, want 3 (primary and two secondaries)", n-auditBefore)
		}
	})
}

func auditCount(t *testing.T, db *store.DB, ctx context.Context) int64 {
	t.Helper()
	_, info, err := db.FindAuditEvents(ctx, contactd.AuditFilter{Page: contactd.Page{Page: 1, PerPage: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return info.Total
}

// Every bad merge is a 4xx naming the offending id and writes nothing.
func TestMergeBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		p := person(t, db, ctx, contactd.ContactInput{Email: "p@example.com"})
		s := person(t, db, ctx, contactd.ContactInput{Email: "p@example.com"})
		gone := person(t, db, ctx, contactd.ContactInput{})
		merged := person(t, db, ctx, contactd.ContactInput{})
		into := person(t, db, ctx, contactd.ContactInput{})
		mustMerge(t, db, ctx, into.ID, merged.ID)
		if _, err := db.DeleteContact(ctx, gone.ID, 0); err != nil {
			t.Fatal(err)
		}
		other := storetest.Workspace(t, db, "globex")
		foreign := person(t, db, other, contactd.ContactInput{})
		many := make([]int64, 101)
		for i := range many {
			many[i] = int64(1000 + i)
		}
		before := auditCount(t, db, ctx)
		cases := []struct {
			name    string
			primary int64
			secs    []int64
			code    string
			names   int64
		}{
			{"empty", p.ID, nil, contactd.EInvalid, 0},
			{"too many", p.ID, many, contactd.EInvalid, 0},
			{"primary among secondaries", p.ID, []int64{s.ID, p.ID}, contactd.EInvalid, p.ID},
			{"repeated", p.ID, []int64{s.ID, s.ID}, contactd.EInvalid, s.ID},
			{"not an id", p.ID, []int64{0}, contactd.EInvalid, 0},
			{"unknown secondary", p.ID, []int64{s.ID, 987654}, contactd.ENotFound, 987654},
			{"unknown primary", 987654, []int64{s.ID}, contactd.ENotFound, 987654},
			{"other workspace's secondary", p.ID, []int64{foreign.ID}, contactd.ENotFound, foreign.ID},
			{"other workspace's primary", foreign.ID, []int64{s.ID}, contactd.ENotFound, foreign.ID},
			{"merged secondary", p.ID, []int64{s.ID, merged.ID}, contactd.EConflict, merged.ID},
			{"merged primary", merged.ID, []int64{s.ID}, contactd.EConflict, merged.ID},
			{"deleted secondary", p.ID, []int64{gone.ID}, contactd.EConflict, gone.ID},
			{"deleted primary", gone.ID, []int64{s.ID}, contactd.EConflict, gone.ID},
		}
		for _, tc := range cases {
			_, err := db.MergeContacts(ctx, tc.primary, tc.secs)
			e := wantCode(t, err, tc.code)
			if tc.names != 0 && !strings.Contains(e.Error(), fmt.Sprint(tc.names)) {
				t.Errorf("%s: %v does not name %d", tc.name, e, tc.names)
			}
		}
		if n := auditCount(t, db, ctx); n != before {
			t.Errorf("bad merges wrote %d audit events", n-before)
		}
		for _, id := range []int64{p.ID, s.ID} {
			if c := mustGet(t, db, ctx, id); c.Version != 1 || c.Status != contactd.StatusActive {
				t.Errorf("contact %d changed: version %d status %s", id, c.Version, c.Status)
			}
		}
		wantGroups(t, groups(t, db, ctx, ""), []int64{p.ID, s.ID})
	})
}

// A merged into B, then B into C: A points at C. Undoing B->C points A at
// B again; undoing A->B brings A back.
func TestMergeChainsAndUnmerge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		a := person(t, db, ctx, contactd.ContactInput{FirstName: "A", Email: "a@example.com"})
		b := person(t, db, ctx, contactd.ContactInput{FirstName: "B"})
		c := person(t, db, ctx, contactd.ContactInput{FirstName: "C"})
		mustMerge(t, db, ctx, b.ID, a.ID)
		mustMerge(t, db, ctx, c.ID, b.ID)
		if got := mustGet(t, db, ctx, a.ID); *got.MergedInto != c.ID {
			t.Errorf("A merged_into %d, want %d", *got.MergedInto, c.ID)
		}
		if _, err := db.UnmergeContact(ctx, b.ID); contactd.ErrorCode(err) != contactd.EConflict {
			t.Errorf("unmerge of a merged primary: %v, want conflict", err)
		}
		u, err := db.UnmergeContact(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Restored) != 1 || u.Restored[0].ID != b.ID || u.Primary.ID != c.ID {
			t.Fatalf("unmerge: %+v", u)
		}
		if got := mustGet(t, db, ctx, a.ID); *got.MergedInto != b.ID {
			t.Errorf("A merged_into %d after undoing B->C, want %d", *got.MergedInto, b.ID)
		}
		if got := mustGet(t, db, ctx, c.ID); got.Email != "" || len(got.AltPhones) != 0 {
			t.Errorf("C kept what the merge gave it: %+v", got)
		}
		if _, err := db.UnmergeContact(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{a.ID, b.ID, c.ID} {
			if got := mustGet(t, db, ctx, id); got.Status != contactd.StatusActive || got.MergedInto != nil {
				t.Errorf("contact %d: %s %v", id, got.Status, got.MergedInto)
			}
		}
		if _, err := db.UnmergeContact(ctx, b.ID); contactd.ErrorCode(err) != contactd.ENotFound {
			t.Errorf("nothing left to undo: %v", err)
		}
		if _, err := db.UnmergeContact(storetest.Workspace(t, db, "globex"), c.ID); contactd.ErrorCode(err) != contactd.ENotFound {
			t.Errorf("another workspace's unmerge: %v", err)
		}
	})
}

// Unmerge restores the secondaries exactly, takes back what the merge gave
// the primary unless changed since, and moves segments and consents back.
func TestUnmergeRestoresExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		defer tick(db)()
		ctx := storetest.Workspace(t, db, "acme")
		p := person(t, db, ctx, contactd.ContactInput{FirstName: "Rahul", LastName: "Sharma", Tags: []string{"vip"}})
		s1 := person(t, db, ctx, contactd.ContactInput{FirstName: "rahul", LastName: "sharma", Email: "rahul@example.com", City: "Pune",
			Tags: []string{"hot"}, CustomFields: map[string]any{"budget": "2cr", "n": 7}, AltPhones: []string{"+442071234567"}})
		s2 := person(t, db, ctx, contactd.ContactInput{Email: "rahul@example.com", Company: "Acme"})
		seg, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "leads", Type: "static"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddSegmentMembers(ctx, seg.ID, []int64{s1.ID}); err != nil {
			t.Fatal(err)
		}
		consent, err := db.RecordConsent(ctx, s2.ID, contactd.ConsentInput{Channel: "voice", Status: "granted", Source: "web"})
		if err != nil {
			t.Fatal(err)
		}
		before := map[int64]*contactd.Contact{p.ID: mustGet(t, db, ctx, p.ID), s1.ID: mustGet(t, db, ctx, s1.ID), s2.ID: mustGet(t, db, ctx, s2.ID)}
		wantGroups(t, groups(t, db, ctx, ""), []int64{s1.ID, s2.ID})

		m := mustMerge(t, db, ctx, p.ID, s1.ID, s2.ID)
		wantGroups(t, groups(t, db, ctx, ""))
		if members := segmentIDs(t, db, ctx, seg.ID); !reflect.DeepEqual(members, []int64{p.ID}) {
			t.Errorf("segment members after merge %v, want the primary", members)
		}
		if cs, err := db.FindConsents(ctx, p.ID); err != nil || len(cs) != 1 || cs[0].ID != consent.ID {
			t.Errorf("primary's consents after merge: %v %v", cs, err)
		}
		if m.City != "Pune" || m.Company != "Acme" {
			t.Fatalf("merge did not fill: %+v", m)
		}
		// A later edit of a filled field wins over the undo.
		mustUpdate(t, db, ctx, p.ID, contactd.ContactUpdate{City: ptr("Delhi")})

		u, err := db.UnmergeContact(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range u.Restored {
			want := before[r.ID]
			got := mustGet(t, db, ctx, r.ID)
			if got.Version != want.Version+2 {
				t.Errorf("contact %d version %d, want %d", r.ID, got.Version, want.Version+2)
			}
			got.Version, got.UpdatedAt = want.Version, want.UpdatedAt
			if !reflect.DeepEqual(got, want) {
				t.Errorf("contact %d not restored:\n got  %+v\n want %+v", r.ID, got, want)
			}
		}
		got := mustGet(t, db, ctx, p.ID)
		w := before[p.ID]
		if got.City != "Delhi" || got.Company != "" || got.Email != "" || len(got.AltPhones) != 0 || !reflect.DeepEqual(got.Tags, w.Tags) || len(got.CustomFields) != 0 {
			t.Errorf("primary after unmerge: %+v", got)
		}
		if members := segmentIDs(t, db, ctx, seg.ID); !reflect.DeepEqual(members, []int64{s1.ID}) {
			t.Errorf("segment members after unmerge %v, want the secondary", members)
		}
		if cs, err := db.FindConsents(ctx, s2.ID); err != nil || len(cs) != 1 {
			t.Errorf("consents did not go back: %v %v", cs, err)
		}
		wantGroups(t, groups(t, db, ctx, ""), []int64{s1.ID, s2.ID})
	})
}

func segmentIDs(t *testing.T, db *store.DB, ctx context.Context, seg int64) []int64 {
	t.Helper()
	cs, _, err := db.FindSegmentMembers(ctx, seg, contactd.Page{Page: 1, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// An unmerge that would put a phone live twice is refused and changes nothing.
func TestUnmergeRefusesTakenPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		p := person(t, db, ctx, contactd.ContactInput{})
		s := person(t, db, ctx, contactd.ContactInput{PhoneE164: "+919912345678"})
		mustMerge(t, db, ctx, p.ID, s.ID)
		taker := person(t, db, ctx, contactd.ContactInput{PhoneE164: "+919912345678"})
		_, err := db.UnmergeContact(ctx, p.ID)
		if e := wantCode(t, err, contactd.EConflict); e.ExistingID != taker.ID {
			t.Errorf("conflict names %d, want %d", e.ExistingID, taker.ID)
		}
		if got := mustGet(t, db, ctx, s.ID); got.Status != contactd.StatusMerged {
			t.Errorf("secondary is %s", got.Status)
		}
		if _, err := db.DeleteContact(ctx, taker.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UnmergeContact(ctx, p.ID); err != nil {
			t.Fatalf("unmerge once the phone is free: %v", err)
		}
	})
}

// Goroutines merge overlapping sets at once, round after round. Each merge
// either happens whole or answers 409, and afterwards no contact is merged
// into a contact that is not active, no phone is live twice and every
// phone and email is still held by a live contact.
func TestConcurrentMerges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		rounds := 50
		if testing.Short() {
			rounds = 10
		}
		conflicts, wins := 0, 0
		for round := 0; round < rounds; round++ {
			ids := make([]int64, 5)
			for i := range ids {
				c := person(t, db, ctx, contactd.ContactInput{Email: fmt.Sprintf("r%d.%d@example.com", round, i), Tags: []string{fmt.Sprintf("t%d", i)}})
				ids[i] = c.ID
			}
			plans := [][]int64{
				{ids[0], ids[1], ids[2]},
				{ids[2], ids[3], ids[0]},
				{ids[4], ids[3]},
			}
			var wg sync.WaitGroup
			errs := make([]error, len(plans))
			for i, plan := range plans {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = db.MergeContacts(ctx, plan[0], plan[1:])
				}()
			}
			wg.Wait()
			for i, err := range errs {
				switch contactd.ErrorCode(err) {
				case "":
					wins++
				case contactd.EConflict:
					conflicts++
				default:
					t.Fatalf("round %d merge %v: %v", round, plans[i], err)
				}
			}
			checkMergeInvariants(t, db, ctx, round)
		}
		t.Logf("%d merges won, %d answered 409", wins, conflicts)
		if wins == 0 {
			t.Fatal("no merge ever won")
		}
	})
}

func checkMergeInvariants(t *testing.T, db *store.DB, ctx context.Context, round int) {
	t.Helper()
	all, _, err := db.FindContacts(ctx, contactd.ContactFilter{Status: "all", Page: contactd.Page{Page: 1, PerPage: 500}})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*contactd.Contact{}
	for _, c := range all {
		byID[c.ID] = c
	}
	live := map[string]int64{}
	held := map[string]bool{}
	for _, c := range all {
		switch c.Status {
		case contactd.StatusMerged:
			if c.MergedInto == nil || byID[*c.MergedInto] == nil || byID[*c.MergedInto].Status != contactd.StatusActive {
				t.Fatalf("round %d: contact %d merged into %v, which is not active", round, c.ID, c.MergedInto)
			}
		case contactd.StatusActive:
			if other, dup := live[c.PhoneE164]; dup {
				t.Fatalf("round %d: phone %s live on %d and %d", round, c.PhoneE164, other, c.ID)
			}
			live[c.PhoneE164] = c.ID
			for _, v := range append(append(append([]string{c.PhoneE164, c.Email}, c.AltPhones...), c.AltEmails...), c.Tags...) {
				held[strings.ToLower(v)] = true
			}
		}
	}
	for _, c := range all {
		for _, v := range append([]string{c.PhoneE164, c.Email}, c.Tags...) {
			if !held[strings.ToLower(v)] {
				t.Fatalf("round %d: %q of contact %d (%s) is held by no live contact", round, v, c.ID, c.Status)
			}
		}
	}
	gs := groups(t, db, ctx, "")
	for _, g := range gs {
		for _, c := range g.Contacts {
			if c.Status != contactd.StatusActive {
				t.Fatalf("round %d: group holds %s contact %d", round, c.Status, c.ID)
			}
		}
	}
}

// Erasure-like scrubbing of a merge record makes it impossible to undo.
func TestUnmergeAfterScrub(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := storetest.Workspace(t, db, "acme")
			p := person(t, db, ctx, contactd.ContactInput{})
			s := person(t, db, ctx, contactd.ContactInput{FirstName: "Secret"})
			mustMerge(t, db, ctx, p.ID, s.ID)
			driver := "pgx"
			if engine == store.SQLite {
				driver = "sqlite"
			}
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			var state string
			if err := raw.QueryRow(`SELECT state FROM contact_merges`).Scan(&state); err != nil || !strings.Contains(state, "Secret") {
				t.Fatalf("merge record state %q %v: want the secondary's values", state, err)
			}
			if _, err := raw.Exec(`UPDATE contact_merges SET state = '{"scrubbed":true}'`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UnmergeContact(ctx, p.ID); contactd.ErrorCode(err) != contactd.EConflict {
				t.Errorf("unmerge of a scrubbed merge: %v", err)
			}
		})
	}
}
