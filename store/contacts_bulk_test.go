package store_test

import (
	"fmt"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

func TestCreateContactsInBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		existing := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000000"})
		var in []contactd.ContactInput
		for i := 0; i < 450; i++ { // more than two chunks
			in = append(in, contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199%08d", i+1), FirstName: fmt.Sprintf("P%d", i), Tags: []string{"bulk"}})
		}
		in = append(in,
			contactd.ContactInput{PhoneE164: "09900000000"},               // live already
			contactd.ContactInput{PhoneE164: "+91 99000 00001"},           // repeats row 0
			contactd.ContactInput{PhoneE164: "nonsense"},                  // invalid
			contactd.ContactInput{PhoneE164: "+919911111111", Email: "@"}, // invalid email
		)
		res, err := db.CreateContacts(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 450; i++ {
			if res[i].Err != nil || res[i].ID == 0 {
				t.Fatalf("row %d: %+v", i, res[i])
			}
		}
		if e := wantCode(t, res[450].Err, contactd.EConflict); e.ExistingID != existing.ID {
			t.Errorf("live conflict existing_id %d, want %d", e.ExistingID, existing.ID)
		}
		if e := wantCode(t, res[451].Err, contactd.EConflict); e.ExistingID != res[0].ID {
			t.Errorf("in-batch conflict existing_id %d, want %d", e.ExistingID, res[0].ID)
		}
		wantCode(t, res[452].Err, contactd.EInvalidPhone)
		wantCode(t, res[453].Err, contactd.EInvalidEmail)
		c, err := db.FindContactByID(ctx, res[7].ID)
		if err != nil || c.FirstName != "P7" || c.PhoneE164 != "+919900000008" {
			t.Fatalf("row 7 read back: %+v %v", c, err)
		}
		for _, f := range []contactd.ContactFilter{{Tag: "bulk"}, {Search: "p449"}, {Search: "09900000450"}} {
			f.Page = contactd.Page{Page: 1, PerPage: 10}
			_, info, err := db.FindContacts(ctx, f)
			want := int64(1)
			if f.Tag != "" {
				want = 450
			}
			if err != nil || info.Total != want {
				t.Errorf("filter %+v: total %d, want %d (%v)", f, info.Total, want, err)
			}
		}
	})
}
