package vcard

import (
	"encoding/base64"
	"strings"
)

// decodeQP appends the quoted-printable p to dst decoded. Soft line breaks
// are gone by now (the reader joined those lines). An "=" not followed by
// two hex digits is kept as it is: some exporters write a bare "=" in a
// 2.1 value, and dropping it would change the text.
func decodeQP(dst, p []byte) []byte {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '=' && i+2 < len(p) {
			hi, ok1 := unhex(p[i+1])
			lo, ok2 := unhex(p[i+2])
			if ok1 && ok2 {
				dst = append(dst, hi<<4|lo)
				i += 2
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeBase64 decodes a text property sent as ENCODING=B (some phones do
// this for names outside ASCII). Folding leaves whitespace in the value; a
// value that still does not decode is kept as written rather than lost.
func decodeBase64(p []byte) []byte {
	clean := make([]byte, 0, len(p))
	for _, c := range p {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			clean = append(clean, c)
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		out := make([]byte, enc.DecodedLen(len(clean)))
		if n, err := enc.Decode(out, clean); err == nil {
			return out[:n]
		}
	}
	return p
}

// unescape undoes the backslash escapes of a text value: \n and \N are a
// line break, and a backslash before any punctuation is that character
// (\, \; \\ by the RFCs; Apple also escapes colons, Google quotes). A
// backslash before a letter or digit stays, so a 2.1 note holding a
// Windows path ("C:\Users") keeps it.
func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		next := s[i+1]
		switch {
		case next == 'n' || next == 'N':
			b.WriteByte('\n')
			i++
		case isPunct(next):
			b.WriteByte(next)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isPunct(c byte) bool {
	return '!' <= c && c <= '/' || ':' <= c && c <= '@' || '[' <= c && c <= '`' || '{' <= c && c <= '~'
}

// nameList reads one raw N component, which 3.0 and 4.0 make a comma list
// ("Richter,James": two middle names), as the words of one name. An
// escaped comma ("Richter\, James") is part of a word, so the component
// must come from component, escapes still in place.
func nameList(s string) string {
	if strings.IndexByte(s, ',') < 0 && strings.IndexByte(s, '\\') < 0 {
		return strings.TrimSpace(s)
	}
	var words []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			words = appendWord(words, s[start:i])
			start = i + 1
		}
	}
	words = appendWord(words, s[start:])
	return strings.Join(words, " ")
}

func appendWord(words []string, w string) []string {
	if w = strings.TrimSpace(unescape(w)); w != "" {
		words = append(words, w)
	}
	return words
}

// component returns part n (from 0) of a structured value (N, ADR, ORG),
// whose parts are separated by semicolons that are not escaped, or "" when
// there are fewer parts. Escapes stay in place for the caller to undo:
// N splits its parts again at commas. Short values are common: Forrest
// Gump's "N:Gump;Forrest;Mr." has three parts of five.
func component(s string, n int) string {
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ';':
			if n == 0 {
				return s[start:i]
			}
			n--
			start = i + 1
		}
	}
	if n > 0 {
		return ""
	}
	return s[start:]
}
