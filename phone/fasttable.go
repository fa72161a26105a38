package phone

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ccTable answers, for the national significant numbers (NSNs) of one
// calling code, what Normalize's library path would: valid or not, the
// region, the type and the shape of the national form. It is a trie over
// the NSN's leading digits with, at each node, one cell per possible
// length. A cell either holds the outcome shared by every number of that
// length under the node's prefix, says "look at the next digit", or says
// "not decided here" (the fast path then defers to the library).
//
// A cell is only filled when every pattern the library consults for such a
// number (every region's leading digits and type patterns with their
// lengths, every format's pattern and leading digits) gives the same
// answer for every number under the prefix, which digitDFA.outcomes
// decides exactly. The library's answers are then a function of those
// pattern answers, so asking it about one representative number settles
// the whole cell. Time zones are not in the table: they are looked up per
// number (see fastNormalize).
type ccTable struct {
	cc       int32
	ccStr    string
	main     *regionRules                  // the calling code's main region (US for +1)
	lenIndex [maxNSNLen + 1]int8           // NSN length -> cell index, -1 if no valid number has it
	nodes    []tableNode                   // nodes[0] is the root
	outcomes []fastOutcome                 // cell value k > 0 is outcomes[k-1]
	stats    tableStats                    // reported by TestFastTablesBuilt
	failures []string                      // representative disagreements (must stay empty)
	regions  []*phonenumbers.PhoneMetadata // the calling code's regions, in the library's order
}

// maxNSNLen is the library's MAX_LENGTH_FOR_NSN.
const maxNSNLen = 17

// maxTableLens bounds the distinct NSN lengths of one calling code (India
// has six: 8 to 13).
const maxTableLens = 8

// maxTableDepth bounds how many leading digits the trie looks at; cells
// whose patterns still disagree deeper than this are left to the library.
// With phonenumbers v1.8.1 no +91, +1 or +44 cell needs more than eight
// (TestFastTablesBuilt logs any that would).
const maxTableDepth = 8

// A cell is cellUndecided, cellDescend, or k > 0 for outcomes[k-1].
const (
	cellUndecided int16 = 0  // the fast path defers
	cellDescend   int16 = -1 // look at the next digit
)

// maxOutcomes keeps outcome numbers within a cell's int16.
const maxOutcomes = 1<<15 - 1

type tableNode struct {
	child [10]int32 // 0: no child (the root is never a child)
	cell  [maxTableLens]int16
}

// fastOutcome is what a cell decides.
type fastOutcome struct {
	country string // Number.Country
	typ     string // Number.Type
	// nationalPrefix is what Number.National has before the NSN: "0" for
	// most Indian and British numbers, "" for NANP numbers and Indian
	// toll-free ones. Cells whose national form is anything other than a
	// fixed prefix followed by the NSN are left undecided.
	nationalPrefix string
}

type tableStats struct {
	nodes, cells, undecided, invalid, libraryCalls int
}

// lookup returns the outcome for nsn, or false when the table does not
// decide it (invalid numbers included: the library explains those).
func (t *ccTable) lookup(nsn string) (fastOutcome, bool) {
	if len(nsn) > maxNSNLen || nsn == "" || nsn[0] == '0' {
		// A leading zero makes the library set Italian-leading-zero
		// fields; no number the table holds has one.
		return fastOutcome{}, false
	}
	li := t.lenIndex[len(nsn)]
	if li < 0 {
		return fastOutcome{}, false
	}
	n := int32(0)
	for i := 0; ; i++ {
		switch c := t.nodes[n].cell[li]; {
		case c > 0:
			return t.outcomes[c-1], true
		case c == cellUndecided || i == len(nsn):
			return fastOutcome{}, false
		}
		if n = t.nodes[n].child[nsn[i]-'0']; n == 0 {
			return fastOutcome{}, false
		}
	}
}

// decidesNothing reports a node without children or outcomes.
func (n *tableNode) decidesNothing() bool {
	for _, c := range n.child {
		if c != 0 {
			return false
		}
	}
	for _, c := range n.cell {
		if c > 0 {
			return false
		}
	}
	return true
}

// tableTest is one pattern the library may consult, with the lengths it
// applies to (isNumberMatchingDesc checks the desc's possible lengths
// first); lengths nil means every length.
type tableTest struct {
	dfa     *digitDFA
	lengths []int32
}

func (t tableTest) appliesTo(n int) bool {
	if t.lengths == nil {
		return true
	}
	for _, l := range t.lengths {
		if int(l) == n {
			return true
		}
	}
	return false
}

// tableBuilder fills a ccTable.
type tableBuilder struct {
	t       *ccTable
	tests   []tableTest
	general []int // index in tests of each region's general description
	lens    []int // NSN length of each cell index
	memo    map[string]int16
	prefix  []byte
	bits    []uint64
}

