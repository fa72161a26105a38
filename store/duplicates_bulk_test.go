package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// The bulk path skips regrouping new contacts whose keys nobody else holds
// (refreshMatchKeysOf). Whatever it skips, the groups must be the ones that
// creating the same contacts one at a time gives: this compares the two on
// people who meet by email, alternate phone and similar names, across
// batches and within them.
func TestBulkCreateGroupsLikeSingleCreates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var inputs []contactd.ContactInput
		firsts := []string{"Priya", "Rahul", "Ananya", "Vikram", "Meera", "Arjun", "Kavya", "Rohan"}
		lasts := []string{"Sharma", "Iyer", "Reddy", "Nair", "Gupta"}
		companies := []string{"Infosys", "Tata Motors", "Zoho", ""}
		for i := 0; i < 240; i++ {
			in := contactd.ContactInput{
				PhoneE164: fmt.Sprintf("+9197%08d", i),
				FirstName: firsts[i%len(firsts)],
				LastName:  lasts[(i/3)%len(lasts)],
				Company:   companies[(i/7)%len(companies)],
			}
			switch i % 6 {
			case 0:
				in.Email = fmt.Sprintf("shared%d@example.com", i%48) // meets another by email
			case 1:
				in.AltPhones = []string{fmt.Sprintf("+9197%08d", i+101)} // another's primary phone
			case 2:
				in.Email = fmt.Sprintf("only%d@example.com", i) // alone
			}
			if i%11 == 0 {
				in.FirstName = in.FirstName + "a" // a near spelling
			}
			inputs = append(inputs, in)
		}
		bulk := storetest.Workspace(t, db, "bulk")
		bulkIDs := map[int64]string{}
		for start := 0; start < len(inputs); start += 50 {
			res, err := db.CreateContacts(bulk, inputs[start:min(start+50, len(inputs))])
			if err != nil {
				t.Fatal(err)
			}
			for j, r := range res {
				if r.Err != nil {
					t.Fatalf("bulk row %d: %v", start+j, r.Err)
				}
				bulkIDs[r.ID] = inputs[start+j].PhoneE164
			}
		}
		single := storetest.Workspace(t, db, "single")
		singleIDs := map[int64]string{}
		for _, in := range inputs {
			c := mustCreate(t, db, single, in)
			singleIDs[c.ID] = in.PhoneE164
		}
		got := groupsByPhone(t, db, bulk, bulkIDs)
		want := groupsByPhone(t, db, single, singleIDs)
		if len(want) < 10 {
			t.Fatalf("only %d groups: the data should make many", len(want))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("bulk groups differ from single-create groups:\nbulk   %v\nsingle %v", got, want)
		}
	})
}

// groupsByPhone lists the workspace's groups as sorted phone lists, which
// compare across workspaces where ids do not.
func groupsByPhone(t *testing.T, db *store.DB, ctx context.Context, phones map[int64]string) [][]string {
	t.Helper()
	var out [][]string
	for _, g := range allGroups(t, db, ctx) {
		var ps []string
		for _, id := range g.ContactIDs {
			ps = append(ps, phones[id])
		}
		sort.Strings(ps)
		out = append(out, ps)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// Links are transitive, so a chain of people each sharing an email with
// the next is one component, however long. At 1M contacts the bench's data
// chained 25,000 people together; every write touching such a group
// rewrote it whole, and a page listing it carried every contact. Groups
// now stop at 100 members: a longer chain is left out of review, a
// shorter one is one group. (12,000 contacts in three batches also once
// passed SQLite's 32,766 parameters in one INSERT of group members.)
func TestDuplicateGroupsStopAtAHundred(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		chain := func(prefix string, from, n, batch int) {
			for start := from; start < from+n; start += batch {
				var inputs []contactd.ContactInput
				for i := start; i < min(start+batch, from+n); i++ {
					inputs = append(inputs, contactd.ContactInput{
						PhoneE164: fmt.Sprintf("+9196%08d", i),
						Email:     fmt.Sprintf("%s%d@example.com", prefix, i),
						AltEmails: []string{fmt.Sprintf("%s%d@example.com", prefix, i+1)},
					})
				}
				res, err := db.CreateContacts(ctx, inputs)
				if err != nil {
					t.Fatalf("batch from %d: %v", start, err)
				}
				for _, r := range res {
					if r.Err != nil {
						t.Fatal(r.Err)
					}
				}
			}
		}
		chain("long", 0, 1500, 500)  // one component of 1,500: left out
		chain("short", 5000, 99, 40) // and of 99: one group
		gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Page: contactd.Page{Page: 1, PerPage: 10}})
		if err != nil {
			t.Fatal(err)
		}
		if info.Total != 1 || len(gs) != 1 || len(gs[0].ContactIDs) != 99 {
			sizes := []int{}
			for _, g := range gs {
				sizes = append(sizes, len(g.ContactIDs))
			}
			t.Fatalf("groups of sizes %v (total %d); want one of 99", sizes, info.Total)
		}
	})
}
