package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A dynamic segment with more members than a page counts is paged by
// walking contacts in id order, its membership tests bounded to the page's
// cursor: every member comes once, in order, through tags, a static
// segment, and their negations.
func TestDynamicSegmentPagesByCursor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		const n = 1300
		inputs := make([]contactd.ContactInput, n)
		for i := range inputs {
			inputs[i] = contactd.ContactInput{PhoneE164: fmt.Sprintf("+9197%08d", i)}
			switch {
			case i%10 == 0:
				inputs[i].Tags = []string{"rare"}
			case i%5 != 0:
				inputs[i].Tags = []string{"vip"}
			}
		}
		res, err := db.CreateContacts(ctx, inputs)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, n)
		for i, r := range res {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			ids[i] = r.ID
		}
		static, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "sevens", Type: contactd.SegmentStatic})
		if err != nil {
			t.Fatal(err)
		}
		var sevens []int64
		for i := 0; i < n; i += 7 {
			sevens = append(sevens, ids[i])
		}
		if _, err := db.AddSegmentMembers(ctx, static.ID, sevens); err != nil {
			t.Fatal(err)
		}
		// Each has more members than a page counts (MaxListCount), so
		// that pages walk.
		cases := []struct {
			rule string
			want func(i int) bool
		}{
			{`{"field":"tags","op":"has","value":"vip"}`, func(i int) bool { return i%5 != 0 }},
			{`{"field":"tags","op":"neq","value":"rare"}`, func(i int) bool { return i%10 != 0 }},
			{fmt.Sprintf(`{"any":[{"field":"segments","op":"has","value":%d},{"field":"tags","op":"has","value":"vip"}]}`, static.ID),
				func(i int) bool { return i%7 == 0 || i%5 != 0 }},
			{fmt.Sprintf(`{"field":"segments","op":"neq","value":%d}`, static.ID), func(i int) bool { return i%7 != 0 }},
		}
		for k, tc := range cases {
			for _, window := range []int{20000, 1250} {
				// The workspace fits in a window of 20,000; one of 1,250 ends
				// inside it, with more than MaxListCount members in it for
				// three rules and fewer for the first.
				defer store.SetSegmentWindow(window)()
				seg := mustSegment(t, db, ctx, fmt.Sprint("walk ", k, " ", window), tc.rule)
				var want []int64
				for i, id := range ids {
					if tc.want(i) {
						want = append(want, id)
					}
				}
				var got []int64
				p := contactd.Page{Page: 1, PerPage: 97}
				for {
					page, info, err := db.FindSegmentMembers(ctx, seg.ID, p)
					if err != nil {
						t.Fatal(err)
					}
					if p.AfterID == 0 && (info.Total != int64(contactd.MaxListCount) || !info.TotalCapped) {
						t.Errorf("%s: first page total %d (capped %v), want %d capped", tc.rule, info.Total, info.TotalCapped, contactd.MaxListCount)
					}
					for _, c := range page {
						got = append(got, c.ID)
					}
					if info.NextAfterID == 0 {
						break
					}
					p.AfterID = info.NextAfterID
				}
				if len(want) <= contactd.MaxListCount {
					t.Fatalf("%s: %d members do not walk", tc.rule, len(want))
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: %d members paged, want %d", tc.rule, len(got), len(want))
				}
			}
		}
	})
}
