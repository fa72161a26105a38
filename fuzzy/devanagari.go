package fuzzy

import "strings"

// Devanagari is written as consonants that carry an inherent "a", vowel
// signs that replace it, and a virama that removes it. Turning it into the
// Latin letters its owners would type (राहुल -> rahul, शर्मा -> sharma) is a
// table and three rules, cheap enough to do for every name, and it lets a
// Hindi and an English spelling of one name meet.

var devConsonants = map[rune]string{
	'क': "k", 'ख': "kh", 'ग': "g", 'घ': "gh", 'ङ': "n",
	'च': "ch", 'छ': "chh", 'ज': "j", 'झ': "jh", 'ञ': "n",
	'ट': "t", 'ठ': "th", 'ड': "d", 'ढ': "dh", 'ण': "n",
	'त': "t", 'थ': "th", 'द': "d", 'ध': "dh", 'न': "n",
	'प': "p", 'फ': "ph", 'ब': "b", 'भ': "bh", 'म': "m",
	'य': "y", 'र': "r", 'ल': "l", 'व': "v", 'ळ': "l",
	'श': "sh", 'ष': "sh", 'स': "s", 'ह': "h",
}

var devVowels = map[rune]string{
	'अ': "a", 'आ': "a", 'इ': "i", 'ई': "i", 'उ': "u", 'ऊ': "u", 'ऋ': "ri",
	'ए': "e", 'ऐ': "ai", 'ओ': "o", 'औ': "au", 'ऑ': "o", 'ऍ': "e",
}

var devSigns = map[rune]string{
	'ा': "a", 'ि': "i", 'ी': "i", 'ु': "u", 'ू': "u", 'ृ': "ri",
	'े': "e", 'ै': "ai", 'ो': "o", 'ौ': "au", 'ॉ': "o", 'ॅ': "e",
}

const (
	devVirama  = '्'
	devNukta   = '़'
	devAnusvar = 'ं'
	devCandra  = 'ँ'
	devVisarga = 'ः'
)

// latinizeDevanagari rewrites the Devanagari letters of s (in NFD, so that
// nukta forms arrive as base letter + nukta) in Latin letters and leaves
// everything else alone. A word's final inherent vowel is silent, as Hindi
// speaks it, unless it ends a cluster (आदित्य -> aditya).
func latinizeDevanagari(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x0900 && r <= 0x097F }) {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if c, ok := devConsonants[r]; ok {
			clustered := i > 0 && rs[i-1] == devVirama
			b.WriteString(c)
			j := i + 1
			for j < len(rs) && rs[j] == devNukta {
				j++
			}
			switch {
			case j < len(rs) && rs[j] == devVirama:
				i = j // no vowel
			case j < len(rs) && devSigns[rs[j]] != "":
				b.WriteString(devSigns[rs[j]])
				i = j
			default:
				i = j - 1
				wordEnd := j >= len(rs) || !isDevanagariLetter(rs[j])
				if !wordEnd || clustered {
					b.WriteByte('a')
				}
			}
			continue
		}
		if v, ok := devVowels[r]; ok {
			b.WriteString(v)
			continue
		}
		switch r {
		case devAnusvar, devCandra:
			b.WriteByte('n')
		case devVisarga:
			b.WriteByte('h')
		case devVirama, devNukta:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isDevanagariLetter(r rune) bool {
	return devConsonants[r] != "" || devVowels[r] != "" || devSigns[r] != "" ||
		r == devAnusvar || r == devCandra || r == devVisarga || r == devVirama || r == devNukta
}
