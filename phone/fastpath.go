package phone

import (
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The fast path answers Normalize for the numbers contactd mostly sees
// (India, North America, the UK) in their usual written forms without
// calling the library's regexp-heavy parse, type, region and format code,
// which costs 40-90 µs a number. It gives exactly the library path's
// answer or none at all: anything it is not sure of (other calling codes,
// letters, extensions, tel: URIs, non-ASCII punctuation, invalid numbers,
// which need the library's error message) goes to the library.
//
// It has two halves:
//
//   - fastNormalize repeats the library's parsing decisions for input made
//     only of digits, a leading +, and the separators " -.()": where an
//     international prefix, country code or national prefix ends, with
//     each region's rules copied out of the metadata (regionRules).
//   - ccTable then says whether the national significant number is valid
//     and what its region, type and national form are.
//
// TestFastPathMatchesLibrary holds the two paths to the same answers over
// millions of generated numbers; FuzzNormalize over whatever it finds.

// fastCallingCodes are the calling codes the fast path handles.
var fastCallingCodes = []int{91, 1, 44}

type fastTables struct {
	byCC    []*ccTable
	regions map[string]*regionRules // regions of those calling codes, for national forms
}

// loadFastTables builds the tables on first use (about 0.1 s: automaton
// construction plus some five hundred library calls, and 4 MB kept), so
// programs that never normalize a number do not pay for them.
var loadFastTables = sync.OnceValue(buildFastTables)

// Warm builds the fast path's tables now rather than in the first call to
// Normalize, so a server can pay for them at start-up instead of in its
// first request. Calling it is optional.
func Warm() { loadFastTables() }

func buildFastTables() (ft *fastTables) {
	// A panic here would be repeated by sync.OnceValue on every call and
	// so fail every Normalize; without tables everything still works,
	// through the library.
	defer func() {
		if recover() != nil {
			ft = &fastTables{regions: map[string]*regionRules{}}
		}
	}()
	ft = &fastTables{regions: map[string]*regionRules{}}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return ft // no tables: everything takes the library path
	}
	for _, cc := range fastCallingCodes {
		ccStr := strconv.Itoa(cc)
		// extractCountryCode takes the first prefix of one to three digits
		// that is a calling code; ccStr must be the first for its numbers.
		shadowed := false
		for i := 1; i < len(ccStr); i++ {
			p, _ := strconv.Atoi(ccStr[:i])
			if len(phonenumbers.GetRegionCodesForCountryCode(p)) > 0 {
				shadowed = true
			}
		}
		if shadowed {
			continue
		}
		t, err := buildCCTable(cc, coll)
		if err != nil {
			continue
		}
		ft.byCC = append(ft.byCC, t)
		for _, md := range t.regions {
			if md.GetId() == t.main.region {
				ft.regions[md.GetId()] = t.main
				continue
			}
			if r, err := newRegionRules(md, t); err == nil {
				ft.regions[md.GetId()] = r
			}
		}
	}
	return ft
}

// fastNormalize returns what Normalize's library path returns for s read
// in region, when it can be sure of it; ok false means "ask the library".
// s and region are what Normalize hands the library: trimmed, digits made
// ASCII, region upper-cased and "" when unknown (a leading 00 then already
// became +).
func fastNormalize(s, region string) (n Number, ok bool) {
	// The library refuses longer input outright, spaces or not.
	if len(s) > phonenumbers.MAX_INPUT_STRING_LENGTH {
		return Number{}, false
	}
	var buf [maxFastDigits]byte
	digits := 0
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			if digits == len(buf) {
				return Number{}, false
			}
			buf[digits] = c
			digits++
		case '+':
			// The library skips whatever precedes the first + or digit, so
			// "(+91)" reads as "+91"; a second + or one after a digit
			// makes it refuse the number or read it otherwise.
			if plus || digits > 0 {
				return Number{}, false
			}
			plus = true
		case ' ', '-', '.', '(', ')':
			// Punctuation the library drops. None of it can start an
			// extension, which needs a letter, '#', ',' or ';'.
		default:
			return Number{}, false
		}
	}
	ft := loadFastTables()
	d := string(buf[:digits])
	if plus {
		return ft.international(d)
	}
	r := ft.regions[region]
	if r == nil {
		return Number{}, false
	}
	return ft.national(r, d)
}

// international handles the digits after + or an international prefix:
// the library's extractCountryCode, then the national number under the
// calling code's main region's rules.
func (ft *fastTables) international(d string) (Number, bool) {
	if len(d) <= phonenumbers.MIN_LENGTH_FOR_NSN {
		return Number{}, false // the library's "too short after IDD"
	}
	for _, t := range ft.byCC {
		if len(d) > len(t.ccStr) && d[:len(t.ccStr)] == t.ccStr {
			return t.number(t.main.nationalNumber(d[len(t.ccStr):]))
		}
	}
	return Number{}, false
}

// national handles digits written without + in region r: the library's
// maybeExtractCountryCode and parseHelper for a default region.
func (ft *fastTables) national(r *regionRules, d string) (Number, bool) {
	// An international prefix counts as one unless a 0 follows it
	// (calling codes never start with 0).
	if len(d) >= len(r.idd) && d[:len(r.idd)] == r.idd {
		if len(d) == len(r.idd) || d[len(r.idd)] != '0' {
			return ft.international(d[len(r.idd):])
		}
	}
	t := r.cc
	// "91 99000 00001" read in IN: the library drops a leading country
	// code when the number did not fit the region's general pattern but
	// the rest does, or when the number is too long for the region.
	if len(d) > len(t.ccStr) && d[:len(t.ccStr)] == t.ccStr {
		rest := r.stripNationalPrefix(d[len(t.ccStr):])
		if (!r.general.match(d) && r.general.match(rest)) || r.lengthResult(len(d)) == phonenumbers.TOO_LONG {
			// The calling code is now explicit, so the library switches
			// to the main region's metadata (US for a number read in CA).
			return t.number(t.main.nationalNumber(rest))
		}
	}
	return t.number(r.nationalNumber(d))
}

// number looks nsn up and builds the Number the library path would.
func (t *ccTable) number(nsn string) (Number, bool) {
	out, ok := t.lookup(nsn)
	if !ok {
		return Number{}, false
	}
	e164 := "+" + t.ccStr + nsn
	nat := nsn
	if out.nationalPrefix != "" {
		nat = out.nationalPrefix + nsn
	}
	return Number{
		E164:      e164,
		Country:   out.country,
		Type:      out.typ,
		TimeZones: timeZones(e164), // a map lookup in the library, exact and cheap
		National:  nat,
	}, true
}
