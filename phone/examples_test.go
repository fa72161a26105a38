package phone

import (
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

type example struct {
	region string // "" for non-geographic calling codes
	e164   string
}

// exampleNumbers is the library's example number for every region and
// number type, and for every non-geographic calling code: a broad sample of
// every kind of number the library knows.
func exampleNumbers(t *testing.T) []example {
	t.Helper()
	var out []example
	for region := range phonenumbers.GetSupportedRegions() {
		for typ := phonenumbers.FIXED_LINE; typ <= phonenumbers.VOICEMAIL; typ++ {
			if pn := phonenumbers.GetExampleNumberForType(region, typ); pn != nil {
				out = append(out, example{region, phonenumbers.Format(pn, phonenumbers.E164)})
			}
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		if pn := phonenumbers.GetExampleNumberForNonGeoEntity(cc); pn != nil {
			out = append(out, example{"", phonenumbers.Format(pn, phonenumbers.E164)})
		}
	}
	if len(out) < 1000 {
		t.Fatalf("only %d example numbers", len(out))
	}
	return out
}

// TestNormalizeAgreesWithIsValidNumber checks Normalize accepts exactly the
// numbers phonenumbers.IsValidNumber does (Normalize asks GetNumberType
// instead, see there), on the examples and on near misses made from them:
// a digit dropped, a digit added, the first digit changed.
func TestNormalizeAgreesWithIsValidNumber(t *testing.T) {
	valid, invalid := 0, 0
	for _, ex := range exampleNumbers(t) {
		variants := []string{
			ex.e164,
			ex.e164[:len(ex.e164)-1],
			ex.e164 + "0",
		}
		// Change the national number's first digit, which often moves the
		// number to another type or makes it invalid.
		i := 1 + len(strconv.Itoa(phonenumbers.GetCountryCodeForRegion(ex.region)))
		if ex.region == "" {
			i = 4 // every non-geographic calling code has three digits
		}
		for _, d := range "0159" {
			variants = append(variants, ex.e164[:i]+string(d)+ex.e164[i+1:])
		}
		for _, v := range variants {
			pn, err := phonenumbers.Parse(v, "")
			if err != nil {
				continue
			}
			want := phonenumbers.IsValidNumber(pn)
			_, err = Normalize(v, "")
			if got := err == nil; got != want {
				t.Errorf("%s (from %s example %s): Normalize accepts %v (%v), IsValidNumber %v", v, ex.region, ex.e164, got, err, want)
			}
			if want {
				valid++
			} else {
				invalid++
			}
		}
	}
	t.Logf("checked %d valid and %d invalid numbers", valid, invalid)
	if valid < 1000 || invalid < 1000 {
		t.Errorf("checked %d valid and %d invalid numbers, want more of both", valid, invalid)
	}
}

// TestExampleNumbers checks Normalize's fields on every example: E164 kept,
// zones that load and are not legacy names, and a National form that reads
// back, in the number's own region, as the same number.
func TestExampleNumbers(t *testing.T) {
	for _, ex := range exampleNumbers(t) {
		n, err := Normalize(ex.e164, "")
		if err != nil {
			continue // TestNormalizeAgreesWithIsValidNumber judges refusals
		}
		if n.E164 != ex.e164 {
			t.Errorf("%s example %s: E164 = %q", ex.region, ex.e164, n.E164)
		}
		if n.Type == "unknown" {
			t.Errorf("%s example %s: valid number of type unknown", ex.region, ex.e164)
		}
		if len(n.TimeZones) == 0 {
			t.Errorf("%s example %s: no time zones", ex.region, ex.e164)
		}
		for _, z := range n.TimeZones {
			checkZone(t, z, ex.e164)
		}
		if n.Country == "" {
			continue // non-geographic: no region to dial National from
		}
		back, err := Normalize(n.National, n.Country)
		if err != nil || back.E164 != ex.e164 {
			t.Errorf("%s example %s: National %q in %s reads back as %q, %v", ex.region, ex.e164, n.National, n.Country, back.E164, err)
		}
	}
}
