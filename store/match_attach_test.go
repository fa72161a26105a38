package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
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
		p := newPeople(3)
		for batch := 0; batch < 10; batch++ {
			var inputs []contactd.ContactInput
			for i := 0; i < 50; i++ {
				inputs = append(inputs, p.next())
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
		sameGroupsFromScratch(t, db, ctx)
	})
}

// An import batch both creates contacts (which join groups) and updates
// others (whose changed keys are walked), and a row may repeat a contact
// the same batch created. Whatever the order the two ways run in, the
// groups must be the groups from scratch.
func TestImportedGroupsAreTheGroupsFromScratch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		p := newPeople(1)
		// Updates and repeats link more people: more names keep the
		// components under maxGroupSize.
		p.firsts = append(p.firsts, "Amit", "Bina", "Chetan", "Deepa", "Esha", "Farhan", "Gauri", "Hari", "Indu", "Jatin", "Kiran", "Lata", "Mohan", "Neha", "Omkar", "Parth", "Rekha", "Sunil", "Uma", "Yash")
		p.lasts = append(p.lasts, "Agarwal", "Bhatt", "Chopra", "Desai", "Fernandes", "Ghosh", "Hegde", "Jain", "Kulkarni", "Mehta", "Patil", "Saxena")
		var existing []contactd.ContactInput
		for i := 0; i < 200; i++ {
			existing = append(existing, p.next())
		}
		if _, err := db.CreateContacts(ctx, existing); err != nil {
			t.Fatal(err)
		}
		imp := runningImport(t, db, ctx, 400)
		r := rand.New(rand.NewPCG(7, 7))
		var rows []contactd.ImportRow
		for len(rows) < 400 {
			in := p.next()
			switch r.IntN(10) {
			case 0, 1, 2: // an earlier person again, somewhere else and with another address
				in.PhoneE164 = existing[r.IntN(len(existing))].PhoneE164
				in.City = p.cities[r.IntN(len(p.cities))]
			case 3: // a person of this file again
				if len(rows) > 0 {
					in.PhoneE164 = rows[r.IntN(len(rows))].Input.PhoneE164
				}
			}
			rows = append(rows, contactd.ImportRow{Line: len(rows) + 2, Input: in})
		}
		for start := 0; start < len(rows); start += 50 {
			if _, err := db.ApplyImportBatch(ctx, imp, int64(start), rows[start:start+50]); err != nil {
				t.Fatalf("batch at %d: %v", start, err)
			}
		}
		imp, err := db.FindImportByID(ctx, imp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if imp.Created < 200 || imp.Updated < 80 {
			t.Fatalf("%d created, %d updated: the file should do plenty of both", imp.Created, imp.Updated)
		}
		sameGroupsFromScratch(t, db, ctx)
	})
}

// A batch that updates a contact and creates one must walk the updated
// one before the new one joins groups: until then the stored groups are
// the old ones. Here an update moves Rahul Kumar Sharma from Pune to
// Chennai, which cuts the name links by which he held two chains of 30
// together, and in the same batch a new contact links the first chain to
// a chain of 45. Joined first, the stale group of 61 and the 45 made 107,
// past maxGroupSize, and the first chain was cut at its one name link;
// the groups are the 76 and the 30.
func TestImportWalksUpdatesBeforeJoiningGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		phone := 0
		chain := func(prefix string, n int) []contactd.ContactInput {
			var out []contactd.ContactInput
			for i := 1; i <= n; i++ {
				phone++
				in := contactd.ContactInput{PhoneE164: fmt.Sprintf("+9198%08d", phone), Email: fmt.Sprintf("%s%d@example.com", prefix, i)}
				if i < n {
					in.AltEmails = []string{fmt.Sprintf("%s%d@example.com", prefix, i+1)}
				}
				out = append(out, in)
			}
			return out
		}
		a, b, h := chain("a", 30), chain("b", 30), chain("h", 45)
		a[14].AltEmails = nil // a15 and a16 meet by name only
		for _, i := range []int{14, 15} {
			a[i].FirstName, a[i].LastName, a[i].Company = "Priya", "Iyer", "Zoho"
		}
		a[0].FirstName, a[0].LastName, a[0].City = "Rahul", "Kumar", "Pune"
		b[0].FirstName, b[0].LastName, b[0].City = "Kumar", "Sharma", "Pune"
		bridge := contactd.ContactInput{PhoneE164: "+919799999999", FirstName: "Rahul", LastName: "Kumar Sharma", City: "Pune"}
		inputs := append(append(append(append([]contactd.ContactInput{}, a...), b...), h...), bridge)
		if _, err := db.CreateContacts(ctx, inputs); err != nil {
			t.Fatal(err)
		}
		if sizes := groupSizes(allGroups(t, db, ctx)); !reflect.DeepEqual(sizes, []int{61, 45}) {
			t.Fatalf("groups of %v before the import, want 61 and 45", sizes)
		}
		imp := runningImport(t, db, ctx, 2)
		rows := []contactd.ImportRow{
			{Line: 2, Input: contactd.ContactInput{PhoneE164: bridge.PhoneE164, City: "Chennai"}},
			{Line: 3, Input: contactd.ContactInput{PhoneE164: "+919799999998", Email: "a20@example.com", AltEmails: []string{"h1@example.com"}}},
		}
		if _, err := db.ApplyImportBatch(ctx, imp, 0, rows); err != nil {
			t.Fatal(err)
		}
		got := allGroups(t, db, ctx)
		if sizes := groupSizes(got); !reflect.DeepEqual(sizes, []int{76, 30}) {
			t.Fatalf("groups of %v after the import, want 76 and 30", sizes)
		}
		if err := db.RegroupAll(ctx); err != nil {
			t.Fatal(err)
		}
		if want := allGroups(t, db, ctx); !reflect.DeepEqual(got, want) {
			t.Fatal("the groups differ from the groups from scratch")
		}
	})
}

