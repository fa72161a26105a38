package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ValidRegion reports whether region is a region code the library knows
// ("IN", "US", "GB"...), case-insensitively; it returns region upper-cased.
// Surrounding white space is ignored because region columns in imported
// files often carry it. The library's pseudo-regions "001" (non-geographic)
// and "ZZ" (unknown) are not region codes and are refused.
func ValidRegion(region string) (string, bool) {
	region = strings.TrimSpace(region)
	up, ok := upperASCII2(region)
	if !ok {
		return strings.ToUpper(region), false
	}
	return up, phonenumbers.GetSupportedRegions()[up]
}

// upperASCII2 upper-cases a two-letter ASCII code without allocating when it
// is already upper case, the common case on the hot path. strings.ToUpper is
// not used for the check because it turns the dotless "ı" into "I" and so
// would accept codes that are not ASCII.
func upperASCII2(s string) (string, bool) {
	if len(s) != 2 || !isASCIILetter(s[0]) || !isASCIILetter(s[1]) {
		return s, false
	}
	a, b := s[0]&^0x20, s[1]&^0x20 // clearing bit 5 upper-cases an ASCII letter
	if a == s[0] && b == s[1] {
		return s, true
	}
	return string([]byte{a, b}), true
}

func isASCIILetter(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
