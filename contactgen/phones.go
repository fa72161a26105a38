package contactgen

import (
	"fmt"
	"strconv"
)

// plan is one numbering range: numbers are cc + a prefix + a subscriber
// number of subLen digits. Each range hands out its numbers through a
// bijection of a counter, so a generator never repeats a number by chance:
// every repeat in the data is a deliberate duplicate.
type plan struct {
	country  string   // ISO region: IN, US, GB
	cc       string   // calling code
	prefixes []string // leading digits of the national significant number
	subLen   int      // digits after the prefix
	subMin   int      // lowest subscriber number (NANP exchanges start at 2)
	forms    func(nsn string) []string
	// mult is coprime with the range's size, so i -> (i*mult + offset) mod
	// size visits every number once before repeating.
	mult, offset, size uint64
	next               uint64
}

func newPlan(country, cc string, prefixes []string, subLen, subMin int, forms func(string) []string, seed uint64) *plan {
	p := &plan{country: country, cc: cc, prefixes: prefixes, subLen: subLen, subMin: subMin, forms: forms}
	p.size = uint64(len(prefixes)) * (pow10(subLen) - uint64(subMin))
	// A step near size/phi scatters consecutive numbers over the whole
	// range instead of counting up, as real numbers would look.
	p.mult = uint64(float64(p.size)*0.6180339887498949) | 1
	for gcd(p.mult, p.size) != 1 {
		p.mult += 2
	}
	p.offset = seed % p.size
	return p
}

// take returns the national significant number of the range's next number.
func (p *plan) take() string {
	i := (p.next*p.mult + p.offset) % p.size
	p.next++
	span := pow10(p.subLen) - uint64(p.subMin)
	prefix := p.prefixes[i/span]
	sub := i%span + uint64(p.subMin)
	return prefix + fmt.Sprintf("%0*d", p.subLen, sub)
}

func pow10(n int) uint64 {
	r := uint64(1)
	for ; n > 0; n-- {
		r *= 10
	}
	return r
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Indian mobiles: ten digits from 6 to 9. Only prefixes that libphonenumber
// knows as mobile ranges are used, 9xx most.
func indianPrefixes() []string {
	var out []string
	for p := 900; p <= 999; p++ {
		out = append(out, strconv.Itoa(p))
	}
	for _, p := range words(`700 701 702 703 704 705 720 721 722 740 741 742 743
		770 771 772 773 774 775 800 810 811 812 840 841 842 843 850 851 852 880 881
		889 890 892 893 894 895 896 897 898 899 600 601 602 603 630 690 691 692 693`) {
		out = append(out, p)
	}
	return out
}

// indianForms are the ways Indian contacts lists write +91 99000 00001.
func indianForms(nsn string) []string {
	a, b := nsn[:5], nsn[5:]
	return []string{
		"+91 " + a + " " + b, // most common first
		nsn,
		"+91" + nsn,
		"0" + nsn,
		"+91-" + nsn,
		"0091-" + nsn,
		"0091 " + a + " " + b,
		"0" + a + " " + b,
	}
}

func usPrefixes() []string {
	out := make([]string, len(usAreas))
	for i, a := range usAreas {
		out[i] = strconv.Itoa(a.code)
	}
	return out
}

// usForms: nsn is area code, exchange and line, "2125550143".
func usForms(nsn string) []string {
	a, e, l := nsn[:3], nsn[3:6], nsn[6:]
	return []string{
		"(" + a + ") " + e + "-" + l,
		"+1-" + a + "-" + e + "-" + l,
		a + "-" + e + "-" + l,
		a + "." + e + "." + l,
		"+1 (" + a + ") " + e + "-" + l,
		"1-" + a + "-" + e + "-" + l,
		"+1" + nsn,
		nsn,
	}
}

var ukMobilePrefixes = words(`7400 7401 7412 7440 7459 7711 7723 7740 7766
	7780 7800 7810 7825 7850 7875 7890 7900 7920 7939 7956 7970 7984 7305
	7340 7380 7507 7535 7590`)

// ukMobileForms: nsn is "7400123456".
func ukMobileForms(nsn string) []string {
	a, b := nsn[:4], nsn[4:]
	return []string{
		"0" + a + " " + b,
		"+44 (0)" + a + " " + b,
		"+44 " + a + " " + b,
		"+44" + nsn,
		"0" + nsn,
		"0044 " + a + " " + b,
	}
}

// ukLandlineForms: nsn is "2079460123" (London) or "1614960123" (Manchester).
func ukLandlineForms(nsn string) []string {
	n := 2 // London: 020 xxxx xxxx
	if nsn[0] == '1' {
		n = 3 // Manchester: 0161 xxx xxxx
	}
	area, rest := nsn[:n], nsn[n:]
	local := rest[:len(rest)-4] + " " + rest[len(rest)-4:]
	return []string{
		"0" + area + " " + local,
		"+44 " + area + " " + local,
		"(0" + area + ") " + local,
		"+44 (0)" + area + " " + local,
		"0" + nsn,
		"+44" + nsn,
	}
}
