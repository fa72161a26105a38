package phone

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// TestFastTablesBuilt makes sure the fast path is on for every calling code
// and region it is meant for: a library upgrade whose patterns the
// automaton cannot model would otherwise just make Normalize slow again.
func TestFastTablesBuilt(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ft := buildFastTables()
	elapsed := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("built in %v, %.1f MB kept", elapsed, float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	runtime.KeepAlive(ft)
	if len(ft.byCC) != len(fastCallingCodes) {
		t.Fatalf("tables for %d of %d calling codes", len(ft.byCC), len(fastCallingCodes))
	}
	for _, tab := range ft.byCC {
		t.Logf("+%s: %d nodes, %d outcomes, %+v", tab.ccStr, len(tab.nodes), len(tab.outcomes), tab.stats)
		for _, f := range tab.failures {
			t.Errorf("+%s: the library disagrees within a cell: %s", tab.ccStr, f)
		}
		if tab.stats.undecided > 0 {
			t.Logf("+%s: %d cells left to the library", tab.ccStr, tab.stats.undecided)
		}
	}
	for _, r := range []string{"IN", "GB", "US", "CA"} {
		if ft.regions[r] == nil {
			t.Errorf("no fast national forms for %s", r)
		}
	}
}

// TestFastTableCells checks every decided cell (every eighth with -short)
// against the library on a random number in it: the automaton's claim that
// the library answers the same for the whole cell. The build itself asked
// the library about the cell's lowest and highest numbers for the first
// cell of each kind.
func TestFastTableCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ft := loadFastTables()
	checked, cells := 0, 0
	for _, tab := range ft.byCC {
		var walk func(node int32, prefix string)
		walk = func(node int32, prefix string) {
			for l := range tab.lenIndex {
				li := tab.lenIndex[l]
				if li < 0 || l < len(prefix) {
					continue
				}
				c := tab.nodes[node].cell[li]
				if c <= 0 {
					continue
				}
				cells++
				if testing.Short() && cells%8 != 0 {
					continue
				}
				want := tab.outcomes[c-1]
				nsn := prefix + randomDigits(rng, l-len(prefix))
				if got, ok := libraryOutcome(tab.cc, nsn); !ok || got != want {
					t.Errorf("+%s %s: library %+v (%v), table %+v", tab.ccStr, nsn, got, ok, want)
				}
				if got, ok := tab.lookup(nsn); !ok || got != want {
					t.Errorf("+%s %s: lookup %+v (%v), cell %+v", tab.ccStr, nsn, got, ok, want)
				}
				checked++
			}
			for digit, child := range tab.nodes[node].child {
				if child != 0 {
					walk(child, prefix+strconv.Itoa(digit))
				}
			}
		}
		walk(0, "")
	}
	t.Logf("checked %d of %d cells", checked, cells)
}

// TestTestLengthUnknown compares our copy of testNumberLength with the
// library's, reached through IsPossibleNumberWithReason, for every
// calling code's main region.
func TestTestLengthUnknown(t *testing.T) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	for _, md := range coll.GetMetadata() {
		cc := md.GetCountryCode()
		gd := md.GetGeneralDesc()
		if md.GetId() != phonenumbers.GetRegionCodeForCountryCode(int(cc)) ||
			gd.GetNationalNumberPattern() == "" || len(gd.GetPossibleLength()) == 0 {
			continue
		}
		for n := 1; n <= maxNSNLen; n++ {
			v, _ := strconv.ParseUint("1"+strings.Repeat("0", n-1), 10, 64)
			pn := phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &v}
			if got, want := testLengthUnknown(n, gd), phonenumbers.IsPossibleNumberWithReason(&pn); got != want {
				t.Errorf("%s, %d digits: %v, library %v", md.GetId(), n, got, want)
			}
		}
	}
}

func TestLiteralAlternatives(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"0", []string{"0"}, true},
		{"011", []string{"011"}, true},
		{"0|180020", []string{"0", "180020"}, true},
		{"0|1", []string{"0", "1"}, true},
		{"0(?:0|11)", nil, false},
		{"([2-9]\\d{6})$|1", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, ok := literalAlternatives(tt.in)
		if ok != tt.ok || strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("literalAlternatives(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
