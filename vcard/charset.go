package vcard

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// codePage maps each byte of a single-byte code page to UTF-8.
type codePage [256]string

// x/text decodes the bytes a code page leaves undefined (0x81 in
// Windows-1252, five in Windows-1250) as U+FFFD. Here they become the C1
// control of the same value, as in the WHATWG standard browsers follow, so
// no byte is lost and no U+FFFD is made up.
func newCodePage(cm *charmap.Charmap) *codePage {
	var t codePage
	for b := range 256 {
		r := cm.DecodeByte(byte(b))
		if r == utf8.RuneError {
			r = rune(b)
		}
		t[b] = string(r)
	}
	return &t
}

var (
	windows1252 = newCodePage(charmap.Windows1252)
	windows1250 = newCodePage(charmap.Windows1250)
)

// decodeText turns the bytes of one value into UTF-8. charset is the
// property's CHARSET parameter; repair is set when the file is UTF-8, so
// that the well-formed UTF-8 in a value with a few stray bytes stays.
//
// Valid UTF-8 is taken as UTF-8 whatever CHARSET says: exporters write the
// platform's code page in CHARSET while writing UTF-8, and a real
// Windows-1252 or Shift_JIS name is almost never valid UTF-8 (the same rule
// tells a Windows-1252 file from a UTF-8 one). Anything else is read in
// the declared charset, and without one (or when it does not fit the bytes)
// in the code page guessLegacy picks. The result never holds a U+FFFD that
// was not in the value.
func decodeText(p []byte, charset string, repair bool) string {
	if utf8.Valid(p) {
		return string(p)
	}
	enc, name := lookupCharset(charset)
	switch name {
	case "":
	case "utf-8":
		repair = true
	case "windows-1252": // also what ISO-8859-1 and US-ASCII name
		return windows1252.decode(p, false)
	case "windows-1250":
		return windows1250.decode(p, false)
	default:
		if out, err := enc.NewDecoder().Bytes(p); err == nil && !containsRuneError(out) {
			return string(out)
		}
	}
	return guessLegacy(p).decode(p, repair)
}

// lookupCharset returns the encoding a CHARSET value names, and its
// canonical name, by the WHATWG labels: so "ISO-8859-1" is Windows-1252,
// as browsers and mail readers read it, and "cp1250", "latin2" and
// "Shift_JIS" are all known. name is "" for an unknown charset, and for
// UTF-16, which cannot be the charset of part of a byte-oriented file.
func lookupCharset(charset string) (enc encoding.Encoding, name string) {
	if charset == "" {
		return nil, ""
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, ""
	}
	name, err = htmlindex.Name(enc)
	if err != nil || name == "replacement" || strings.HasPrefix(name, "utf-16") {
		return nil, ""
	}
	return enc, name
}

func containsRuneError(p []byte) bool {
	return strings.ContainsRune(string(p), utf8.RuneError)
}

// decode reads p in the code page. With repair, well-formed UTF-8
// sequences are kept and only the other bytes are read in the code page.
func (t *codePage) decode(p []byte, repair bool) string {
	var b strings.Builder
	b.Grow(len(p) + len(p)/2)
	for len(p) > 0 {
		c := p[0]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			p = p[1:]
			continue
		}
		if repair {
			if r, size := utf8.DecodeRune(p); r != utf8.RuneError || size > 1 {
				b.Write(p[:size])
				p = p[size:]
				continue
			}
		}
		b.WriteString(t[c])
		p = p[1:]
	}
	return b.String()
}

// guessLegacy picks the code page of 8-bit text that names none: Windows-
// 1252 (Western Europe and the Americas), unless the text holds letters
// that only Windows-1250 (Central Europe) makes sense of. The Bat! and
// other 2.1 exporters write "Iksi=F1ski" with no CHARSET: 0xF1 is "ñ" in
// 1252 and "ń" in 1250. Spanish ñ is always followed by a vowel, Polish ń
// never is (it is spelled "ni" before one), and the bytes for Ł ł ą ś ź ż
// Ą are symbols in 1252 (£ ³ ¹ ...) that make no sense inside a word.
func guessLegacy(p []byte) *codePage {
	var central, western int
	for i, c := range p {
		prev, next := byteAt(p, i-1), byteAt(p, i+1)
		switch c {
		case 0xF1, 0xD1: // ń Ń in 1250, ñ Ñ in 1252
			switch {
			case isVowel(next):
				western++
			case isLetter(prev):
				central++
			}
		case 0x8C, 0x8F, 0x9C, 0x9F, 0xA3, 0xA5, 0xAF, 0xB3, 0xB9, 0xBF:
			// Ś Ź ś ź Ł Ą Ż ł ą ż in 1250; Œ, undefined, œ, Ÿ, £ ¥ ¯ ³ ¹ ¿ in
			// 1252. Only inside a word: "£5" is a price.
			if isLetter(prev) || isLetter(next) {
				central++
			}
		}
	}
	if central > western {
		return windows1250
	}
	return windows1252
}

func byteAt(p []byte, i int) byte {
	if i < 0 || i >= len(p) {
		return 0
	}
	return p[i]
}

// isLetter is true for ASCII letters and any 8-bit byte, which in these
// code pages is mostly a letter.
func isLetter(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || c >= 0x80
}

func isVowel(c byte) bool {
	switch c | 0x20 {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}
