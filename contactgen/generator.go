// Package contactgen generates realistic contacts for benchmarks and import
// tests: Indian, US and UK people with phones written the many ways address
// books write them, about 5% duplicates of earlier people and about 1% rows
// that no store should accept. The same seed always gives the same rows, so
// a benchmark can be repeated and two runs compared.
package contactgen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/contactd/contactd"
)

// Row kinds.
const (
	KindOK  = "ok"  // a new person with a valid phone and email
	KindDup = "dup" // an earlier ok person again: same phone written another way
	KindBad = "bad" // an invalid phone or email
)

// Shares of duplicate and bad rows.
const (
	dupRate = 0.05
	badRate = 0.01
)

// recentSize bounds the memory of earlier people that duplicates are drawn
// from: real duplicates come from merged lists, not from the row above.
const recentSize = 8192

// Row is one generated contact as a person would have typed it.
type Row struct {
	Phone, FirstName, LastName, Email, Company, City, Country string
	Tags                                                      []string
	Kind                                                      string
	// E164 is the number Phone stands for; "" when Phone is not a number.
	// For a dup it is the E164 of the person it repeats.
	E164 string
}

// Input is the row as a store create request.
func (r Row) Input() contactd.ContactInput {
	return contactd.ContactInput{
		PhoneE164: r.Phone, FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
		Company: r.Company, City: r.City, Country: r.Country, Tags: r.Tags,
	}
}

// person is an ok row with what a duplicate needs to write it again.
type person struct {
	row   Row
	plan  *plan
	nsn   string
	form  int
	latin [2]string // first and last name as an email address spells them
}

// Generator makes rows. It is not safe for concurrent use.
type Generator struct {
	rng    *rand.Rand
	in     *plan
	us     *plan
	ukMob  *plan
	london *plan
	manc   *plan
	recent []person
	seen   int // ok rows made, the ring position of recent
	// taken counts the people given each address so far: a mail provider
	// gives a second Rahul Sharma rahul.sharma2, not the first one's
	// mailbox. Without it a million rows shared a few thousand addresses,
	// which no real list does and which made every row look like a
	// duplicate of dozens of others.
	taken map[string]int
}

// New returns a generator whose rows depend on seed alone.
func New(seed uint64) *Generator {
	mix := seed*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
	return &Generator{
		rng:    rand.New(rand.NewPCG(seed, mix)),
		in:     newPlan("IN", "91", indianPrefixes(), 7, 0, indianForms, mix),
		us:     newPlan("US", "1", usPrefixes(), 7, 2_000_000, usForms, mix>>3),
		ukMob:  newPlan("GB", "44", ukMobilePrefixes, 6, 0, ukMobileForms, mix>>5),
		london: newPlan("GB", "44", []string{"203", "207", "208"}, 7, 0, ukLandlineForms, mix>>7),
		manc:   newPlan("GB", "44", []string{"161"}, 7, 2_000_000, ukLandlineForms, mix>>11),
		taken:  map[string]int{},
	}
}

// Next returns the next row.
func (g *Generator) Next() Row {
	u := g.rng.Float64()
	switch {
	case u < badRate:
		return g.bad()
	case u < badRate+dupRate && len(g.recent) > 0:
		return g.dup()
	}
	p := g.person()
	if len(g.recent) < recentSize {
		g.recent = append(g.recent, p)
	} else {
		g.recent[g.seen%recentSize] = p
	}
	g.seen++
	return p.row
}

// pick returns an element of list, favouring the front: u^1.5 of a uniform
// u puts about 3% of the picks of a 160-name list on its first name.
func pick[T any](g *Generator, list []T) T { return list[g.skewed(len(list))] }

func (g *Generator) skewed(n int) int {
	return int(math.Pow(g.rng.Float64(), 1.5) * float64(n))
}

