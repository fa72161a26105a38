package phone

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// metadataPatterns returns every number pattern of every region: type
// descriptions, leading digits, formats and their leading digits.
func metadataPatterns(t *testing.T) (full, prefix []string) {
	t.Helper()
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	add := func(list *[]string, p string, isPrefix bool) {
		key := map[bool]string{true: "p", false: "f"}[isPrefix] + p
		if p != "" && !seen[key] {
			seen[key] = true
			*list = append(*list, p)
		}
	}
	for _, md := range coll.GetMetadata() {
		for _, d := range []*phonenumbers.PhoneNumberDesc{
			md.GetGeneralDesc(), md.GetFixedLine(), md.GetMobile(), md.GetTollFree(),
			md.GetPremiumRate(), md.GetSharedCost(), md.GetPersonalNumber(), md.GetVoip(),
			md.GetPager(), md.GetUan(), md.GetVoicemail(),
		} {
			add(&full, d.GetNationalNumberPattern(), false)
		}
		add(&prefix, md.GetLeadingDigits(), true)
		add(&prefix, md.GetNationalPrefixForParsing(), true)
		for _, f := range md.GetNumberFormat() {
			add(&full, f.GetPattern(), false)
			for _, ldp := range f.GetLeadingDigitsPattern() {
				add(&prefix, ldp, true)
			}
		}
	}
	return full, prefix
}

// TestDigitDFAMatchesRegexp compares the automaton with the regexp package,
// as the library uses it, for every pattern in the metadata on random
// digit strings and on strings built to follow the pattern's own digits.
func TestDigitDFAMatchesRegexp(t *testing.T) {
	full, prefix := metadataPatterns(t)
	rng := rand.New(rand.NewPCG(1, 2))
	samples := 300
	if testing.Short() {
		samples = 50
	}
	built, skipped := 0, 0
	check := func(p string, isPrefix bool) {
		d, err := newDigitDFA(p, isPrefix)
		if err != nil {
			skipped++ // the fast path does not use such a pattern either
			return
		}
		built++
		var re *regexp.Regexp
		if isPrefix {
			re = regexp.MustCompile("^(?:" + p + ")")
		} else {
			re = regexp.MustCompile("^(?:" + p + ")$")
		}
		// Random strings rarely match a long pattern, so also grow strings
		// digit by digit along live states of the automaton.
		for range samples {
			var s string
			if rng.IntN(2) == 0 {
				s = randomDigits(rng, rng.IntN(18))
			} else {
				s = liveWalk(d, rng, rng.IntN(18))
			}
			if got, want := d.match(s), re.MatchString(s); got != want {
				t.Fatalf("pattern %q (prefix %v) on %q: automaton %v, regexp %v", p, isPrefix, s, got, want)
			}
		}
	}
	for _, p := range full {
		check(p, false)
	}
	for _, p := range prefix {
		check(p, true)
	}
	t.Logf("%d automata checked, %d patterns not modelled", built, skipped)
	if built < 1000 {
		t.Errorf("only %d automata built", built)
	}
}

// TestDigitDFAOutcomes checks outcomes against brute force on short
// continuations.
func TestDigitDFAOutcomes(t *testing.T) {
	for _, p := range []string{`[2-9]\d{9}|3\d{6}`, `7(?:[1-3]\d\d|4(?:[0-46-9]\d|5[0-689]))\d{6}`, `1\d{7,12}`, `(?:000800|[2-9]\d\d)\d{7}`} {
		d, err := newDigitDFA(p, false)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile("^(?:" + p + ")$")
		for _, pre := range []string{"", "3", "7", "74", "745", "2", "1", "0008"} {
			for n := range 4 {
				var want uint8
				for i := range pow10(n) {
					s := pre
					if n > 0 {
						s += zeroPad(i, n)
					}
					if re.MatchString(s) {
						want |= someMatch
					} else {
						want |= someMiss
					}
				}
				if got := d.outcomes(d.walk(d.start(), pre), n); got != want {
					t.Errorf("%q after %q, %d more digits: outcomes %b, want %b", p, pre, n, got, want)
				}
			}
		}
	}
}

func TestDigitDFARefusesAssertions(t *testing.T) {
	if _, err := newDigitDFA(`\b12`, false); err == nil {
		t.Error("word boundary accepted")
	}
	if _, err := newDigitDFA(`1^2`, false); err == nil {
		t.Error("anchor accepted")
	}
}

func randomDigits(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	return b.String()
}

// liveWalk returns up to n digits, each chosen among those that keep the
// automaton alive when there are any.
func liveWalk(d *digitDFA, rng *rand.Rand, n int) string {
	var b strings.Builder
	st := d.start()
	for range n {
		var live []int
		for digit := range 10 {
			if d.next[st][digit] != 0 {
				live = append(live, digit)
			}
		}
		digit := rng.IntN(10)
		if len(live) > 0 && rng.IntN(8) != 0 {
			digit = live[rng.IntN(len(live))]
		}
		b.WriteByte(byte('0' + digit))
		st = d.next[st][digit]
	}
	return b.String()
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}
