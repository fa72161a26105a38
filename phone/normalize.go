package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Number is a parsed, valid phone number.
type Number struct {
	E164      string   // "+919900000001"
	Country   string   // ISO 3166 region of the number, "IN"; "" if the library cannot tell (e.g. +800)
	Type      string   // one of: mobile, fixed_line, fixed_line_or_mobile, toll_free, premium_rate, shared_cost, voip, personal_number, pager, uan, voicemail, unknown
	TimeZones []string // IANA zones the number may be in, each loadable by time.LoadLocation (legacy names like Asia/Calcutta mapped to Asia/Kolkata etc.); libphonenumber's "Etc/Unknown" is kept as the single element "Etc/Unknown" when it is all the library knows
	National  string   // the digits a person in the number's country dials, trunk prefix included: "09900000001" for +919900000001, "07400123456" for +447400123456, "2125551234" for +12125551234
}

// nonGeoRegion is the library's region for numbers that belong to no
// country (+800, +808, +870, +881, +882, +883, +888, +979).
const nonGeoRegion = "001"

// maxRawLen bounds the work done before the library's own 250-character
// limit applies: ASCIIDigits can shrink a digit from 4 bytes to 1, so longer
// input can never become a number the library accepts.
const maxRawLen = 4 * phonenumbers.MAX_INPUT_STRING_LENGTH

// libraryPanicMessage is the Message of the error returned when the library
// panics; FuzzNormalize fails if it ever sees it.
const libraryPanicMessage = "the phone number library failed on this input"

// Normalize parses raw in any common written form and returns the valid
// number. region is an ISO 3166 alpha-2 code, any case, used for national
// forms; with region "" (or one the library does not know) only
// international forms parse: "+91…", and "0091…" since 00 is the
// international prefix nearly everywhere. Extensions (";ext=12", " x12",
// " ext. 12") are dropped: contactd dials the main number.
func Normalize(raw, region string) (Number, error) {
	return normalize(raw, region, true)
}

// normalize is Normalize; with fast false it skips the fast path, so tests
// can hold the fast path to the library's answers.
func normalize(raw, region string, fast bool) (n Number, err error) {
	// The Go port has panicked on odd input before (nyaruka/phonenumbers#148);
	// one bad row must not take down a million-row import.
	defer func() {
		if recover() != nil {
			n, err = Number{}, newError(codeNotANumber, libraryPanicMessage)
		}
	}()

	in, perr := prepare(raw, region)
	if perr != nil {
		return Number{}, perr
	}
	// Most numbers are Indian, North American or British in a plain
	// written form; fastNormalize answers those from precomputed tables
	// with exactly the library's result (see fastpath.go).
	if fast {
		if n, ok := fastNormalize(in.s, in.reg); ok {
			return n, nil
		}
	}
	var pn phonenumbers.PhoneNumber
	if perr := parse(in, &pn); perr != nil {
		return Number{}, perr
	}
	return numberFromParsed(&pn)
}

// input is raw and region made ready for the library.
type input struct {
	s      string // trimmed, digits ASCII, leading 00 as + when the region is unknown
	reg    string // the region upper-cased, "" if the library does not know it
	region string // the caller's region, trimmed, for error messages
	known  bool
}

func prepare(raw, region string) (input, *Error) {
	if len(raw) > maxRawLen {
		return input{}, newError(codeTooLong, "too long for a phone number")
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return input{}, newError(codeEmpty, "no phone number given")
	}
	s = ASCIIDigits(s)

	reg, known := ValidRegion(region)
	if !known {
		reg = ""
		s = leadingIDDToPlus(s)
	}
	return input{s: s, reg: reg, region: strings.TrimSpace(region), known: known}, nil
}

// parse is the library's parse with the extension dropped, so it appears
// in no formatted output.
func parse(in input, pn *phonenumbers.PhoneNumber) *Error {
	if err := phonenumbers.ParseToNumber(in.s, in.reg, pn); err != nil {
		return parseError(err, strings.ContainsAny(in.s, "+\uFF0B"), in.region, in.known)
	}
	pn.Extension = nil
	return nil
}

// numberFromParsed is the rest of the library path: validity, type,
// region, formats and zones of a parsed number.
func numberFromParsed(pn *phonenumbers.PhoneNumber) (Number, error) {
	// Validity is phonenumbers.IsValidNumber's answer without its cost.
	// IsValidNumber and GetNumberType each look up the number's region (for
	// +1 by trying some 25 regions' patterns) and match the number against
	// that region's type patterns; IsValidNumber is true exactly when
	// GetNumberType finds a type, so calling both would do the work twice.
	// TestNormalizeAgreesWithIsValidNumber holds the library to that.
	typ := phonenumbers.GetNumberType(pn)
	if typ == phonenumbers.UNKNOWN {
		return Number{}, invalidError(pn)
	}
	country := phonenumbers.GetRegionCodeForNumber(pn)
	if country == nonGeoRegion {
		country = ""
	}

	e164 := phonenumbers.Format(pn, phonenumbers.E164)
	return Number{
		E164:      e164,
		Country:   country,
		Type:      typeName(typ),
		TimeZones: timeZones(e164),
		National:  national(pn),
	}, nil
}

// leadingIDDToPlus rewrites a leading "00" as "+". The library only knows 00
// as the international prefix once it has a region (whose prefix it is);
// without one it would refuse "0091 99000 00001", yet 00 is the ITU's
// recommended prefix and what almost every country outside North America
// uses. Leading punctuation ("(0091) …", "tel:00…") is skipped; a plus or
// any other first digit means there is no 00 to rewrite.
func leadingIDDToPlus(s string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '0':
			if i+1 < len(s) && s[i+1] == '0' {
				return s[:i] + "+" + s[i+2:]
			}
			return s
		case c == '+' || '1' <= c && c <= '9' || strings.HasPrefix(s[i:], "\uFF0B"):
			return s
		}
	}
	return s
}
