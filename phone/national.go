package phone

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// national returns the digits dialled for pn inside its own country:
// libphonenumber's NATIONAL format, which adds the trunk prefix ("0", "8"
// in Russia) where the country uses one, with the punctuation removed.
func national(pn *phonenumbers.PhoneNumber) string {
	if formats, ok := nationalFormatFixes[pn.GetCountryCode()]; ok {
		return Digits(phonenumbers.FormatByPattern(pn, phonenumbers.NATIONAL, formats))
	}
	return Digits(phonenumbers.Format(pn, phonenumbers.NATIONAL))
}

// The Go port mis-applies a national prefix rule such as "0$1" when the
// format's first group is not $1: it pastes the rule in literally, so
// Argentine mobile +54 9 11 2345 6789, format "$2 15-$3-$4", comes out as
// "09 15-2345-6789" instead of libphonenumber's "011 15-2345-6789" (the area
// code is lost). For each calling code with such a format we keep the
// region's formats with the rule already substituted into those entries,
// and format through FormatByPattern, which picks among them exactly as
// Format does. Found by TestExampleNumbers; in v1.8.1 only Argentina's three
// mobile formats are affected.
var nationalFormatFixes = buildNationalFormatFixes()

var firstGroup = regexp.MustCompile(`\$\d`)

func buildNationalFormatFixes() map[int32][]*phonenumbers.NumberFormat {
	fixes := map[int32][]*phonenumbers.NumberFormat{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return fixes // then the library cannot format anything either
	}
	for _, md := range coll.GetMetadata() {
		cc := md.GetCountryCode()
		// Format uses the formats of the calling code's main region only
		// (e.g. US for every +1 number), so only those need fixing.
		if md.GetId() != phonenumbers.GetRegionCodeForCountryCode(int(cc)) {
			continue
		}
		formats := md.GetNumberFormat()
		fixed := make([]*phonenumbers.NumberFormat, len(formats))
		changed := false
		for i, f := range formats {
			fixed[i] = f
			rule, format := f.GetNationalPrefixFormattingRule(), f.GetFormat()
			fg := firstGroup.FindString(format)
			if rule == "" || fg == "" || fg == "$1" {
				continue
			}
			// Substitute as libphonenumber does: the rule's $1 stands for
			// the format's first group, and the rule replaces that group.
			rule = strings.Replace(rule, "$1", fg, 1)
			format = strings.Replace(format, fg, rule, 1)
			fixed[i] = &phonenumbers.NumberFormat{
				Pattern:                              f.Pattern,
				Format:                               &format,
				LeadingDigitsPattern:                 f.LeadingDigitsPattern,
				NationalPrefixOptionalWhenFormatting: f.NationalPrefixOptionalWhenFormatting,
				DomesticCarrierCodeFormattingRule:    f.DomesticCarrierCodeFormattingRule,
			}
			changed = true
		}
		if changed {
			fixes[cc] = fixed
		}
	}
	return fixes
}
