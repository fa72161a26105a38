package phone

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestFastPathMatchesLibrary is the differential test of the fast path:
// two million generated inputs (200,000 with -short), in the written forms
// contactd sees and near misses of them, each normalized by the fast path.
// Whenever the fast path answers, the library path must accept the input
// and agree on every field. Inputs the fast path declines take the library
// path in Normalize anyway; one in 32 of all inputs goes through the
// library regardless, to measure how much the fast path takes.
//
// The library path is run as Normalize runs it: prepare, the library's
// parse, then numberFromParsed. Only the last step is memoized, per parsed
// number (it is a function of the parsed number alone, and each generated
// number is written casesPerNumber ways); the parse, which is what the
// fast path imitates, runs for every input compared. About 800,000 library
// parses are most of the test's 25-30 CPU-seconds.
func TestFastPathMatchesLibrary(t *testing.T) {
	total := 2_000_000
	if testing.Short() {
		total = 200_000
	}
	const chunk = 4000
	gen := newCaseGen(loadFastTables())

	var (
		next     atomic.Int64
		mu       sync.Mutex
		stats    = map[string]*formStats{}
		failures []string
	)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			local := map[string]*formStats{}
			var bad []string
			for {
				c := int(next.Add(1) - 1)
				if c*chunk >= total {
					break
				}
				// Each chunk has its own generator and memo, so the inputs
				// do not depend on scheduling and the memo stays small.
				rng := rand.New(rand.NewPCG(20240611, uint64(c)))
				lib := newLibraryPath()
				for i := 0; i < min(chunk, total-c*chunk); {
					for _, tc := range gen.cases(rng) {
						if msg := compareFastToLibrary(tc, lib, local, i%32 == 0); msg != "" && len(bad) < 20 {
							bad = append(bad, msg)
						}
						i++
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for form, s := range local {
				if stats[form] == nil {
					stats[form] = &formStats{}
				}
				stats[form].add(s)
			}
			failures = append(failures, bad...)
		})
	}
	wg.Wait()

	sort.Strings(failures)
	for i, f := range failures {
		if i == 20 {
			t.Errorf("... and more")
			break
		}
		t.Error(f)
	}
	all := logFormStats(t, stats)
	if all.n < total {
		t.Errorf("%d inputs checked, want %d", all.n, total)
	}

	// The fast path must actually be taken for the plain forms, or
	// Normalize is back to library speed without any test failing.
	for _, form := range []string{"e164", "intl-spaced", "intl-paren-cc", "intl-trunk-paren", "intl-trunk",
		"national-trunk", "national", "nanp-paren", "cc-without-plus", "idd-00", "idd-011"} {
		s := stats[form]
		if s == nil || s.plainValid == 0 {
			t.Errorf("form %s: no valid numbers generated", form)
			continue
		}
		// The few plain inputs it leaves are valid numbers of other calling
		// codes reached through an international prefix.
		if frac := float64(s.plainFast) / float64(s.plainValid); frac < 0.995 {
			t.Errorf("form %s: fast path took %.2f%% of valid +91/+1/+44 numbers, want 99.5%%+", form, 100*frac)
		}
	}
}

// TestFastPathFixtures runs the differential over the phone numbers found
// in the shared export fixtures, read in the regions contactd's users
// mostly pick.
func TestFastPathFixtures(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/fixtures/exports/*.csv")
	more, _ := filepath.Glob("/work/shared/fixtures/exports/*/*.csv")
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no fixtures in /work/shared/fixtures/exports")
	}
	// Digit runs with the punctuation and + people write around them.
	candidate := regexp.MustCompile(`\+?[(]?[0-9][0-9 ().-]*[0-9]`)
	lib := newLibraryPath()
	stats := map[string]*formStats{}
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range candidate.FindAllString(string(data), -1) {
			if len(Digits(m)) < 7 || seen[m] {
				continue
			}
			seen[m] = true
			for _, region := range []string{"IN", "US", "GB", ""} {
				tc := testCase{raw: m, region: region, form: "fixture/" + map[bool]string{true: "none", false: region}[region == ""]}
				if msg := compareFastToLibrary(tc, lib, stats, true); msg != "" {
					t.Error(msg)
				}
			}
		}
	}
	if len(seen) == 0 {
		t.Skip("no phone numbers in the fixtures")
	}
	t.Logf("%d distinct numbers from %d files", len(seen), len(files))
	logFormStats(t, stats)
}

type testCase struct {
	raw, region, form string
	// plain marks a +91, +1 or +44 number written in a form the fast path
	// is meant to take, read in a region it has rules for.
	plain bool
}

