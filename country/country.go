// Package country reads the country a person wrote ("India", "U.S.A.",
// "United Kingdom", "in") as an ISO 3166-1 alpha-2 code. Exports from
// HubSpot, Google and Outlook carry country names, not codes.
package country

import (
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// aliases are names people write that the English region names miss.
var aliases = map[string]string{
	"usa": "US", "us": "US", "u s": "US", "u s a": "US", "america": "US", "united states of america": "US",
	"uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
	"wales": "GB", "northern ireland": "GB", "bharat": "IN", "hindustan": "IN", "uae": "AE",
	"deutschland": "DE", "espana": "ES", "holland": "NL", "the netherlands": "NL", "south korea": "KR",
	"korea": "KR", "russia": "RU", "czech republic": "CZ", "ivory coast": "CI", "turkey": "TR",
	"hong kong": "HK", "macau": "MO", "burma": "MM", "vatican": "VA", "east timor": "TL",
}

var (
	once   sync.Once
	byName map[string]string
)

func load() {
	byName = map[string]string{}
	names := display.English.Regions()
	for code := range phonenumbers.GetSupportedRegions() {
		region, err := language.ParseRegion(code)
		if err != nil {
			continue
		}
		if n := names.Name(region); n != "" {
			byName[key(n)] = code
		}
		byName[strings.ToLower(code)] = code
	}
	for k, v := range aliases {
		byName[k] = v
	}
}

// key folds case, accents, dots and extra spaces: "U.S.A." -> "u s a".
func key(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case r == '&':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// Code returns the alpha-2 code for a country code or name, and whether it
// knew it.
func Code(s string) (string, bool) {
	once.Do(load)
	c, ok := byName[key(s)]
	return c, ok
}

// CallingCode returns the international calling code of a region (1 for
// US and CA, 91 for IN), or 0 when the region is unknown.
func CallingCode(region string) int {
	return phonenumbers.GetCountryCodeForRegion(strings.ToUpper(region))
}
