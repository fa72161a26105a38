package contactgen

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/contactd/contactd/phone"
	"github.com/contactd/contactd/store"
)

func TestSameSeedSameRows(t *testing.T) {
	a, b, c := New(1), New(1), New(2)
	differ := 0
	for i := 0; i < 1000; i++ {
		ra, rb, rc := a.Next(), b.Next(), c.Next()
		if !reflect.DeepEqual(ra, rb) {
			t.Fatalf("row %d differs between two generators of seed 1:\n%+v\n%+v", i, ra, rb)
		}
		if !reflect.DeepEqual(ra, rc) {
			differ++
		}
	}
	if differ < 900 {
		t.Errorf("seeds 1 and 2 share %d of 1000 rows; the seed should change the data", 1000-differ)
	}
}

// TestRows checks the promises the benchmark relies on: the shares of dup
// and bad rows, that every ok and dup phone parses to the number the row
// claims, that ok numbers never repeat, and that bad rows are really bad.
func TestRows(t *testing.T) {
	const n = 50000
	g := New(7)
	kinds := map[string]int{}
	countries := map[string]int{}
	okNumbers := map[string]bool{}
	for i := 0; i < n; i++ {
		r := g.Next()
		kinds[r.Kind]++
		switch r.Kind {
		case KindOK, KindDup:
			num, err := phone.Normalize(r.Phone, r.Country)
			if err != nil || num.E164 != r.E164 {
				t.Errorf("row %d (%s, %s): %q normalizes to %q (%v), want %q", i, r.Kind, r.Country, r.Phone, num.E164, err, r.E164)
			}
			if _, msg := store.NormalizeEmail(r.Email); msg != "" {
				t.Errorf("row %d (%s): email %q: %s", i, r.Kind, r.Email, msg)
			}
			if r.Kind == KindOK {
				if okNumbers[r.E164] {
					t.Errorf("row %d: ok number %s repeats an earlier ok row", i, r.E164)
				}
				okNumbers[r.E164] = true
				countries[r.Country]++
			} else if !okNumbers[r.E164] {
				t.Errorf("row %d: dup of %s, which no earlier ok row has", i, r.E164)
			}
		case KindBad:
			_, perr := phone.Normalize(r.Phone, r.Country)
			_, msg := store.NormalizeEmail(r.Email)
			if perr == nil && msg == "" {
				t.Errorf("row %d is bad but phone %q and email %q are both valid", i, r.Phone, r.Email)
			}
		default:
			t.Fatalf("row %d: unknown kind %q", i, r.Kind)
		}
		if r.FirstName == "" || r.LastName == "" {
			t.Errorf("row %d has no name: %+v", i, r)
		}
	}
	share := func(kind string) float64 { return float64(kinds[kind]) / n }
	if s := share(KindDup); s < 0.04 || s > 0.06 {
		t.Errorf("dup share %.3f, want about 0.05", s)
	}
	if s := share(KindBad); s < 0.006 || s > 0.014 {
		t.Errorf("bad share %.3f, want about 0.01", s)
	}
	for _, c := range []string{"IN", "US", "GB"} {
		if countries[c] < n/10 {
			t.Errorf("only %d ok rows from %s", countries[c], c)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := New(3).WriteCSV(&buf, 500); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(recs), 501; got != want {
		t.Fatalf("%d records, want %d", got, want)
	}
	if got, want := strings.Join(recs[0], ","), "Phone,First Name,Last Name,Email,Company,City,Country,Tags"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	g := New(3)
	for i, rec := range recs[1:] {
		r := g.Next()
		if rec[0] != r.Phone || rec[1] != r.FirstName || rec[7] != strings.Join(r.Tags, ";") {
			t.Fatalf("record %d is %q, want row %+v", i+1, rec, r)
		}
	}
}

// TestAddressesBelongToOnePerson: different people rarely share an address
// (a provider numbers the second Rahul Sharma), as in real lists; a shared
// address is a strong duplicate signal and must mean one person.
func TestAddressesBelongToOnePerson(t *testing.T) {
	g := New(1)
	owner := map[string]string{} // lower-cased address -> E.164 of its first person
	shared, withMail := 0, 0
	for i := 0; i < 100000; i++ {
		r := g.Next()
		if r.Kind != KindOK || r.Email == "" {
			continue
		}
		withMail++
		a := strings.ToLower(r.Email)
		if e, ok := owner[a]; ok && e != r.E164 {
			shared++
		}
		owner[a] = r.E164
	}
	if withMail < 80000 {
		t.Fatalf("only %d of 100000 rows have an address; the generator should give about 90%% one", withMail)
	}
	if shared > withMail/200 {
		t.Errorf("%d of %d people share an address with another person; want under 0.5%%", shared, withMail)
	}
}
