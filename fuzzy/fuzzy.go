// Package fuzzy decides whether two written names may be the same person's:
// it folds away case, accents, Unicode forms and (cheaply) Devanagari
// script, cuts names into blocking keys that similar spellings share, and
// scores a pair with Jaro-Winkler per name token.
//
// The blocking keys let a store find candidate pairs with an index lookup
// instead of comparing every pair; the score then decides which candidates
// really are alike. See README.md ("Duplicates") for what counts as similar.
package fuzzy

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s, strips accents, spells special Latin letters out
// (ß -> ss, ø -> o), transliterates Devanagari into Latin letters and turns
// every run of other characters into one space. Apostrophes vanish, so
// O'Brien and OBrien fold alike.
func Fold(s string) string {
	s = strings.ToLower(strings.ToValidUTF8(s, " "))
	s = latinizeDevanagari(norm.NFD.String(s))
	var b strings.Builder
	space := true
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			continue
		case r == '\'' || r == '\u2019' || r == '`' || r == '\u02bc':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if sp, ok := spelledOut[r]; ok {
				b.WriteString(sp)
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
			space = false
		default:
			if !space {
				b.WriteByte(' ')
			}
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// spelledOut are Latin letters that do not decompose into a base letter and
// an accent.
var spelledOut = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th",
	'ı': "i", 'ħ': "h", 'Ħ': "h",
}

// titles are honorifics that say nothing about who someone is.
var titles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "shri": true, "smt": true}

// NameTokens folds a person's first and last name into words, honorifics
// left out.
func NameTokens(first, last string) []string {
	var out []string
	for _, t := range strings.Fields(Fold(first + " " + last)) {
		if !titles[t] {
			out = append(out, t)
		}
	}
	return out
}

// maxKeyTokens bounds how many words of a long name make keys: the first
// four carry the person's given and family names.
const maxKeyTokens = 4

// PairKeys returns the blocking keys of a name: for every pair of its words
// (initials left out), their two skeletons in sorted order. Names that share
// a key are candidates; one word alone (a first name) makes no key, since
// it would tie together everyone called Rahul.
func PairKeys(tokens []string) []string {
	var sk []string
	for _, t := range tokens {
		if len([]rune(t)) < 2 {
			continue
		}
		sk = append(sk, Skeleton(t))
		if len(sk) == maxKeyTokens {
			break
		}
	}
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(sk); i++ {
		for j := i + 1; j < len(sk); j++ {
			a, b := sk[i], sk[j]
			if b < a {
				a, b = b, a
			}
			k := a + " " + b
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Skeleton reduces a folded word to the consonants that survive the ways
// people misspell and transliterate names: vowels (after the first letter),
// h and doubled letters drop out, and letters that sound alike merge
// (c/k/q, s/z, v/w/f, ph/f). Rahul, Raahul and राहुल all give "rl";
// Sharma, Sarma and Sharmaa give "srm"; Jon and John give "jn".
func Skeleton(word string) string {
	word = strings.ReplaceAll(word, "ph", "f")
	var b []rune
	for i, r := range word {
		m := soundAlike(r)
		if i == 0 {
			if isVowel(r) {
				m = 'a'
			}
		} else if isVowel(r) || r == 'h' {
			continue
		}
		if m == 'x' {
			b = appendDistinct(b, 'k')
			m = 's'
		}
		b = appendDistinct(b, m)
	}
	return string(b)
}

func appendDistinct(b []rune, r rune) []rune {
	if len(b) > 0 && b[len(b)-1] == r {
		return b
	}
	return append(b, r)
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

func soundAlike(r rune) rune {
	switch r {
	case 'c', 'q':
		return 'k'
	case 'z':
		return 's'
	case 'v', 'w':
		return 'f'
	}
	return r
}

// Thresholds of Similar: the mean of the best per-word scores, and the
// least any word may score.
const (
	MinMean = 0.88
	MinWord = 0.80
)

// Similar scores two names given as tokens (see NameTokens): each word of
// the shorter name is paired with the most alike unused word of the other
// by Jaro-Winkler, and the score is the mean of those pairs. Word order
// does not matter and a middle name in only one of them costs nothing. ok
// reports whether the names count as the same: at least two words each, a
// mean of MinMean and no word below MinWord.
func Similar(a, b []string) (score float64, ok bool) {
	if len(a) < 2 || len(b) < 2 {
		return 0, false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	type pair struct {
		i, j int
		s    float64
	}
	pairs := make([]pair, 0, len(a)*len(b))
	for i, x := range a {
		for j, y := range b {
			pairs = append(pairs, pair{i, j, JaroWinkler(x, y)})
		}
	}
	sort.SliceStable(pairs, func(p, q int) bool { return pairs[p].s > pairs[q].s })
	usedA, usedB := make([]bool, len(a)), make([]bool, len(b))
	sum, least, n := 0.0, 1.0, 0
	for _, p := range pairs {
		if usedA[p.i] || usedB[p.j] {
			continue
		}
		usedA[p.i], usedB[p.j] = true, true
		sum += p.s
		least = min(least, p.s)
		n++
	}
	score = sum / float64(n)
	return score, score >= MinMean && least >= MinWord
}

// JaroWinkler is the Jaro similarity of a and b (0 to 1, by runes) raised
// for a common prefix of up to four runes, with the usual scale of 0.1.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	window := max(len(ra), len(rb))/2 - 1
	window = max(window, 0)
	matchA, matchB := make([]bool, len(ra)), make([]bool, len(rb))
	matches := 0
	for i, r := range ra {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !matchB[j] && rb[j] == r {
				matchA[i], matchB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := range ra {
		if !matchA[i] {
			continue
		}
		for !matchB[j] {
			j++
		}
		if ra[i] != rb[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(transpositions)/2)/m) / 3
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// companySuffixes are legal forms that one list writes and another leaves
// out ("Acme Realty Pvt. Ltd." and "Acme Realty" are one company).
var companySuffixes = map[string]bool{
	"pvt": true, "private": true, "ltd": true, "limited": true, "llc": true, "llp": true, "inc": true,
	"incorporated": true, "corp": true, "corporation": true, "co": true, "company": true, "plc": true,
	"gmbh": true, "ag": true, "sa": true, "bv": true, "pty": true, "the": true,
}

// Company folds a company name and drops its legal form.
func Company(s string) string {
	var out []string
	for _, t := range strings.Fields(Fold(s)) {
		if !companySuffixes[t] {
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// Place folds a city name.
func Place(s string) string { return Fold(s) }
