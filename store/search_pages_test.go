package store_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// TestSearchPages pages a search with more matches than a page: the first
// page, its total, and the pages after it by cursor and by number, for
// terms of names, companies and phone digits, with non-matches and a
// deleted match between them.
func TestSearchPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		var vindhya, phones, eleventh []int64
		for i := 0; i < 12; i++ {
			in := contactd.ContactInput{PhoneE164: fmt.Sprintf("+9198%03d12345", i), FirstName: fmt.Sprintf("Person%d", i), Company: "Deccan Motors"}
			if i%3 == 0 {
				in.Company = "Vindhya Cements"
			}
			c := mustCreate(t, db, ctx, in)
			if i == 6 {
				if _, err := db.DeleteContact(ctx, c.ID, 0); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if i%3 == 0 {
				vindhya = append(vindhya, c.ID)
			}
			if i >= 10 {
				phones = append(phones, c.ID)
			}
			if i == 11 {
				eleventh = append(eleventh, c.ID)
			}
		}
		for q, want := range map[string][]int64{"vindhya cements": vindhya, "INDHYA CEM": vindhya, "9801": phones, "+91 98011 12345": eleventh} {
			for _, per := range []int{1, 2, 3, 50} {
				var got []int64
				p := contactd.Page{Page: 1, PerPage: per}
				for n := 0; n < 10; n++ {
					list, info, err := db.FindContacts(ctx, contactd.ContactFilter{Search: q, Page: p})
					if err != nil {
						t.Fatalf("search %q per %d: %v", q, per, err)
					}
					if info.Total != int64(len(want)) || info.TotalCapped {
						t.Errorf("search %q per %d: total %d (capped %v), want %d", q, per, info.Total, info.TotalCapped, len(want))
					}
					for _, c := range list {
						got = append(got, c.ID)
					}
					if info.NextAfterID == 0 {
						break
					}
					p.AfterID = info.NextAfterID
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("search %q per %d by cursor = %v, want %v", q, per, got, want)
				}
				list, _, err := db.FindContacts(ctx, contactd.ContactFilter{Search: q, Page: contactd.Page{Page: 2, PerPage: per}})
				if err != nil {
					t.Fatal(err)
				}
				var second []int64
				for _, c := range list {
					second = append(second, c.ID)
				}
				var wantSecond []int64
				if per < len(want) {
					wantSecond = want[per:min(len(want), 2*per)]
				}
				if !reflect.DeepEqual(second, wantSecond) {
					t.Errorf("search %q page 2 per %d = %v, want %v", q, per, second, wantSecond)
				}
			}
		}
	})
}
