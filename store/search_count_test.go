package store_test

import (
	"fmt"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// TestSearchCountCapped: a search's total counts matches up to
// MaxSearchCount and then says it stopped, and PostgreSQL's two forms of
// the count (walking the table, reading the trigram index with a cover of
// the term) give the same totals for words, phrases, phone digits and a
// term nobody matches, with deleted matches left out.
func TestSearchCountCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		common := contactd.MaxSearchCount + 7
		inputs := make([]contactd.ContactInput, 0, common+20)
		for i := 0; i < common+20; i++ {
			in := contactd.ContactInput{PhoneE164: fmt.Sprintf("+9198%05d123", i), FirstName: fmt.Sprintf("Person%d", i), Company: "Deccan Motors"}
			if i >= common {
				in.Company = "Vindhya Cements"
			}
			inputs = append(inputs, in)
		}
		results, err := db.CreateContacts(ctx, inputs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range results {
			if r.Err != nil {
				t.Fatalf("row %d: %v", i, r.Err)
			}
		}
		// Two of the Vindhya contacts are deleted: 18 remain.
		for _, r := range results[common : common+2] {
			if _, err := db.DeleteContact(ctx, r.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			q      string
			total  int64
			capped bool
		}{
			{"deccan motors", contactd.MaxSearchCount, true},
			{"ECCAN", contactd.MaxSearchCount, true},
			{"vindhya cements", 18, false},
			{"vindhya", 18, false},
			{"+91 98000 10123", 1, false},
			{"98000", 100, false}, // +9198000xx123: 00000-00099
			{"qxzjv", 0, false},
		}
		for _, walk := range []float64{0, 1e12} {
			restore := store.SetSearchWalkRows(walk)
			for _, tc := range cases {
				_, info, err := db.FindContacts(ctx, contactd.ContactFilter{Search: tc.q, Page: contactd.Page{Page: 1, PerPage: 10}})
				if err != nil {
					t.Fatalf("search %q: %v", tc.q, err)
				}
				if info.Total != tc.total || info.TotalCapped != tc.capped {
					t.Errorf("walk rows %g: search %q total %d (capped %v), want %d (capped %v)", walk, tc.q, info.Total, info.TotalCapped, tc.total, tc.capped)
				}
			}
			restore()
		}
	})
}