// runningImport is an import of total rows, started, whose batches a test
// applies itself.
func runningImport(t *testing.T, db *store.DB, ctx context.Context, total int64) *contactd.ContactImport {
	t.Helper()
	f, err := db.StoreFile(ctx, "contacts.csv", strings.NewReader("phone\n"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := db.CreateImport(ctx, f.ID, "contacts.csv", contactd.ImportOptions{Mode: contactd.ModeCreateOrUpdate, MatchOn: contactd.MatchOnPhone})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.StartImport(ctx, imp.ID, "utf-8", ",", []string{"phone"}, map[string]string{"phone": "phone_e164"}, total); err != nil {
		t.Fatal(err)
	}
	if imp, err = db.FindImportByID(ctx, imp.ID); err != nil {
		t.Fatal(err)
	}
	return imp
}

func groupSizes(gs []*contactd.DuplicateGroup) []int {
	var out []int
	for _, g := range gs {
		out = append(out, len(g.ContactIDs))
	}
	return out
}

// people makes contacts who meet by email, by phone and by similar names
// in a company, a city or an email domain; more than maxKeyMembers share
// one address.
type people struct {
	r                                         *rand.Rand
	n                                         int
	firsts, lasts, companies, cities, domains []string
}

func newPeople(seed uint64) *people {
	return &people{
		r: rand.New(rand.NewPCG(seed, 9)),
		firsts: []string{"Priya", "Priyaa", "Rahul", "Rahool", "Ananya", "Vikram", "Meera", "Arjun",
			"Kavya", "Rohan", "Sneha", "Aditya", "Ishita", "Karan", "Divya", "Nikhil", "Pooja", "Sanjay", "Tara", "Varun"},
		lasts:     []string{"Sharma", "Iyer", "Reddy", "Nair", "Gupta", "Menon", "Das", "Bose", "Kapoor", "Joshi", "Rao", "Pillai"},
		companies: []string{"Infosys", "Zoho", "Tata Motors", ""},
		cities:    []string{"Pune", "Chennai", ""},
		domains:   []string{"acme.in", "globex.com", "initech.co"},
	}
}

func (p *people) next() contactd.ContactInput {
	p.n++
	r := p.r
	in := contactd.ContactInput{
		PhoneE164: fmt.Sprintf("+9198%08d", p.n),
		FirstName: p.firsts[r.IntN(len(p.firsts))],
		LastName:  p.lasts[r.IntN(len(p.lasts))],
		Company:   p.companies[r.IntN(len(p.companies))],
		City:      p.cities[r.IntN(len(p.cities))],
	}
	switch r.IntN(8) {
	case 0, 1:
		in.Email = fmt.Sprintf("box%d@gmail.com", r.IntN(120)) // shared with someone, often
	case 2:
		in.AltPhones = []string{fmt.Sprintf("+9198%08d", 1+r.IntN(p.n))} // an earlier person's phone
	case 3:
		in.Email = "frontdesk@gmail.com" // soon held by more than maxKeyMembers
	case 4:
		in.Email = fmt.Sprintf("p%d@%s", p.n, p.domains[r.IntN(len(p.domains))]) // a work address: name links by domain
	}
	return in
}

// sameGroupsFromScratch fails unless the workspace's groups are the ones a
// regroup of all its contacts makes, link for link.
func sameGroupsFromScratch(t *testing.T, db *store.DB, ctx context.Context) {
	t.Helper()
	got := allGroups(t, db, ctx)
	if err := db.RegroupAll(ctx); err != nil {
		t.Fatal(err)
	}
	want := allGroups(t, db, ctx)
	if len(want) < 20 {
		t.Fatalf("only %d groups: the data should make many", len(want))
	}
	// Components past maxGroupSize are split from scratch but not when a
	// new contact joins what is left of them (see attachFresh): the data
	// must not make any.
	if n, err := db.LargestComponent(ctx); err != nil || n > 100 {
		t.Fatalf("a component of %d linked contacts (%v): the data should make smaller ones", n, err)
	}
	kinds := map[string]bool{}
	for _, g := range want {
		for _, l := range g.Links {
			kinds[l.Match] = true
		}
	}
	if len(kinds) < 5 {
		t.Fatalf("links of kinds %v only: the data should link by email, phone and names in three contexts", kinds)
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("group %d after the writes:\n%+v\nfrom scratch:\n%+v", i, got[i], want[i])
			}
		}
		t.Fatalf("%d groups after the writes, %d from scratch", len(got), len(want))
	}
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
