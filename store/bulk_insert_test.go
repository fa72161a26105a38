package store_test

import (
	"fmt"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// Bulk creates write every column, tag and audit event as single creates
// do, on both engines (PostgreSQL loads them as unnested text arrays, cast
// per column), including NULL for a change no key made.
func TestBulkCreateStoresEveryColumn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		actor, _ := contactd.ActorFrom(ctx)
		key, err := db.CreateAPIKey(ctx, actor.WorkspaceID, "loader", contactd.RoleWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		for n, keyID := range []int64{key.ID, 0} {
			a := actor
			a.KeyID = keyID
			kctx := contactd.WithActor(ctx, a)
			in := contactd.ContactInput{
				PhoneE164: fmt.Sprintf("+91 98450 1234%d", n), FirstName: "Zoë", LastName: "O'Brien \"Jr\"",
				Email: "zoe@example.com", Company: "Ünïcode, Ltd; {x}", City: "Pune", Country: "IN",
				Tags: []string{"VIP", "a,b"}, CustomFields: map[string]any{"score": 7.5, "note": "line\nbreak", "ok": true},
				AltPhones: []string{"+14155550100"}, AltEmails: []string{"z@work.example"},
			}
			res, err := db.CreateContacts(kctx, []contactd.ContactInput{in})
			if err != nil || res[0].Err != nil {
				t.Fatalf("bulk create: %v %v", err, res[0].Err)
			}
			got, err := db.FindContactByID(ctx, res[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want any
			}{
				{"first name", got.FirstName, in.FirstName}, {"last name", got.LastName, in.LastName},
				{"company", got.Company, in.Company}, {"tags", fmt.Sprint(got.Tags), "[VIP a,b]"},
				{"score", fmt.Sprint(got.CustomFields["score"]), "7.5"}, {"note", got.CustomFields["note"], "line\nbreak"},
				{"ok", got.CustomFields["ok"], true}, {"alt phones", fmt.Sprint(got.AltPhones), "[+14155550100]"},
				{"phone country", got.PhoneCountry, "IN"}, {"version", got.Version, int64(1)},
				{"status", got.Status, contactd.StatusActive}, {"created", got.CreatedAt.IsZero(), false},
			} {
				if c.got != c.want {
					t.Errorf("%s: stored %#v, want %#v", c.name, c.got, c.want)
				}
			}
			tagged, _, err := db.FindContacts(ctx, contactd.ContactFilter{Tag: "vip", Page: contactd.Page{Page: 1, PerPage: 10}})
			if err != nil || len(tagged) == 0 {
				t.Errorf("tag filter found %d, %v", len(tagged), err)
			}
			events, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{ContactID: got.ID, Page: contactd.Page{Page: 1, PerPage: 10}})
			if err != nil || len(events) != 1 {
				t.Fatalf("audit events %v, %v", events, err)
			}
			e := events[0]
			if e.Action != contactd.ActionContactCreated || (keyID == 0) != (e.ActorKey == nil) || e.Details["bulk"] != true {
				t.Errorf("audit event %+v (key %d)", e, keyID)
			}
		}
	})
}