type formStats struct {
	n, fast, compared int
	plainValid        int // sampled plain inputs the library accepts
	plainFast         int // ... of which the fast path took
}

func (s *formStats) add(o *formStats) {
	s.n += o.n
	s.fast += o.fast
	s.compared += o.compared
	s.plainValid += o.plainValid
	s.plainFast += o.plainFast
}

func logFormStats(t *testing.T, stats map[string]*formStats) formStats {
	t.Helper()
	forms := make([]string, 0, len(stats))
	for f := range stats {
		forms = append(forms, f)
	}
	sort.Strings(forms)
	var all formStats
	line := func(name string, s *formStats) {
		t.Logf("%-26s %8d inputs, %5.1f%% fast, %8d compared with the library; plain: %7d valid, %6.2f%% fast",
			name, s.n, pct(s.fast, s.n), s.compared, s.plainValid, pct(s.plainFast, s.plainValid))
	}
	for _, f := range forms {
		all.add(stats[f])
		line(f, stats[f])
	}
	line("all", &all)
	return all
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// compareFastToLibrary normalizes tc with the fast path and, when the fast
// path answers or sampled is set, with the library path too; it counts tc
// in stats and returns a description of any disagreement. An input the
// fast path declines takes the library path in Normalize, so it needs no
// comparison; a sample of all inputs is run through the library anyway to
// measure how much of what the library accepts the fast path takes.
func compareFastToLibrary(tc testCase, lib *libraryPath, stats map[string]*formStats, sampled bool) string {
	s := stats[tc.form]
	if s == nil {
		s = &formStats{}
		stats[tc.form] = s
	}
	s.n++
	got, ok := fastOnly(tc.raw, tc.region)
	if ok {
		s.fast++
	}
	if !ok && !sampled {
		return ""
	}
	s.compared++
	want, wantErr := lib.normalize(tc.raw, tc.region)
	if sampled && tc.plain && wantErr == nil {
		s.plainValid++
		if ok {
			s.plainFast++
		}
	}
	if !ok {
		return ""
	}
	if wantErr != nil {
		return fmt.Sprintf("%s: fast path accepts %q in %q as %+v, library refuses: %v", tc.form, tc.raw, tc.region, got, wantErr)
	}
	if !equalNumber(got, want) {
		return fmt.Sprintf("%s: %q in %q:\n fast    %+v\n library %+v", tc.form, tc.raw, tc.region, got, want)
	}
	return ""
}

// fastOnly is Normalize's fast path alone.
func fastOnly(raw, region string) (Number, bool) {
	in, err := prepare(raw, region)
	if err != nil {
		return Number{}, false
	}
	return fastNormalize(in.s, in.reg)
}

// libraryPath is Normalize without the fast path, with numberFromParsed
// memoized per parsed number. Not safe for concurrent use.
type libraryPath struct {
	memo map[parsedKey]libraryResult
}

type parsedKey struct {
	cc, zeros   int32
	nsn         uint64
	leadingZero bool
}

type libraryResult struct {
	n   Number
	err error
}

func newLibraryPath() *libraryPath { return &libraryPath{memo: map[parsedKey]libraryResult{}} }

func (l *libraryPath) normalize(raw, region string) (Number, error) {
	in, perr := prepare(raw, region)
	if perr != nil {
		return Number{}, perr
	}
	var pn phonenumbers.PhoneNumber
	if perr := parse(in, &pn); perr != nil {
		return Number{}, perr
	}
	// Every field numberFromParsed reads: parse set no raw input, carrier
	// code or source, and dropped the extension.
	key := parsedKey{pn.GetCountryCode(), pn.GetNumberOfLeadingZeros(), pn.GetNationalNumber(), pn.GetItalianLeadingZero()}
	r, ok := l.memo[key]
	if !ok {
		r.n, r.err = numberFromParsed(&pn)
		l.memo[key] = r
	}
	return r.n, r.err
}

// caseGen makes test inputs: a national significant number (mostly of
// +91, +1 or +44, drawn so that valid and nearly valid numbers of every
// table cell turn up), written in one of the forms people use, sometimes
// damaged.
type caseGen struct {
	ft     *fastTables
	live   map[*ccTable][]uint32 // per node: length indexes with a decided cell at or below it
	others []string
}

func newCaseGen(ft *fastTables) *caseGen {
	g := &caseGen{ft: ft, live: map[*ccTable][]uint32{}, others: []string{"49", "61", "7", "33", "353", "880", "971", "86", "800", "1"}}
	for _, tab := range ft.byCC {
		live := make([]uint32, len(tab.nodes))
		var walk func(n int32) uint32
		walk = func(n int32) uint32 {
			var m uint32
			for li, c := range tab.nodes[n].cell {
				if c > 0 {
					m |= 1 << li
				}
			}
			for _, ch := range tab.nodes[n].child {
				if ch != 0 {
					m |= walk(ch)
				}
			}
			live[n] = m
			return m
		}
		walk(0)
		g.live[tab] = live
	}
	return g
}

var homeRegion = map[string]string{"91": "IN", "1": "US", "44": "GB"}

var anyRegions = []string{"IN", "GB", "US", "CA", "JE", "BS", "", "in", " us ", "gb", "XX", "DE", "AU", "ZZ", "001"}

// casesPerNumber is how many written forms each generated number gets:
// the library's work after parsing is then done once for all of them.
const casesPerNumber = 8

// cases returns one number written casesPerNumber ways.
func (g *caseGen) cases(rng *rand.Rand) []testCase {
	cc, nsn := g.base(rng)
	out := make([]testCase, casesPerNumber)
	for i := range out {
		out[i] = g.write(rng, cc, nsn)
		if rng.IntN(8) == 0 {
			out[i] = damage(rng, out[i])
		}
	}
	return out
}

// base returns a calling code and national significant number.
func (g *caseGen) base(rng *rand.Rand) (cc, nsn string) {
	var tab *ccTable
	switch r := rng.IntN(100); {
	case r < 40:
		cc = "91"
	case r < 70:
		cc = "1"
	case r < 95:
		cc = "44"
	default:
		cc = g.others[rng.IntN(len(g.others))]
		return cc, randomDigits(rng, 6+rng.IntN(8))
	}
	for _, t := range g.ft.byCC {
		if t.ccStr == cc {
			tab = t
		}
	}
	if tab == nil {
		return cc, randomDigits(rng, 10)
	}
	switch k := rng.IntN(20); {
	case k < 8:
		nsn = g.tableWalk(rng, tab)
	case k < 12:
		nsn = commonShape(rng, cc)
	case k < 13:
		nsn = randomDigits(rng, 7+rng.IntN(7))
	case k < 14:
		// Prefixes where parsing takes unusual turns: national prefixes
		// (GB's 180020), leading zeros, the calling code itself, shared
		// +44 and +1 regions, short codes.
		p := edgePrefixes[cc][rng.IntN(len(edgePrefixes[cc]))]
		nsn = p + randomDigits(rng, max(0, 8+rng.IntN(5)-len(p)))
	default:
		nsn = mutate(rng, g.tableWalk(rng, tab))
	}
	if len(nsn) >= 6 && rng.IntN(7) == 0 {
		nsn = nsn[:len(nsn)-4] + []string{"0000", "9999", "0001", "9990"}[rng.IntN(4)]
	}
	return cc, nsn
}

// tableWalk draws a number by walking the table from the root, mostly
// towards decided cells, then filling the rest at random.
func (g *caseGen) tableWalk(rng *rand.Rand, tab *ccTable) string {
	var lens []int
	for l, li := range tab.lenIndex {
		if li >= 0 {
			lens = append(lens, l)
		}
	}
	l := lens[rng.IntN(len(lens))]
	li := tab.lenIndex[l]
	live := g.live[tab]
	var b strings.Builder
	node := int32(0)
	for b.Len() < l && tab.nodes[node].cell[li] == cellDescend {
		var good, any []int
		for digit, ch := range tab.nodes[node].child {
			if ch == 0 {
				continue
			}
			any = append(any, digit)
			if live[ch]&(1<<li) != 0 {
				good = append(good, digit)
			}
		}
		if len(any) == 0 {
			break
		}
		pick := any
		if len(good) > 0 && rng.IntN(5) != 0 {
			pick = good
		}
		digit := pick[rng.IntN(len(pick))]
		b.WriteByte(byte('0' + digit))
		node = tab.nodes[node].child[digit]
	}
	b.WriteString(randomDigits(rng, l-b.Len()))
	return b.String()
}

var edgePrefixes = map[string][]string{
	"91": {"000800", "00", "0", "1800", "1860", "140", "575", "91", "9191", "11", "0091"},
	"44": {"180020", "1800", "800", "8001111", "845464", "76", "70", "56", "1481", "1534", "1624", "7781", "7624", "44", "0", "00"},
	"1":  {"800", "310", "345", "242", "1", "11", "5", "555", "600", "900", "52", "0", "011", "212555"},
}

func commonShape(rng *rand.Rand, cc string) string {
	d := func(n int) string { return randomDigits(rng, n) }
	one := func(set string) string { return string(set[rng.IntN(len(set))]) }
	switch cc {
	case "91":
		switch rng.IntN(4) {
		case 0, 1:
			return one("6789") + d(9) // mobile
		case 2:
			return []string{"11", "22", "33", "40", "44", "80"}[rng.IntN(6)] + one("234567") + d(7)
		default:
			return one("12345") + d(9)
		}
	case "1":
		switch rng.IntN(4) {
		case 0:
			return []string{"800", "888", "877", "900"}[rng.IntN(4)] + one("23456789") + d(6)
		default:
			return one("23456789") + d(2) + one("23456789") + d(6)
		}
	default:
		switch rng.IntN(3) {
		case 0:
			return "7" + d(9)
		case 1:
			return "20" + d(8)
		default:
			return one("123") + d(9)
		}
	}
}

// mutate makes a near miss: a digit dropped, added or changed.
func mutate(rng *rand.Rand, s string) string {
	if s == "" {
		return s
	}
	i := rng.IntN(len(s))
	digit := string(rune('0' + rng.IntN(10)))
	switch rng.IntN(3) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + digit + s[i:]
	default:
		return s[:i] + digit + s[i+1:]
	}
}

