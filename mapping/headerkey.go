package mapping

import (
	"strings"
	"unicode"
)

// HeaderKey folds a header for matching: lower-case, and every run of white
// space (NBSP included), "_", "-" and "." becomes one space, trimmed. So
// "E-mail 1 - Value", "e_mail 1 value" and "E-MAIL\u00a01 . VALUE" all fold
// to "e mail 1 value". A byte-order mark is dropped too: a file reader that
// misses one leaves it stuck to the first header.
func HeaderKey(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	pendingSpace := false
	for _, r := range h {
		switch {
		case r == '\uFEFF':
			continue
		case unicode.IsSpace(r) || r == '_' || r == '-' || r == '.':
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// maxSlug is the longest custom field name (customName allows 64).
const maxSlug = 64

// Slug turns a header into a custom field name: lower-case, common accented
// Latin letters spelled without their accents ("höbbela" -> "hobbela", so
// that the name stays readable), every other run of characters outside
// [a-z0-9] becomes "_", trimmed of "_" and cut to 64 characters.
// It returns "" when nothing is left ("電話"); Suggest then names the column
// by its position.
func Slug(h string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(h) {
		s := string(r)
		if r >= 0x80 {
			s = foldAccent(r)
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				if underscore && b.Len() > 0 {
					b.WriteByte('_')
				}
				underscore = false
				b.WriteByte(c)
			} else {
				underscore = true
			}
		}
		if s == "" {
			underscore = true
		}
	}
	out := b.String()
	if len(out) > maxSlug {
		out = strings.TrimRight(out[:maxSlug], "_")
	}
	return out
}

// foldAccent spells a lower-case Latin letter with diacritics in plain ASCII,
// or returns "" for anything else. It covers Latin-1 and Latin Extended-A,
// which is what contact headers in European languages use; the standard
// library has no Unicode decomposition to do it generally.
func foldAccent(r rune) string {
	if s, ok := accentFolds[r]; ok {
		return s
	}
	return ""
}

var accentFolds = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ð': "d", 'þ': "th", 'ł': "l", 'đ': "d", 'ı': "i", 'ħ': "h", 'ŀ': "l"}
	groups := map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ",
		"h": "ĥ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľ", "n": "ñńņňŉ",
		"o": "òóôõöōŏő", "r": "ŕŗř", "s": "śŝşš", "t": "ţťŧ", "u": "ùúûüũūŭůűų",
		"w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	}
	for plain, accented := range groups {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()
