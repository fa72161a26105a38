package phone

import (
	"errors"
	"regexp/syntax"

	"github.com/nyaruka/phonenumbers"
)

// regionRules is what the fast path needs to repeat the library's parsing
// decisions for numbers read in one region, or for the national part of
// numbers of the calling code whose main region it is: each is a copy of
// that region's metadata in a form that costs no regexp call.
type regionRules struct {
	region string
	cc     *ccTable
	// idd is the international prefix ("00", "011"). The library reads
	// the number as international when the digits start with it and the
	// digit after it is not 0.
	idd string
	// nationalPrefixes are the alternatives of the region's national
	// prefix for parsing, in the pattern's order, which is the order the
	// library's leftmost-first match tries them: GB's "0|180020".
	nationalPrefixes []string
	// general is the general description's pattern: the library keeps a
	// national prefix when stripping it turns a number matching this into
	// one that does not, and strips a country code written without + only
	// when that makes the number match it.
	general *digitDFA
	// lengths is the library's testNumberLength(·, metadata, UNKNOWN)
	// for every length the fast path handles.
	lengths [maxFastDigits + 1]phonenumbers.ValidationResult
}

// maxFastDigits bounds the digits the fast path reads: the library's
// longest national number (17) plus a three-digit IDD and a three-digit
// country code leaves room to spare.
const maxFastDigits = 24

var errRulesNotLiteral = errors.New("phone: region's parsing rules are not plain digit strings")

func newRegionRules(md *phonenumbers.PhoneMetadata, cc *ccTable) (*regionRules, error) {
	if md.GetNationalPrefixTransformRule() != "" {
		return nil, errRulesNotLiteral // the library rewrites the prefix instead of dropping it
	}
	r := &regionRules{region: md.GetId(), cc: cc}
	idd, ok := literalAlternatives(md.GetInternationalPrefix())
	if !ok || len(idd) != 1 {
		return nil, errRulesNotLiteral
	}
	r.idd = idd[0]
	if npp := md.GetNationalPrefixForParsing(); npp != "" {
		if r.nationalPrefixes, ok = literalAlternatives(npp); !ok {
			return nil, errRulesNotLiteral
		}
	}
	gd := md.GetGeneralDesc()
	var err error
	if r.general, err = newDigitDFA(gd.GetNationalNumberPattern(), false); err != nil {
		return nil, err
	}
	if len(gd.GetPossibleLength()) == 0 {
		return nil, errRulesNotLiteral // the library indexes [0] of it
	}
	for n := range r.lengths {
		r.lengths[n] = testLengthUnknown(n, gd)
	}
	return r, nil
}

// literalAlternatives returns the alternatives of pattern when it is a
// digit string or an alternation of digit strings; ok is false for
// anything else, which the fast path then does not try to imitate.
func literalAlternatives(pattern string) (alts []string, ok bool) {
	if pattern == "" {
		return nil, false
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	lit := func(re *syntax.Regexp) (string, bool) {
		if re.Op != syntax.OpLiteral || re.Flags&syntax.FoldCase != 0 {
			return "", false
		}
		for _, c := range re.Rune {
			if c < '0' || c > '9' {
				return "", false
			}
		}
		return string(re.Rune), true
	}
	switch re.Op {
	case syntax.OpLiteral:
		s, ok := lit(re)
		return []string{s}, ok
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, ok := lit(sub)
			if !ok {
				return nil, false
			}
			alts = append(alts, s)
		}
		return alts, true
	case syntax.OpCharClass:
		// The parser turns "0|1" into [01]: single digits, so order does
		// not matter.
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
				if c < '0' || c > '9' {
					return nil, false
				}
				alts = append(alts, string(c))
			}
		}
		return alts, true
	}
	return nil, false
}

// testLengthUnknown is the library's testNumberLength(number, metadata,
// UNKNOWN) for a number of n digits: it depends on nothing but the length
// and the general description's lengths. TestTestLengthUnknown compares
// it with IsPossibleNumberWithReason.
func testLengthUnknown(n int, gd *phonenumbers.PhoneNumberDesc) phonenumbers.ValidationResult {
	possible, local := gd.GetPossibleLength(), gd.GetPossibleLengthLocalOnly()
	if possible[0] == -1 {
		return phonenumbers.INVALID_LENGTH
	}
	for _, l := range local {
		if int(l) == n {
			return phonenumbers.IS_POSSIBLE_LOCAL_ONLY
		}
	}
	switch {
	case int(possible[0]) == n:
		return phonenumbers.IS_POSSIBLE
	case int(possible[0]) > n:
		return phonenumbers.TOO_SHORT
	case int(possible[len(possible)-1]) < n:
		return phonenumbers.TOO_LONG
	}
	for _, l := range possible[1:] {
		if int(l) == n {
			return phonenumbers.IS_POSSIBLE
		}
	}
	return phonenumbers.INVALID_LENGTH
}

// lengthResult is testLengthUnknown for a number of n digits.
func (r *regionRules) lengthResult(n int) phonenumbers.ValidationResult {
	if n >= len(r.lengths) {
		return phonenumbers.TOO_LONG // every general description stops well short
	}
	return r.lengths[n]
}

// stripNationalPrefix is the library's maybeStripNationalPrefixAndCarrierCode
// for a region without a transform rule: drop the first national prefix
// alternative number starts with, unless number matched the general
// description and would no longer.
func (r *regionRules) stripNationalPrefix(number string) string {
	for _, p := range r.nationalPrefixes {
		if len(number) < len(p) || number[:len(p)] != p {
			continue
		}
		rest := number[len(p):]
		if r.general.match(number) && !r.general.match(rest) {
			return number
		}
		return rest
	}
	return number
}

// nationalNumber is the end of the library's parseHelper: the national
// prefix is stripped only if what is left has a possible length.
func (r *regionRules) nationalNumber(number string) string {
	stripped := r.stripNationalPrefix(number)
	if len(stripped) == len(number) {
		return number
	}
	switch r.lengthResult(len(stripped)) {
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY, phonenumbers.INVALID_LENGTH:
		return number
	}
	return stripped
}