// group writes digits in groups separated the way people do.
func group(rng *rand.Rand, s string) string {
	if len(s) < 4 || rng.IntN(4) == 0 {
		return s
	}
	sep := []string{" ", "-", ".", " - ", "  "}[rng.IntN(5)]
	var parts []string
	for len(s) > 0 {
		n := min(len(s), 2+rng.IntN(4))
		parts = append(parts, s[:n])
		s = s[n:]
	}
	if len(parts) > 1 && rng.IntN(6) == 0 {
		parts[0] = "(" + parts[0] + ")"
	}
	return strings.Join(parts, sep)
}

func (g *caseGen) write(rng *rand.Rand, cc, nsn string) testCase {
	home := homeRegion[cc]
	fastCC := home != ""
	if !fastCC {
		home = anyRegions[rng.IntN(len(anyRegions))]
	}
	if cc == "1" && rng.IntN(5) == 0 {
		home = "CA"
	}
	region := home
	if rng.IntN(7) == 0 {
		region = anyRegions[rng.IntN(len(anyRegions))]
	}
	anyRegion := anyRegions[rng.IntN(len(anyRegions))]
	trunk := "0"
	if cc == "1" {
		trunk = "1"
	}
	sep := []string{" ", "-", ".", ""}[rng.IntN(4)]
	maybe := func(s string) string { // a trunk prefix where none belongs, now and then
		if rng.IntN(6) == 0 {
			return s
		}
		return ""
	}
	intl := func(raw, form string) testCase { return testCase{raw, anyRegion, form, fastCC} }
	nat := func(raw, form string) testCase {
		_, ok := map[string]bool{"IN": true, "GB": true, "US": true, "CA": true}[region]
		return testCase{raw, region, form, fastCC && ok}
	}
	switch rng.IntN(14) {
	case 0, 1:
		return intl("+"+cc+nsn, "e164")
	case 2:
		return intl("+"+cc+sep+group(rng, nsn), "intl-spaced")
	case 3:
		return intl("(+"+cc+") "+group(rng, nsn), "intl-paren-cc")
	case 4:
		return intl("+"+cc+" ("+trunk+")"+[]string{"", " "}[rng.IntN(2)]+group(rng, nsn), "intl-trunk-paren")
	case 5:
		return intl("+"+cc+sep+trunk+group(rng, nsn), "intl-trunk")
	case 6:
		return nat(trunk+group(rng, nsn), "national-trunk")
	case 7, 8:
		return nat(group(rng, nsn), "national")
	case 9:
		if len(nsn) == 10 {
			return nat("("+nsn[:3]+") "+nsn[3:6]+"-"+nsn[6:], "nanp-paren")
		}
		return nat(group(rng, nsn), "national")
	case 10:
		return nat(cc+sep+maybe(trunk)+group(rng, nsn), "cc-without-plus")
	case 11:
		region = []string{"IN", "GB", "", home, "XX"}[rng.IntN(5)]
		// With no region or an unknown one, Normalize makes 00 a +.
		return testCase{"00" + sep + cc + sep + maybe(trunk) + group(rng, nsn), region, "idd-00", fastCC && region != "US" && region != "CA"}
	case 12:
		region = []string{"US", "CA"}[rng.IntN(2)]
		return nat("011"+sep+cc+sep+maybe(trunk)+group(rng, nsn), "idd-011")
	default:
		// International prefixes of the wrong region, and 00 spaced out.
		switch rng.IntN(3) {
		case 0:
			return testCase{"00" + cc + nsn, []string{"US", "CA"}[rng.IntN(2)], "idd-wrong", false}
		case 1:
			return testCase{"011" + cc + nsn, []string{"GB", "IN", ""}[rng.IntN(3)], "idd-wrong", false}
		default:
			return testCase{"0 0" + cc + " " + nsn, region, "idd-wrong", false}
		}
	}
}

