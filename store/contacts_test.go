package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

func mustCreate(t *testing.T, db *store.DB, ctx context.Context, in contactd.ContactInput) *contactd.Contact {
	t.Helper()
	c, err := db.CreateContact(ctx, in)
	if err != nil {
		t.Fatalf("create %+v: %v", in, err)
	}
	return c
}

func wantCode(t *testing.T, err error, code string) *contactd.Error {
	t.Helper()
	var e *contactd.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want code %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("got code %s (%v), want %s", e.Code, err, code)
	}
	return e
}

func TestCreateContactNormalizes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{
			PhoneE164: " 099000 00001 ", FirstName: " Rahul ", LastName: "Sharma",
			Email: " Rahul.S@Example.COM ", Company: "Acme Realty", City: "Pune", Country: "in",
			Tags: []string{"vip", "VIP", " hot "}, CustomFields: map[string]any{"budget": "2cr"},
			AltPhones: []string{"+1 212 555 1234", "+91 99000 00001"}, AltEmails: []string{"r@work.example.org"},
		})
		if c.ID <= 0 || c.Version != 1 || c.Status != "active" {
			t.Fatalf("new contact id/version/status = %d/%d/%s", c.ID, c.Version, c.Status)
		}
		checks := []struct{ name, got, want string }{
			{"phone", c.PhoneE164, "+919900000001"},
			{"first_name", c.FirstName, "Rahul"},
			{"email", c.Email, "Rahul.S@example.com"},
			{"country", c.Country, "IN"},
			{"phone_country", c.PhoneCountry, "IN"},
			{"phone_type", c.PhoneType, "mobile"},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
			}
		}
		if !reflect.DeepEqual(c.Tags, []string{"vip", "hot"}) {
			t.Errorf("tags = %q, want [vip hot]", c.Tags)
		}
		if !reflect.DeepEqual(c.AltPhones, []string{"+12125551234"}) {
			t.Errorf("alt_phones = %q (the primary must not repeat)", c.AltPhones)
		}
		if !reflect.DeepEqual(c.PhoneTimezones, []string{"Asia/Kolkata"}) {
			t.Errorf("phone_timezones = %q", c.PhoneTimezones)
		}
		got, err := db.FindContactByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("read back differs:\n got %+v\nwant %+v", got, c)
		}
	})
}

func TestCreateContactRejectsBadValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		cases := []struct {
			name string
			in   contactd.ContactInput
			code string
		}{
			{"no phone", contactd.ContactInput{FirstName: "A"}, contactd.EInvalidPhone},
			{"letters", contactd.ContactInput{PhoneE164: "call me"}, contactd.EInvalidPhone},
			{"too short", contactd.ContactInput{PhoneE164: "+91 12"}, contactd.EInvalidPhone},
			{"bad email", contactd.ContactInput{PhoneE164: "+919900000001", Email: "not-an-email"}, contactd.EInvalidEmail},
			{"email no dot", contactd.ContactInput{PhoneE164: "+919900000001", Email: "a@localhost"}, contactd.EInvalidEmail},
			{"bad country", contactd.ContactInput{PhoneE164: "+919900000001", Country: "XX"}, contactd.EInvalid},
			{"bad timezone", contactd.ContactInput{PhoneE164: "+919900000001", Timezone: "Mars/Olympus"}, contactd.EInvalid},
			{"NUL in name", contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "a\x00b"}, contactd.EInvalid},
			{"bidi override", contactd.ContactInput{PhoneE164: "+919900000001", LastName: "abc\u202Edef"}, contactd.EInvalid},
			{"long name", contactd.ContactInput{PhoneE164: "+919900000001", FirstName: strings.Repeat("x", 201)}, contactd.EInvalid},
			{"bad custom key", contactd.ContactInput{PhoneE164: "+919900000001", CustomFields: map[string]any{"a b": "x"}}, contactd.EInvalid},
			{"nested custom", contactd.ContactInput{PhoneE164: "+919900000001", CustomFields: map[string]any{"a": map[string]any{}}}, contactd.EInvalid},
			{"bad alt phone", contactd.ContactInput{PhoneE164: "+919900000001", AltPhones: []string{"xyz"}}, contactd.EInvalidPhone},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.CreateContact(ctx, tc.in)
				e := wantCode(t, err, tc.code)
				if len(e.Fields) == 0 {
					t.Errorf("no field errors in %v", err)
				}
			})
		}
		list, info, err := db.FindContacts(ctx, contactd.ContactFilter{Status: "all", Page: contactd.Page{Page: 1, PerPage: 50}})
		if err != nil || len(list) != 0 || info.Total != 0 {
			t.Fatalf("rejected creates wrote rows: %d rows, total %d, err %v", len(list), info.Total, err)
		}
	})
}

func TestLivePhoneIsUniquePerWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		other := storetest.Workspace(t, db, "globex")
		first := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+91 99000 00001"})
		for _, form := range []string{"09900000001", "9900000001", "0091-9900000001", "+91 (990) 000-0001"} {
			_, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: form})
			e := wantCode(t, err, contactd.EConflict)
			if e.ExistingID != first.ID {
				t.Errorf("%s: existing_id = %d, want %d", form, e.ExistingID, first.ID)
			}
		}
		// Another workspace may hold the same number.
		mustCreate(t, db, other, contactd.ContactInput{PhoneE164: "+919900000001"})
		// A deleted contact frees its phone; restoring it then conflicts.
		if _, err := db.DeleteContact(ctx, first.ID, 0); err != nil {
			t.Fatal(err)
		}
		second := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "09900000001"})
		_, err := db.RestoreContact(ctx, first.ID)
		if e := wantCode(t, err, contactd.EConflict); e.ExistingID != second.ID {
			t.Errorf("restore conflict existing_id = %d, want %d", e.ExistingID, second.ID)
		}
		// Changing a phone onto a live one conflicts too.
		third := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000003"})
		p := "+919900000001"
		_, err = db.UpdateContact(ctx, third.ID, contactd.ContactUpdate{PhoneE164: &p})
		if e := wantCode(t, err, contactd.EConflict); e.ExistingID != second.ID {
			t.Errorf("update conflict existing_id = %d, want %d", e.ExistingID, second.ID)
		}
	})
}

func TestConcurrentCreatesOfOnePhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		const n = 8
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				_, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: "+919900000001"})
				errs <- err
			}()
		}
		ok := 0
		for i := 0; i < n; i++ {
			err := <-errs
			if err == nil {
				ok++
				continue
			}
			if e := wantCode(t, err, contactd.EConflict); e.ExistingID == 0 {
				t.Errorf("conflict without existing_id: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d creates of one phone succeeded, want 1", ok)
		}
	})
}

func TestUpdateContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", City: "Pune",
			CustomFields: map[string]any{"budget": "2cr", "source": "web"}})
		name, empty := "Rohan", ""
		tags := []string{"b2b"}
		up, err := db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{
			FirstName: &name, City: &empty, Tags: &tags, IfVersion: 1,
			CustomFields: map[string]any{"source": nil, "score": "7"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || up.FirstName != "Rohan" || up.City != "" || !reflect.DeepEqual(up.Tags, []string{"b2b"}) {
			t.Fatalf("after update: %+v", up)
		}
		if !reflect.DeepEqual(up.CustomFields, map[string]any{"budget": "2cr", "score": "7"}) {
			t.Errorf("custom_fields = %v", up.CustomFields)
		}
		// The stale version loses.
		_, err = db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{FirstName: &name, IfVersion: 1})
		wantCode(t, err, contactd.EPreconditionFailed)
		// A no-op update keeps the version.
		same, err := db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{FirstName: &name})
		if err != nil || same.Version != 2 {
			t.Fatalf("no-op update: version %d, err %v", same.Version, err)
		}
		// Phone change re-derives the phone facts.
		us := "(212) 555-1234"
		up, err = db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{PhoneE164: &us, DefaultRegion: "US"})
		if err != nil {
			t.Fatal(err)
		}
		if up.PhoneE164 != "+12125551234" || up.PhoneCountry != "US" || !reflect.DeepEqual(up.PhoneTimezones, []string{"America/New_York"}) {
			t.Errorf("after phone change: %s %s %v", up.PhoneE164, up.PhoneCountry, up.PhoneTimezones)
		}
		bad := "nope"
		_, err = db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{PhoneE164: &bad})
		wantCode(t, err, contactd.EInvalidPhone)
		_, err = db.UpdateContact(ctx, c.ID+1000, contactd.ContactUpdate{FirstName: &name})
		wantCode(t, err, contactd.ENotFound)
		// Deleted contacts do not change.
		if _, err := db.DeleteContact(ctx, c.ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err = db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{FirstName: &name})
		wantCode(t, err, contactd.EConflict)
	})
}

func TestWorkspaceIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		other := storetest.Workspace(t, db, "globex")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", Tags: []string{"vip"}})
		name := "Mallory"
		_, err := db.FindContactByID(other, c.ID)
		wantCode(t, err, contactd.ENotFound)
		_, err = db.UpdateContact(other, c.ID, contactd.ContactUpdate{FirstName: &name})
		wantCode(t, err, contactd.ENotFound)
		_, err = db.DeleteContact(other, c.ID, 0)
		wantCode(t, err, contactd.ENotFound)
		_, err = db.RestoreContact(other, c.ID)
		wantCode(t, err, contactd.ENotFound)
		for _, f := range []contactd.ContactFilter{{}, {Search: "rahul"}, {Tag: "vip"}, {Status: "all"}} {
			f.Page = contactd.Page{Page: 1, PerPage: 50}
			list, info, err := db.FindContacts(other, f)
			if err != nil || len(list) != 0 || info.Total != 0 {
				t.Errorf("filter %+v in another workspace: %d rows, total %d, err %v", f, len(list), info.Total, err)
			}
		}
		events, _, err := db.FindAuditEvents(other, contactd.AuditFilter{ContactID: c.ID, Page: contactd.Page{Page: 1, PerPage: 50}})
		if err != nil || len(events) != 0 {
			t.Errorf("audit events leak across workspaces: %d, %v", len(events), err)
		}
		got, err := db.FindContactByID(ctx, c.ID)
		if err != nil || got.FirstName != "Rahul" || got.Version != 1 {
			t.Errorf("contact changed by another workspace: %+v %v", got, err)
		}
	})
}

func TestDeleteAndRestore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001"})
		_, err := db.DeleteContact(ctx, c.ID, 7)
		wantCode(t, err, contactd.EPreconditionFailed)
		d, err := db.DeleteContact(ctx, c.ID, 1)
		if err != nil || d.Status != "deleted" || d.Version != 2 {
			t.Fatalf("delete: %+v %v", d, err)
		}
		again, err := db.DeleteContact(ctx, c.ID, 0)
		if err != nil || again.Version != 2 {
			t.Fatalf("second delete should change nothing: %+v %v", again, err)
		}
		list, _, _ := db.FindContacts(ctx, contactd.ContactFilter{Page: contactd.Page{Page: 1, PerPage: 50}})
		if len(list) != 0 {
			t.Errorf("deleted contact listed as active")
		}
		list, _, _ = db.FindContacts(ctx, contactd.ContactFilter{Status: "deleted", Page: contactd.Page{Page: 1, PerPage: 50}})
		if len(list) != 1 {
			t.Errorf("deleted contact not listed with status=deleted")
		}
		r, err := db.RestoreContact(ctx, c.ID)
		if err != nil || r.Status != "active" || r.Version != 3 {
			t.Fatalf("restore: %+v %v", r, err)
		}
		events, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{ContactID: c.ID, Page: contactd.Page{Page: 1, PerPage: 50}})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		want := []string{"contact.restored", "contact.deleted", "contact.created"}
		if !reflect.DeepEqual(actions, want) {
			t.Errorf("audit actions = %v, want %v", actions, want)
		}
	})
}

func TestAuditEventsHoldNoPersonalData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", Email: "rahul@example.com"})
		name := "Rohan"
		if _, err := db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{FirstName: &name}); err != nil {
			t.Fatal(err)
		}
		events, info, err := db.FindAuditEvents(ctx, contactd.AuditFilter{ContactID: c.ID, Page: contactd.Page{Page: 1, PerPage: 50}})
		if err != nil || info.Total != 2 {
			t.Fatalf("events: total %d, err %v", info.Total, err)
		}
		for _, e := range events {
			s := fmt.Sprint(e.Details)
			for _, pii := range []string{"Rahul", "Rohan", "rahul@example.com", "9900000001"} {
				if strings.Contains(s, pii) {
					t.Errorf("audit event %s holds %q: %s", e.Action, pii, s)
				}
			}
			if e.ContactID == nil || *e.ContactID != c.ID || e.At.IsZero() {
				t.Errorf("audit event lacks contact or time: %+v", e)
			}
		}
		if fields := fmt.Sprint(events[0].Details["fields"]); fields != "[first_name]" {
			t.Errorf("update event fields = %s, want [first_name]", fields)
		}
	})
}

func TestFindContactsFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var ids []int64
		for i := 0; i < 12; i++ {
			at := t0.Add(time.Duration(i) * time.Hour)
			db.SetNow(func() time.Time { return at })
			tags := []string{"all"}
			if i%3 == 0 {
				tags = append(tags, "VIP")
			}
			c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199000000%02d", i), Tags: tags})
			ids = append(ids, c.ID)
		}
		page := func(f contactd.ContactFilter) ([]int64, contactd.PageInfo) {
			t.Helper()
			list, info, err := db.FindContacts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range list {
				got = append(got, c.ID)
			}
			return got, info
		}
		got, info := page(contactd.ContactFilter{Page: contactd.Page{Page: 2, PerPage: 5}})
		if !reflect.DeepEqual(got, ids[5:10]) || info.Total != 12 || info.NextAfterID != ids[9] {
			t.Errorf("page 2: %v total %d next %d", got, info.Total, info.NextAfterID)
		}
		got, info = page(contactd.ContactFilter{Page: contactd.Page{Page: 1, PerPage: 5, AfterID: ids[9]}})
		if !reflect.DeepEqual(got, ids[10:]) || info.NextAfterID != 0 {
			t.Errorf("cursor page: %v next %d", got, info.NextAfterID)
		}
		got, _ = page(contactd.ContactFilter{Tag: "vip", Page: contactd.Page{Page: 1, PerPage: 50}})
		if !reflect.DeepEqual(got, []int64{ids[0], ids[3], ids[6], ids[9]}) {
			t.Errorf("tag vip: %v", got)
		}
		after, before := t0.Add(2*time.Hour), t0.Add(5*time.Hour)
		got, _ = page(contactd.ContactFilter{CreatedAfter: &after, CreatedBefore: &before, Page: contactd.Page{Page: 1, PerPage: 50}})
		if !reflect.DeepEqual(got, ids[2:5]) {
			t.Errorf("created range: %v, want %v", got, ids[2:5])
		}
		for _, p := range []contactd.Page{{Page: 0, PerPage: 5}, {Page: 1, PerPage: 0}, {Page: 1, PerPage: 501}} {
			_, _, err := db.FindContacts(ctx, contactd.ContactFilter{Page: p})
			wantCode(t, err, contactd.EInvalidPagination)
		}
		_, _, err := db.FindContacts(ctx, contactd.ContactFilter{Status: "gone", Page: contactd.Page{Page: 1, PerPage: 5}})
		wantCode(t, err, contactd.EInvalid)
	})
}

func TestSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		rahul := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", LastName: "Sharma", Email: "rahul.s@example.com", Company: "Acme Realty"})
		jose := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+12125551234", FirstName: "José", LastName: "Núñez", Company: "Globex_Corp 100%"})
		priya := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+447400123456", FirstName: "Priya", LastName: "Patel", Email: "priya@patel.co.uk", AltPhones: []string{"+919812345678"}})
		cases := []struct {
			q    string
			want []int64
		}{
			{"rahul", []int64{rahul.ID}},
			{"RAHUL", []int64{rahul.ID}},
			{"ahul sha", []int64{rahul.ID}}, // substring across first and last name
			{"harm", []int64{rahul.ID}},
			{"example.com", []int64{rahul.ID}},
			{"realty", []int64{rahul.ID}},
			{"jose", []int64{jose.ID}}, // accents folded
			{"NÚÑ", []int64{jose.ID}},
			{"x_c", []int64{jose.ID}}, // LIKE wildcards are literal
			{"hul_sha", nil},          // "_" is no wildcard for "hul sha"
			{"100%", []int64{jose.ID}},
			{"%", []int64{jose.ID}},
			{"+91 99000 00001", []int64{rahul.ID}},
			{"09900000001", []int64{rahul.ID}}, // national form
			{"0091-9900000001", []int64{rahul.ID}},
			{"99000", []int64{rahul.ID}},
			{"(212) 555", []int64{jose.ID}},
			{"07400 123456", []int64{priya.ID}},
			{"98123", []int64{priya.ID}}, // alternate phone
			{"pa", []int64{priya.ID}},    // shorter than a trigram
			{"zz", nil},
			{"nobody", nil},
			{`"quoted"`, nil},
		}
		for _, tc := range cases {
			list, info, err := db.FindContacts(ctx, contactd.ContactFilter{Search: tc.q, Page: contactd.Page{Page: 1, PerPage: 50}})
			if err != nil {
				t.Errorf("search %q: %v", tc.q, err)
				continue
			}
			var got []int64
			for _, c := range list {
				got = append(got, c.ID)
			}
			if !reflect.DeepEqual(got, tc.want) || info.Total != int64(len(tc.want)) {
				t.Errorf("search %q = %v (total %d), want %v", tc.q, got, info.Total, tc.want)
			}
		}
		// Search follows changes and ignores deleted contacts.
		name := "Vikram"
		if _, err := db.UpdateContact(ctx, rahul.ID, contactd.ContactUpdate{FirstName: &name}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeleteContact(ctx, priya.ID, 0); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"ahul sha": 0, "vikram sharma": 1, "priya": 0} {
			list, _, err := db.FindContacts(ctx, contactd.ContactFilter{Search: q, Page: contactd.Page{Page: 1, PerPage: 50}})
			if err != nil || len(list) != want {
				t.Errorf("after changes, search %q: %d results, want %d (%v)", q, len(list), want, err)
			}
		}
	})
}