func (g *Generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *Generator) person() person {
	var p person
	r := &p.row
	r.Kind = KindOK
	var mail []string
	var companies []company
	switch u := g.rng.Float64(); {
	case u < 0.60:
		r.Country, mail, companies = "IN", indianMail, indianCompanies
		p.plan = g.in
		r.City = pick(g, indianCities)
		g.names(&p, indianFirst, indianLast, true)
	case u < 0.85:
		r.Country, mail, companies = "US", usMail, usCompanies
		p.plan = g.us
		g.names(&p, usFirst, usLast, false)
	default:
		r.Country, mail, companies = "GB", ukMail, ukCompanies
		switch v := g.rng.Float64(); {
		case v < 0.75:
			p.plan, r.City = g.ukMob, pick(g, ukCities)
		case v < 0.92:
			p.plan, r.City = g.london, "London"
		default:
			p.plan, r.City = g.manc, "Manchester"
		}
		g.names(&p, ukFirst, ukLast, false)
	}
	p.nsn = p.plan.take()
	if r.Country == "US" {
		r.City = usAreas[areaIndex(p.nsn)].city
	}
	forms := p.plan.forms(p.nsn)
	p.form = g.skewed(len(forms)) // earlier forms are the common ones
	r.Phone = forms[p.form]
	r.E164 = "+" + p.plan.cc + p.nsn
	var co company
	if g.chance(0.6) {
		co = companies[g.rng.IntN(len(companies))]
		r.Company = co.name
	}
	if g.chance(0.9) {
		domain := pick(g, mail)
		if co.domain != "" && g.chance(0.3) {
			domain = co.domain
		}
		r.Email = g.address(g.localPart(p.latin), domain)
	}
	r.Tags = g.tags()
	return p
}

// names fills the person's names; devanagari allows names in that script.
func (g *Generator) names(p *person, first, last []string, devanagari bool) {
	switch {
	case devanagari && g.chance(0.04):
		f, l := devanagariFirst[g.rng.IntN(len(devanagariFirst))], devanagariLast[g.rng.IntN(len(devanagariLast))]
		p.row.FirstName, p.row.LastName = f[0], l[0]
		p.latin = [2]string{f[1], l[1]}
		return
	case g.chance(0.03):
		p.row.FirstName = accentedFirst[g.rng.IntN(len(accentedFirst))]
	default:
		p.row.FirstName = pick(g, first)
	}
	switch {
	case g.chance(0.03):
		p.row.LastName = accentedLast[g.rng.IntN(len(accentedLast))]
	case g.chance(0.01):
		p.row.LastName = apostropheLast[g.rng.IntN(len(apostropheLast))]
	default:
		p.row.LastName = pick(g, last)
	}
	p.latin = [2]string{latin(p.row.FirstName), latin(p.row.LastName)}
}

// localPart derives an address from a name the ways people do.
func (g *Generator) localPart(n [2]string) string {
	f, l := n[0], n[1]
	switch g.rng.IntN(6) {
	case 0:
		return f + "." + l
	case 1:
		return f + l
	case 2:
		return f + "_" + l
	case 3:
		return f[:1] + "." + l
	case 4:
		return f + "." + l + strconv.Itoa(g.rng.IntN(100))
	default:
		return f + strconv.Itoa(1960+g.rng.IntN(45))
	}
}

// address returns local@domain, numbered when someone has it already.
func (g *Generator) address(local, domain string) string {
	a := local + "@" + domain
	n := g.taken[a]
	g.taken[a] = n + 1
	if n == 0 {
		return a
	}
	return local + strconv.Itoa(n+1) + "@" + domain
}

func (g *Generator) tags() []string {
	n := g.rng.IntN(4)
	out := make([]string, 0, n)
	for len(out) < n {
		t := tagSet[g.rng.IntN(len(tagSet))]
		if indexOf(out, t) < 0 {
			out = append(out, t)
		}
	}
	return out
}

// latin spells a name in lower-case ASCII letters: "José" -> "jose",
// "O'Brien" -> "obrien".
func latin(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "contact"
	}
	return b.String()
}

func areaIndex(nsn string) int {
	for i, a := range usAreas {
		if strconv.Itoa(a.code) == nsn[:3] {
			return i
		}
	}
	return 0
}

func indexOf[T comparable](list []T, v T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}