// buildCCTable builds the table for calling code cc from the library's
// metadata. It fails when some pattern cannot be turned into a digitDFA.
func buildCCTable(cc int, coll *phonenumbers.PhoneMetadataCollection) (*ccTable, error) {
	t := &ccTable{cc: int32(cc), ccStr: strconv.Itoa(cc)}
	byID := map[string]*phonenumbers.PhoneMetadata{}
	for _, md := range coll.GetMetadata() {
		if md.GetCountryCode() == int32(cc) {
			byID[md.GetId()] = md
		}
	}
	b := &tableBuilder{t: t, memo: map[string]int16{}}
	dfas := map[string]*digitDFA{}
	addTest := func(pattern string, prefix bool, lengths []int32) (int, error) {
		key := strconv.FormatBool(prefix) + pattern
		d, ok := dfas[key]
		if !ok {
			var err error
			if d, err = newDigitDFA(pattern, prefix); err != nil {
				return 0, err
			}
			dfas[key] = d
		}
		b.tests = append(b.tests, tableTest{dfa: d, lengths: lengths})
		return len(b.tests) - 1, nil
	}
	lengthSet := map[int]bool{}
	for _, region := range phonenumbers.GetRegionCodesForCountryCode(cc) {
		md := byID[region]
		if md == nil {
			return nil, errRulesNotLiteral
		}
		t.regions = append(t.regions, md)
		if ld := md.GetLeadingDigits(); ld != "" {
			if _, err := addTest(ld, true, nil); err != nil {
				return nil, err
			}
		}
		descs := []*phonenumbers.PhoneNumberDesc{
			md.GetGeneralDesc(), md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(),
			md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(),
			md.GetVoicemail(), md.GetFixedLine(), md.GetMobile(),
		}
		for i, desc := range descs {
			if desc == nil {
				continue
			}
			var lengths []int32
			if pl := desc.GetPossibleLength(); len(pl) > 0 {
				lengths = pl // [-1] excludes every length
			}
			k, err := addTest(desc.GetNationalNumberPattern(), false, lengths)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				b.general = append(b.general, k)
				for _, l := range desc.GetPossibleLength() {
					if l > 0 && l <= maxNSNLen {
						lengthSet[int(l)] = true
					}
				}
			}
		}
	}
	mainMD := byID[phonenumbers.GetRegionCodeForCountryCode(cc)]
	if mainMD == nil {
		return nil, errRulesNotLiteral
	}
	formats := mainMD.GetNumberFormat()
	if fixed, ok := nationalFormatFixes[int32(cc)]; ok {
		formats = fixed
	}
	for _, f := range formats {
		if _, err := addTest(f.GetPattern(), false, nil); err != nil {
			return nil, err
		}
		if ldp := f.GetLeadingDigitsPattern(); len(ldp) > 0 {
			if _, err := addTest(ldp[len(ldp)-1], true, nil); err != nil {
				return nil, err
			}
		}
	}
	var err error
	if t.main, err = newRegionRules(mainMD, t); err != nil {
		return nil, err
	}

	for i := range t.lenIndex {
		t.lenIndex[i] = -1
	}
	for l := 1; l <= maxNSNLen; l++ {
		if lengthSet[l] {
			if len(b.lens) == maxTableLens {
				return nil, errRulesNotLiteral
			}
			t.lenIndex[l] = int8(len(b.lens))
			b.lens = append(b.lens, l)
		}
	}
	b.bits = make([]uint64, (len(b.tests)+63)/64)

	states := make([]int32, len(b.tests))
	live := make([]int, 0, len(b.tests))
	for i, test := range b.tests {
		states[i] = test.dfa.start()
		if states[i] != 0 {
			live = append(live, i)
		}
	}
	open := uint32(1)<<len(b.lens) - 1
	t.nodes = append(t.nodes, tableNode{})
	b.explore(0, states, live, open)
	return t, nil
}

