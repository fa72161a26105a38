package mapping

import (
	"strconv"
	"strings"
	"unicode"
)

// Codes RepairPhoneCell returns. The warnings mean the cell was repaired
// and the number is exactly what the row meant; the error means the row must
// be rejected. Like every code, they never change.
const (
	WarnScientificNotation = "phone_from_scientific_notation"
	WarnDecimalSuffix      = "phone_decimal_suffix_removed"
	ErrPrecisionLost       = "phone_precision_lost"
)

// RepairMessage explains a code of RepairPhoneCell to the operator, for the
// error report.
func RepairMessage(code string) string {
	switch code {
	case WarnScientificNotation:
		return "the phone was stored as a number in scientific notation (like 9.19900000001E+11); all its digits were there, so it was read back exactly. Format phone columns as Text to avoid this"
	case WarnDecimalSuffix:
		return `the phone was stored as a number with a decimal part (like 919900000002.0); the ".0" was removed`
	case ErrPrecisionLost:
		return "a spreadsheet turned the phone into a number in scientific notation (like 9.19877E+11) that does not show all of its digits, so the number cannot be known; format the phone column as Text, enter the numbers again and export again"
	}
	return ""
}

// RepairPhoneCell undoes what spreadsheets do to phone numbers, before the
// cell goes to the phone normalizer. It returns the text to normalize, a
// warning code ("" or WarnScientificNotation or WarnDecimalSuffix) and an
// error code ("" or ErrPrecisionLost). On an error clean is "": the row must
// be rejected, because the number it meant cannot be known.
//
//   - Surrounding white space, NBSP included, is trimmed.
//   - Excel's text markers are removed: a leading apostrophe
//     ('+919900000003) and a formula that yields text (="09876543210").
//   - A whole number written with a decimal part of one or two zeros
//     (919900000002.0, or 919900000002,0 from European Excel) loses it. Three
//     digits after a separator are a thousands group, so "919,000" is left
//     alone.
//   - Scientific notation (9.19900000001E+11, 9,19900000001e11) is written
//     out when it is exact and refused when it is not; see expandScientific.
//     It is never passed on as it is: the normalizer reads letters as keypad
//     digits (1-800-FLOWERS), so "9.19877E+11" could come out as some other
//     valid number.
//
// Anything else is returned trimmed but otherwise unchanged, with no
// warning: whether it is a phone number is the normalizer's call, as are
// international prefixes such as 00 and 011.
func RepairPhoneCell(s string) (clean string, warning string, errCode string) {
	s = strings.TrimFunc(s, isSpaceOrBOM)
	if inner, ok := textMarked(s); ok {
		s = inner
	}
	if digits, ok := zeroDecimal(s); ok {
		return digits, WarnDecimalSuffix, ""
	}
	if intPart, frac, exp, ok := scientific(s); ok {
		digits, exact := expandScientific(intPart, frac, exp)
		if !exact {
			return "", "", ErrPrecisionLost
		}
		return digits, WarnScientificNotation, ""
	}
	return s, "", ""
}

func isSpaceOrBOM(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' }

// textMarked unwraps Excel's ways of keeping a cell as text: a leading
// apostrophe, and ="..." (the formula CSV writers use so that Excel keeps
// leading zeros).
func textMarked(s string) (string, bool) {
	switch {
	case strings.HasPrefix(s, "'") && len(s) > 1:
		return strings.TrimFunc(s[1:], isSpaceOrBOM), true
	case strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) && len(s) >= 3 &&
		!strings.Contains(s[2:len(s)-1], `"`):
		return strings.TrimFunc(s[2:len(s)-1], isSpaceOrBOM), true
	}
	return "", false
}

// zeroDecimal matches digits followed by a decimal point or comma and one or
// two zeros, which is what a number-formatted phone column exports as.
func zeroDecimal(s string) (string, bool) {
	sep := strings.IndexAny(s, ".,")
	if sep <= 0 || !allDigits(s[:sep]) {
		return "", false
	}
	switch s[sep+1:] {
	case "0", "00":
		return s[:sep], true
	}
	return "", false
}

// scientific splits anything shaped like scientific notation,
// [sign]digits[.digits]E[sign]digits with "." or "," as the decimal
// separator (European Excel writes a comma) and spaces anywhere, into the
// digits before and after the separator and the exponent. A sign before the
// mantissa or the exponent is reported as exp -1, which no phone has.
func scientific(s string) (intPart, frac string, exp int, ok bool) {
	s = strings.ReplaceAll(s, " ", "")
	e := strings.IndexAny(s, "eE")
	if e < 1 {
		return "", "", 0, false
	}
	m, x := s[:e], s[e+1:]
	signed := false
	if m[0] == '+' || m[0] == '-' {
		m, signed = m[1:], true
	}
	switch {
	case strings.HasPrefix(x, "+"):
		x = x[1:]
	case strings.HasPrefix(x, "-"):
		x, signed = x[1:], true
	}
	if !allDigits(x) {
		return "", "", 0, false
	}
	intPart = m
	if sep := strings.IndexAny(m, ".,"); sep >= 0 {
		intPart, frac = m[:sep], m[sep+1:]
		if !allDigits(frac) {
			return "", "", 0, false
		}
	}
	if !allDigits(intPart) {
		return "", "", 0, false
	}
	if signed || len(x) > 3 {
		return intPart, frac, -1, true
	}
	exp, _ = strconv.Atoi(x)
	return intPart, frac, exp, true
}

// expandScientific writes out the integer intPart.frac times 10^exp, and
// says whether that integer is surely the number the row meant.
//
// Spreadsheets write d.ddd...E+nn: one digit before the separator, so the
// integer has exp+1 digits. It is exact only when the mantissa shows every
// one of them, that is when the fraction has exactly exp digits:
// 9.19900000001E+11 is 919900000001. When the fraction is shorter, the
// spreadsheet displayed fewer significant digits than the number has
// (9.19877E+11 shows 6 of 12) and whatever followed them was rounded away;
// padding with zeros would invent digits, and a phone that differs from what
// the row meant must never be stored, so the row is refused.
//
// This holds even at Excel's limit of 15 significant digits. A 15-digit
// mantissa with a larger exponent stands for a number of more than 15
// digits, whose tail Excel had already replaced by zeros when it was typed;
// and a 15-digit mantissa with exponent 14 is exact by the rule above. So
// "15 digits shown" adds no case that is both exact and a phone number.
//
// A fraction longer than exp is not a whole number, and a leading zero or a
// sign is not what a spreadsheet makes of a phone number: both refused.
func expandScientific(intPart, frac string, exp int) (string, bool) {
	if exp < 0 || len(frac) != exp || intPart == "" || intPart[0] == '0' {
		return "", false
	}
	return intPart + frac, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
