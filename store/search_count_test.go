package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// TestSearchCountCapped: a search's total counts matches up to
// MaxSearchCount and then says it stopped, and PostgreSQL's two forms of
// a search's page and count (walking the table in id order, reading the
// trigram index with a cover of the term) give the same pages and totals
// for words, phrases, phone digits and a term nobody matches, with deleted
// matches left out.
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
		pages := map[string][]int64{} // the ids of the first two pages of each query, by the walk
		// 3 puts the common term's page in doubt (see doubtful), so a probe
		// counts its matches before the form is chosen.
		for _, walk := range []float64{1e12, 0, 3} {
			restore := store.SetSearchWalkRows(walk)
			for _, tc := range cases {
				var ids []int64
				p := contactd.Page{Page: 1, PerPage: 10}
				for n := 0; n < 2; n++ {
					list, info, err := db.FindContacts(ctx, contactd.ContactFilter{Search: tc.q, Page: p})
					if err != nil {
						t.Fatalf("search %q: %v", tc.q, err)
					}
					if n == 0 && (info.Total != tc.total || info.TotalCapped != tc.capped) {
						t.Errorf("walk rows %g: search %q total %d (capped %v), want %d (capped %v)", walk, tc.q, info.Total, info.TotalCapped, tc.total, tc.capped)
					}
					for _, c := range list {
						ids = append(ids, c.ID)
					}
					if info.NextAfterID == 0 {
						break
					}
					p.AfterID = info.NextAfterID
				}
				if want := min(20, int(tc.total)); len(ids) != want {
					t.Errorf("walk rows %g: search %q: %d contacts in two pages, want %d", walk, tc.q, len(ids), want)
				}
				if prev, ok := pages[tc.q]; ok && !slices.Equal(prev, ids) {
					t.Errorf("search %q: pages by the index %v, by the walk %v", tc.q, ids, prev)
				}
				pages[tc.q] = ids
			}
			restore()
		}
	})
}