// explore fills node, whose prefix is b.prefix and whose tests are in
// states (live lists the tests not yet dead), for the length indexes in
// open.
func (b *tableBuilder) explore(node int32, states []int32, live []int, open uint32) {
	t := b.t
	t.stats.nodes++
	depth := len(b.prefix)
	var descend uint32
	for li, l := range b.lens {
		if open&(1<<li) == 0 {
			continue
		}
		t.stats.cells++
		cell, mixed := b.decide(states, live, l, l-depth)
		if mixed {
			if depth >= maxTableDepth {
				t.stats.undecided++
				cell = cellUndecided
			} else {
				descend |= 1 << li
				cell = cellDescend
			}
		}
		t.nodes[node].cell[li] = cell
	}
	if descend == 0 {
		return
	}
	childStates := make([]int32, len(states))
	childLive := make([]int, 0, len(live))
	for digit := range 10 {
		if depth == 0 && digit == 0 {
			continue // see lookup: no leading zeros
		}
		childLive = childLive[:0]
		for _, i := range live {
			childStates[i] = b.tests[i].dfa.next[states[i]][digit]
			if childStates[i] != 0 {
				childLive = append(childLive, i)
			}
		}
		child := int32(len(t.nodes))
		t.nodes = append(t.nodes, tableNode{})
		t.nodes[node].child[digit] = child
		b.prefix = append(b.prefix, byte('0'+digit))
		// Dead tests keep stale entries in childStates; explore only
		// reads the live ones. Both slices are reused for the next digit
		// once the child is done with them.
		b.explore(child, childStates, childLive, descend)
		b.prefix = b.prefix[:depth]
		if t.nodes[child].decidesNothing() {
			// Nothing decided under this digit: lookup defers on a missing
			// child just the same. With no children left, the child is
			// the last node added.
			t.nodes = t.nodes[:child]
			t.nodes[node].child[digit] = 0
		}
	}
}

// decide evaluates every test for numbers of length l under the current
// prefix (rem digits still to come). mixed reports that some test's answer
// depends on those digits; otherwise cell is the outcome.
func (b *tableBuilder) decide(states []int32, live []int, l, rem int) (cell int16, mixed bool) {
	clear(b.bits)
	for _, i := range live {
		test := b.tests[i]
		if !test.appliesTo(l) {
			continue
		}
		switch test.dfa.outcomes(states[i], rem) {
		case someMatch | someMiss:
			return 0, true
		case someMatch:
			b.bits[i/64] |= 1 << (i % 64)
		}
	}
	anyGeneral := false
	for _, g := range b.general {
		if b.bits[g/64]&(1<<(g%64)) != 0 {
			anyGeneral = true
		}
	}
	if !anyGeneral {
		// No region's general description matches: the library finds no
		// type, so the number is invalid.
		b.t.stats.invalid++
		return cellUndecided, false
	}
	key := make([]byte, 0, 8*len(b.bits)+1)
	key = append(key, byte(l))
	for _, w := range b.bits {
		for k := range 8 {
			key = append(key, byte(w>>(8*k)))
		}
	}
	if c, ok := b.memo[string(key)]; ok {
		return c, false
	}
	c := b.ask(l)
	b.memo[string(key)] = c
	return c, false
}

// ask gets the outcome of the current cell from the library, for the
// lowest and the highest number in it; they must agree, else the cell is
// left undecided and the disagreement recorded (TestFastTablesBuilt
// fails on any).
func (b *tableBuilder) ask(l int) int16 {
	t := b.t
	lo := string(b.prefix) + strings.Repeat("0", l-len(b.prefix))
	hi := string(b.prefix) + strings.Repeat("9", l-len(b.prefix))
	o1, ok1 := libraryOutcome(t.cc, lo)
	o2, ok2 := libraryOutcome(t.cc, hi)
	t.stats.libraryCalls += 2
	if ok1 != ok2 || o1 != o2 {
		t.failures = append(t.failures, "+"+t.ccStr+" "+lo+" and "+hi)
		return cellUndecided
	}
	if !ok1 {
		t.stats.invalid++
		return cellUndecided
	}
	for i, o := range t.outcomes {
		if o == o1 {
			return int16(i + 1)
		}
	}
	if len(t.outcomes) == maxOutcomes {
		return cellUndecided
	}
	t.outcomes = append(t.outcomes, o1)
	return int16(len(t.outcomes))
}

// libraryOutcome asks the library what Normalize's slow path would report
// for the number with calling code cc and national significant number nsn
// (no leading zero). ok is false when the number is invalid or its
// national form is not a fixed prefix followed by nsn.
func libraryOutcome(cc int32, nsn string) (fastOutcome, bool) {
	v, err := strconv.ParseUint(nsn, 10, 64)
	if err != nil {
		return fastOutcome{}, false
	}
	pn := phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &v}
	typ := phonenumbers.GetNumberType(&pn)
	if typ == phonenumbers.UNKNOWN {
		return fastOutcome{}, false
	}
	country := phonenumbers.GetRegionCodeForNumber(&pn)
	if country == nonGeoRegion {
		country = ""
	}
	nat := national(&pn)
	prefix, ok := strings.CutSuffix(nat, nsn)
	if !ok {
		return fastOutcome{}, false
	}
	return fastOutcome{country: country, typ: typeName(typ), nationalPrefix: prefix}, true
}
