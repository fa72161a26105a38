package store

import (
	"regexp"
	"strings"

	"github.com/contactd/contactd/country"
)

// nanpShape matches how North Americans write numbers: "(212) 555-1234",
// "212-555-1234", "212.555.1234", with an optional leading 1. People in
// India or Britain do not group digits 3-3-4 with dashes or put an area code
// in parentheses.
var nanpShape = regexp.MustCompile(`^(1[\s.-]?)?(\(\d{3}\)\s?\d{3}[\s.-]?\d{4}|\d{3}[.-]\d{3}[.-]\d{4})$`)

// ambiguousNANP reports a national-form number written the North American
// way while the region that would read it is elsewhere: read as, say, an
// Indian number it would become a different person's phone, which is worse
// than refusing it. An international form (+1 ..., 001 ...) is never
// ambiguous.
func ambiguousNANP(raw, region string) bool {
	s := strings.TrimSpace(raw)
	if region == "" || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00") {
		return false
	}
	return country.CallingCode(region) != 1 && nanpShape.MatchString(s)
}
