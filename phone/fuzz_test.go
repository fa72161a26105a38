package phone

import (
	"errors"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// FuzzNormalize feeds Normalize arbitrary input. Seeds live in
// testdata/fuzz/FuzzNormalize. It checks that Normalize neither panics nor
// relies on its recover (the library panicking), that every refusal is an
// *Error with a documented code, that every accepted number is
// well-formed E.164 that normalizes to itself, and that whenever the fast
// path answers, the library path gives the same answer.
func FuzzNormalize(f *testing.F) {
	minDigits, maxDigits := e164DigitBounds(f)
	codes := map[string]bool{
		codeEmpty: true, codeTooShort: true, codeTooLong: true, codeInvalidCountryCode: true,
		codeNotANumber: true, codeInvalidNumber: true, codeNoRegion: true,
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		if fast, ok := fastOnly(raw, region); ok {
			lib, err := normalize(raw, region, false)
			if err != nil || !equalNumber(fast, lib) {
				t.Fatalf("%q in %q: fast path %+v, library path %+v, %v", raw, region, fast, lib, err)
			}
		}
		n, err := Normalize(raw, region)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Normalize(%q, %q) error %T %v, want *Error", raw, region, err, err)
			}
			if !codes[e.Code] {
				t.Fatalf("Normalize(%q, %q) error code %q is not documented", raw, region, e.Code)
			}
			if e.Message == libraryPanicMessage {
				t.Fatalf("Normalize(%q, %q): phonenumbers panicked", raw, region)
			}
			return
		}
		digits := n.E164[min(1, len(n.E164)):]
		if n.E164 == "" || n.E164[0] != '+' || Digits(digits) != digits ||
			len(digits) < minDigits || len(digits) > maxDigits {
			t.Fatalf("Normalize(%q, %q).E164 = %q, want + and %d-%d digits", raw, region, n.E164, minDigits, maxDigits)
		}
		if len(n.TimeZones) == 0 || n.National == "" || Digits(n.National) != n.National {
			t.Fatalf("Normalize(%q, %q) = %+v, want zones and national digits", raw, region, n)
		}
		again, err := Normalize(n.E164, "")
		if err != nil || !equalNumber(again, n) {
			t.Fatalf("Normalize(%q, %q) = %+v, but Normalize(%q, \"\") = %+v, %v", raw, region, n, n.E164, again, err)
		}
	})
}

// e164DigitBounds is the range of digits after the + of any number the
// library can call possible: calling code plus national number, over every
// region's possible lengths. It is wider than E.164's nominal 8-15: some
// valid numbers are 6 or 7 digits long (Iran's +98 9601, Niue's +683 …).
func e164DigitBounds(f *testing.F) (lo, hi int) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		f.Fatal(err)
	}
	lo, hi = 1<<30, 0
	for _, md := range coll.GetMetadata() {
		cc := len(strconv.Itoa(int(md.GetCountryCode())))
		for _, l := range md.GetGeneralDesc().GetPossibleLength() {
			lo, hi = min(lo, cc+int(l)), max(hi, cc+int(l))
		}
	}
	if hi == 0 {
		f.Fatal("no possible lengths in the library's metadata")
	}
	return lo, hi
}