// damage spoils a written number the ways real rows are spoilt.
func damage(rng *rand.Rand, tc testCase) testCase {
	s := tc.raw
	i := rng.IntN(len(s) + 1)
	insert := func(x string) string { return s[:i] + x + s[i:] }
	switch rng.IntN(16) {
	case 0:
		s = insert(string(rune('a' + rng.IntN(26))))
	case 1:
		s = insert("ABC")
	case 2:
		s += []string{" ext 12", " x12", ";ext=7", " #", "#", ",,3"}[rng.IntN(6)]
	case 3:
		s = "tel:" + s
	case 4:
		s = "+" + s
	case 5:
		s = insert("+")
	case 6:
		s = insert("/")
	case 7:
		s = insert("\t")
	case 8:
		s = insert(")")
	case 9:
		s = "*" + s
	case 10:
		s = insert(strings.Repeat(" ", 240+rng.IntN(30)))
	case 11:
		s = strings.Replace(s, "9", "९", 1)
	case 12:
		s = insert("\u00a0")
	case 13:
		s = strings.Replace(s, "+", "\uFF0B", 1)
	case 14:
		s = insert("-")
	default:
		s = insert(string(rune('0' + rng.IntN(10))))
	}
	return testCase{s, tc.region, tc.form + "+damaged", false}
}

