package main

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/contactd/contactd/phone"
)

// queryClass is one kind of thing people type into the search box. make
// draws a query from a loaded contact, or returns false when that contact
// cannot give one (no email, a name too short), and another is drawn.
type queryClass struct {
	name string
	make func(rng *rand.Rand, s sampled) (string, bool)
	// mustMatch: a query drawn from a loaded contact must find at least it.
	mustMatch bool
}

var queryClasses = []queryClass{
	{"name substring", nameSubstring, true},
	{"first name", func(_ *rand.Rand, s sampled) (string, bool) { return s.row.FirstName, true }, true},
	{"first last", func(_ *rand.Rand, s sampled) (string, bool) { return s.row.FirstName + " " + s.row.LastName, true }, true},
	{"email local part", func(_ *rand.Rand, s sampled) (string, bool) {
		local, _, ok := strings.Cut(s.row.Email, "@")
		return local, ok
	}, true},
	{"email domain", func(_ *rand.Rand, s sampled) (string, bool) {
		_, domain, ok := strings.Cut(s.row.Email, "@")
		return domain, ok
	}, true},
	{"company", func(_ *rand.Rand, s sampled) (string, bool) { return s.row.Company, s.row.Company != "" }, true},
	{"phone suffix", func(rng *rand.Rand, s sampled) (string, bool) {
		n := 5 + rng.IntN(3)
		return s.row.E164[len(s.row.E164)-n:], true
	}, true},
	{"national form", func(_ *rand.Rand, s sampled) (string, bool) {
		n, err := phone.Normalize(s.row.E164, "")
		return n.National, err == nil
	}, true},
	{"E.164 with spaces", func(_ *rand.Rand, s sampled) (string, bool) { return spacedE164(s.row.E164), true }, true},
	{"no match", noMatch, false},
}

// nameSubstring is 3 to 5 letters from inside a first or last name, as
// someone types who remembers part of it.
func nameSubstring(rng *rand.Rand, s sampled) (string, bool) {
	name := []rune(s.row.LastName)
	if rng.IntN(2) == 0 {
		name = []rune(s.row.FirstName)
	}
	if len(name) < 5 {
		return "", false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) {
			return "", false
		}
	}
	n := 3 + rng.IntN(min(3, len(name)-3)) // leave a letter before it at least
	start := 1 + rng.IntN(len(name)-n)
	return string(name[start : start+n]), true
}

// noMatch is a string of rare letters no generated contact holds.
func noMatch(rng *rand.Rand, _ sampled) (string, bool) {
	const rare = "qxzjvkw"
	b := make([]byte, 6+rng.IntN(3))
	for i := range b {
		b[i] = rare[rng.IntN(len(rare))]
	}
	return string(b), true
}

// spacedE164 writes +919900000001 as "+91 99000 00001", +12125550143 as
// "+1 212 555 0143" and +447400123456 as "+44 7400 123456".
func spacedE164(e string) string {
	switch {
	case strings.HasPrefix(e, "+91"):
		return "+91 " + e[3:8] + " " + e[8:]
	case strings.HasPrefix(e, "+1"):
		return "+1 " + e[2:5] + " " + e[5:8] + " " + e[8:]
	case strings.HasPrefix(e, "+44"):
		return "+44 " + e[3:7] + " " + e[7:]
	}
	return e
}

// drawQueries returns perClass queries of every class, interleaved so that
// no class runs on a cache the one before it warmed.
func drawQueries(rng *rand.Rand, sample []sampled, perClass int) []query {
	var out []query
	for _, c := range queryClasses {
		for got := 0; got < perClass; {
			s := sample[rng.IntN(len(sample))]
			if q, ok := c.make(rng, s); ok && strings.TrimSpace(q) != "" {
				out = append(out, query{class: c, text: q})
				got++
			}
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

type query struct {
	class queryClass
	text  string
}
