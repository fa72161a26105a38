package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// New contacts of a bulk write join the groups they link to
// (attachFresh) instead of walking every contact their links reach. The
// groups that leaves must be the groups from scratch: this writes people
// who meet by email, by phone, by similar names in a company or a city,
// many of them bridging groups made by earlier batches, some keys held by
// more than maxKeyMembers (which then stop linking), and compares every
// group, link and confidence with a regroup of the whole workspace.
func TestAttachedGroupsAreTheGroupsFromScratch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		r := rand.New(rand.NewPCG(3, 9))
		firsts := []string{"Priya", "Priyaa", "Rahul", "Rahool", "Ananya", "Vikram", "Meera", "Arjun",
			"Kavya", "Rohan", "Sneha", "Aditya", "Ishita", "Karan", "Divya", "Nikhil", "Pooja", "Sanjay", "Tara", "Varun"}
		lasts := []string{"Sharma", "Iyer", "Reddy", "Nair", "Gupta", "Menon", "Das", "Bose", "Kapoor", "Joshi", "Rao", "Pillai"}
		companies := []string{"Infosys", "Zoho", "Tata Motors", ""}
		cities := []string{"Pune", "Chennai", ""}
		domains := []string{"acme.in", "globex.com", "initech.co"}
		n := 0
		person := func() contactd.ContactInput {
			n++
			in := contactd.ContactInput{
				PhoneE164: fmt.Sprintf("+9198%08d", n),
				FirstName: firsts[r.IntN(len(firsts))],
				LastName:  lasts[r.IntN(len(lasts))],
				Company:   companies[r.IntN(len(companies))],
				City:      cities[r.IntN(len(cities))],
			}
			switch r.IntN(8) {
			case 0, 1:
				in.Email = fmt.Sprintf("box%d@gmail.com", r.IntN(120)) // shared with someone, often
			case 2:
				in.AltPhones = []string{fmt.Sprintf("+9198%08d", 1+r.IntN(n))} // an earlier person's phone
			case 3:
				in.Email = "frontdesk@gmail.com" // soon held by more than maxKeyMembers
			case 4:
				in.Email = fmt.Sprintf("p%d@%s", n, domains[r.IntN(len(domains))]) // a work address: name links by domain
			}
			return in
		}
		for batch := 0; batch < 10; batch++ {
			var inputs []contactd.ContactInput
			for i := 0; i < 50; i++ {
				inputs = append(inputs, person())
			}
			res, err := db.CreateContacts(ctx, inputs)
			if err != nil {
				t.Fatal(err)
			}
			for i, br := range res {
				if br.Err != nil && contactd.ErrorCode(br.Err) != contactd.EConflict {
					t.Fatalf("batch %d row %d: %v", batch, i, br.Err)
				}
			}
		}
		got := allGroups(t, db, ctx)
		if err := db.RegroupAll(ctx); err != nil {
			t.Fatal(err)
		}
		want := allGroups(t, db, ctx)
		if len(want) < 20 {
			t.Fatalf("only %d groups: the data should make many", len(want))
		}
		// Components past maxGroupSize are split from scratch but not
		// when a new contact joins what is left of them (see
		// attachFresh): the data must not make any.
		for _, g := range want {
			if len(g.ContactIDs) > 60 {
				t.Fatalf("a group of %d: the data should make small ones", len(g.ContactIDs))
			}
		}

		kinds := map[string]bool{}
		for _, g := range want {
			for _, l := range g.Links {
				kinds[l.Match] = true
			}
		}
		if len(kinds) < 5 {
			t.Fatalf("links of kinds %v only: the data should link by email, phone and names", kinds)
		}
		if !reflect.DeepEqual(got, want) {
			for i := range min(len(got), len(want)) {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("group %d after the writes:\n%+v\nfrom scratch:\n%+v", i, got[i], want[i])
				}
			}
			t.Fatalf("%d groups after the writes, %d from scratch", len(got), len(want))
		}
	})
}

// allGroups lists every duplicate group of the workspace in id order.
func allGroups(t *testing.T, db *store.DB, ctx context.Context) []*contactd.DuplicateGroup {
	t.Helper()
	var out []*contactd.DuplicateGroup
	page := contactd.Page{Page: 1, PerPage: 100}
	for {
		gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Page: page})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, gs...)
		if info.NextAfterID == 0 {
			return out
		}
		page.AfterID = info.NextAfterID
	}
}
