package phone

import (
	"slices"

	"github.com/nyaruka/phonenumbers"

	// Callers load Number.TimeZones with time.LoadLocation; embedding the
	// zone database makes that work on hosts and containers that have no
	// /usr/share/zoneinfo.
	_ "time/tzdata"
)

// unknownZone is what libphonenumber says when it has no zone for a number
// (non-geographic numbers such as +800, and a few small regions). It is not
// an IANA zone and time.LoadLocation rejects it; it is passed through so
// callers can tell "unknown" from "no answer".
const unknownZone = phonenumbers.UNKNOWN_TIMEZONE // "Etc/Unknown"

// legacyZones maps the deprecated names in libphonenumber's zone data to the
// names tzdata's zone.tab lists today. Go's embedded tzdata still loads most
// of these old names as links, but they are not what other systems (the
// database, the dialler, humans) expect, and links may be dropped from
// tzdata one day.
//
// The list is exactly the old names the library returns (checked against
// every prefix by TestTimeZonesAreCanonical). Links that zone.tab still
// lists as a country's own zone, such as Europe/Bratislava or
// America/Lower_Princes, are kept: mapping them to Europe/Prague or
// America/Puerto_Rico would lose the country.
var legacyZones = map[string]string{
	"Africa/Asmera":        "Africa/Asmara",
	"America/Buenos_Aires": "America/Argentina/Buenos_Aires",
	"America/Godthab":      "America/Nuuk",
	"Asia/Calcutta":        "Asia/Kolkata",
	"Asia/Choibalsan":      "Asia/Ulaanbaatar", // merged into Ulaanbaatar in tzdata 2024b
	"Asia/Katmandu":        "Asia/Kathmandu",
	"Asia/Rangoon":         "Asia/Yangon",
	"Atlantic/Faeroe":      "Atlantic/Faroe",
	"Pacific/Enderbury":    "Pacific/Kanton",
	"Pacific/Ponape":       "Pacific/Pohnpei",
	"Pacific/Truk":         "Pacific/Chuuk",
}

// timeZones returns the zones a number may be in, with legacy names
// replaced. It takes the E.164 form Normalize already has because
// phonenumbers.GetTimezonesForNumber would only format it again and call
// GetTimezonesForPrefix.
//
// The result is always a fresh slice: the library hands out the slice stored
// in its own prefix table, so returning it (or a cached copy shared between
// Numbers) would let one caller's sort or edit corrupt every later answer.
func timeZones(e164 string) []string {
	zones, err := phonenumbers.GetTimezonesForPrefix(e164)
	if err != nil || len(zones) == 0 {
		return []string{unknownZone}
	}
	out := make([]string, 0, len(zones))
	renamed := false
	for _, z := range zones {
		if c, ok := legacyZones[z]; ok {
			z, renamed = c, true
		}
		out = append(out, z)
	}
	if renamed {
		// The library's lists are sorted; keep ours sorted after renaming,
		// and drop the duplicate a rename can create (Mongolia lists both
		// Asia/Choibalsan and Asia/Ulaanbaatar).
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}
