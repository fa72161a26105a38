package phone

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ASCIIDigits converts any Unicode decimal digit (Devanagari ०-९,
// Arabic-Indic ٠-٩, Extended Arabic-Indic ۰-۹, fullwidth ０-９, Bengali, etc.)
// to ASCII 0-9 and leaves everything else alone, byte for byte. Normalize
// calls it first because the Go port rejects such digits where libphonenumber
// accepts them.
func ASCIIDigits(s string) string {
	// Almost every input is ASCII; return it untouched without allocating.
	i := firstNonASCII(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if d, ok := digitValue(r); ok && size > 1 {
			b.WriteByte('0' + d)
		} else {
			// Copy the original bytes rather than r so that invalid UTF-8
			// passes through unchanged instead of becoming U+FFFD.
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Digits returns only the ASCII digits of s after ASCIIDigits
// ("+91 (990) 000-0001" -> "919900000001").
func Digits(s string) string {
	n, ascii := 0, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if '0' <= c && c <= '9' {
			n++
		}
	}
	if ascii && n == len(s) {
		return s
	}
	var b strings.Builder
	if ascii {
		b.Grow(n)
	} else {
		b.Grow(len(s)) // each non-ASCII digit shrinks to one byte
	}
	for _, r := range s {
		if d, ok := digitValue(r); ok {
			b.WriteByte('0' + d)
		}
	}
	return b.String()
}

func firstNonASCII(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// digitValue returns the value of a Unicode decimal digit (category Nd).
// The unicode package has no such function, but Unicode guarantees Nd digits
// come in contiguous runs of ten starting at zero, and unicode.Nd lists them
// as stride-1 ranges that each start at a zero, so the value is the offset
// into the range modulo ten. TestDigitValueCoversEveryNd holds us to that.
func digitValue(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		if '0' <= r && r <= '9' {
			return byte(r - '0'), true
		}
		return 0, false
	}
	if !unicode.IsDigit(r) {
		return 0, false
	}
	if r <= 0xFFFF {
		t := unicode.Nd.R16
		i := sort.Search(len(t), func(i int) bool { return rune(t[i].Hi) >= r })
		return byte((r - rune(t[i].Lo)) % 10), true
	}
	t := unicode.Nd.R32
	i := sort.Search(len(t), func(i int) bool { return rune(t[i].Hi) >= r })
	return byte((r - rune(t[i].Lo)) % 10), true
}