// TestFastPathExamples spot-checks the forms in the brief through Normalize
// itself, so a refactoring that unplugs the fast path shows here too.
func TestFastPathExamples(t *testing.T) {
	tests := []struct{ raw, region string }{
		{"+919900000001", ""},
		{"+91 99000-00001", ""},
		{"(212) 555-1234", "US"},
		{"09900000001", "IN"},
		{"07400 123456", "GB"},
		{"9900000001", "IN"},
		{"0091 99000 00001", "IN"},
		{"00 44 7400 123456", "GB"},
		{"011 44 7400 123456", "US"},
		{"+44 (0)7400 123456", ""},
		{"+44 20 7946 0958", ""},
		{"022 2345 6789", "IN"},
		{"1-212-555-1234", "US"},
		{"91 9900000001", "IN"},
	}
	lib := newLibraryPath()
	for _, tt := range tests {
		got, ok := fastOnly(tt.raw, tt.region)
		if !ok {
			t.Errorf("fast path declines %q in %q", tt.raw, tt.region)
			continue
		}
		want, err := lib.normalize(tt.raw, tt.region)
		if err != nil || !equalNumber(got, want) {
			t.Errorf("%q in %q: fast %+v, library %+v, %v", tt.raw, tt.region, got, want, err)
		}
		if n, err := Normalize(tt.raw, tt.region); err != nil || !equalNumber(n, want) {
			t.Errorf("Normalize(%q, %q) = %+v, %v", tt.raw, tt.region, n, err)
		}
	}
	// Forms the fast path must leave to the library.
	for _, tt := range []struct{ raw, region string }{
		{"+91 12345", ""},                                     // invalid: the library words the error
		{"1-800-FLOWERS", "US"},                               // letters
		{"+1 212 555 1234 x12", ""},                           // extension
		{"tel:+919900000001", ""},                             // URI
		{"+800 1234 5678", ""},                                // other calling code
		{"+49 30 123456", ""},                                 // other calling code
		{"9900000001", ""},                                    // no region
		{"++919900000001", ""},                                // two pluses
		{"+91 99000 00001 / 2", ""},                           // slash
		{"0000800 1234567", "IN"},                             // NSN with a leading zero
		{"242 357 1234", "BS"},                                // region whose parsing rule rewrites numbers
		{"+44 7400 123456", ""},                               // no-break space
		{"+91" + strings.Repeat(" ", 250) + "9900000001", ""}, // longer than the library reads
	} {
		if n, ok := fastOnly(tt.raw, tt.region); ok {
			t.Errorf("fast path answers %q in %q: %+v", tt.raw, tt.region, n)
		}
	}
}
