package phone

import (
	"errors"
	"strconv"

	"github.com/nyaruka/phonenumbers"
)

// Error codes. Callers match Error.Code against these literal strings and
// store them with rejected import rows, so they must never change.
const (
	codeEmpty              = "empty"
	codeTooShort           = "too_short"
	codeTooLong            = "too_long"
	codeInvalidCountryCode = "invalid_country_code"
	codeNotANumber         = "not_a_number"
	codeInvalidNumber      = "invalid_number" // parses but is not a valid number for its region
	codeNoRegion           = "no_region"      // national form and no region given
)

// Error says why a number was refused. Code is one of:
// "empty", "too_short", "too_long", "invalid_country_code", "not_a_number",
// "invalid_number" (parses but is not a valid number for its region),
// "no_region" (national form and no region given).
//
// Message never repeats the input: numbers are personal data and errors end
// up in logs.
type Error struct{ Code, Message string }

func (e *Error) Error() string { return "phone: " + e.Code + ": " + e.Message }

func newError(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// parseError translates an error from phonenumbers.ParseToNumber. hasPlus says
// whether the input (after 00 became +) was written in international form,
// region is the caller's region as given and known whether the library
// knows it: together they tell "+999" (a bad country code) from a national
// number that had no region to be read in.
func parseError(err error, hasPlus bool, region string, known bool) *Error {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		if hasPlus || known {
			return newError(codeInvalidCountryCode, "unknown country calling code")
		}
		if region == "" {
			return newError(codeNoRegion, "national number without a region; give a region or write it with + and the country code")
		}
		return newError(codeNoRegion, "national number and "+strconv.Quote(region)+" is not a known region code")
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return newError(codeTooShort, "too few digits for a phone number")
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return newError(codeTooLong, "too many digits for a phone number")
	default: // ErrNotANumber, and anything a future library version adds
		return newError(codeNotANumber, "not a phone number")
	}
}

// invalidError explains why a parsed number failed IsValidNumber. The code
// stays invalid_number whatever the reason (the number did parse); the
// message says what is wrong with it so a person can fix the row.
func invalidError(pn *phonenumbers.PhoneNumber) *Error {
	cc := int(pn.GetCountryCode())
	where := "+" + strconv.Itoa(cc)
	if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != nonGeoRegion {
		where += " (" + r + ")"
	}
	var why string
	switch phonenumbers.IsPossibleNumberWithReason(pn) {
	case phonenumbers.TOO_SHORT:
		why = "too short"
	case phonenumbers.TOO_LONG:
		why = "too long"
	case phonenumbers.INVALID_LENGTH:
		why = "no numbers there have this many digits"
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		why = "local number, the area code is missing"
	default:
		why = "matches none of its number patterns"
	}
	return newError(codeInvalidNumber, "not a valid "+where+" number: "+why)
}
