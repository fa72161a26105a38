package store

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/contactd/contactd/phone"
)

// foldText lower-cases s, strips accents (é -> e) and squeezes white space,
// so that search is insensitive to case and diacritics on both engines.
func foldText(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// searchTerms turns what a user typed into the substrings to look for. A
// query that looks like a phone number ("+91 99000-00001", "0091 99000")
// searches by its digits, and, when it parses as a whole number in region,
// by that number's E.164 digits too.
func searchTerms(q, region string) []string {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	if digits := phone.Digits(q); digits != "" && phoneLike(q) {
		terms := []string{digits}
		if n, err := phone.Normalize(q, region); err == nil && n.E164[1:] != digits {
			terms = append(terms, n.E164[1:])
		}
		return terms
	}
	return []string{foldText(q)}
}

// phoneLike reports whether s holds only what people write in phone numbers.
func phoneLike(s string) bool {
	for _, r := range phone.ASCIIDigits(s) {
		switch {
		case r >= '0' && r <= '9', r == '+', r == '-', r == '(', r == ')', r == '.', r == '/', unicode.IsSpace(r):
		default:
			return false
		}
	}
	return true
}
