package contactgen

import "strings"

// dup repeats an earlier person the way a second list would hold them: the
// phone in another written form, the name in another case, the email kept,
// dropped or replaced. A store must see it as the same phone.
func (g *Generator) dup() Row {
	p := g.recent[g.rng.IntN(len(g.recent))]
	r := p.row
	r.Kind = KindDup
	r.Tags = append([]string(nil), p.row.Tags...)
	forms := p.plan.forms(p.nsn)
	form := g.rng.IntN(len(forms) - 1)
	if form >= p.form {
		form++ // any form but the one written first
	}
	r.Phone = forms[form]
	switch g.rng.IntN(3) {
	case 0:
		r.FirstName, r.LastName = strings.ToUpper(r.FirstName), strings.ToUpper(r.LastName)
	case 1:
		r.FirstName, r.LastName = strings.ToLower(r.FirstName), strings.ToLower(r.LastName)
	default:
		r.FirstName = strings.ToUpper(r.FirstName)
	}
	switch u := g.rng.Float64(); {
	case u < 0.3:
		r.Email = ""
	case u < 0.5:
		r.Email = g.address(g.localPart(p.latin), pick(g, []string{"gmail.com", "outlook.com", "yahoo.com"}))
	}
	return r
}

// Phones that no parser should accept.
var badPhones = []string{"12345", "n/a", "", "+91 12345", "000000", "call me later", "99999", "N/A", "-", "+1 555"}

// bad is a new person with a broken phone or email. Its number is taken from
// the ranges all the same, so that the good rows stay what they would be.
func (g *Generator) bad() Row {
	r := g.person().row
	r.Kind = KindBad
	if g.chance(0.7) {
		r.Phone, r.E164 = badPhones[g.rng.IntN(len(badPhones))], ""
		return r
	}
	local, domain := "someone", "gmail.com"
	if at := strings.LastIndexByte(r.Email, '@'); at > 0 {
		local, domain = r.Email[:at], r.Email[at+1:]
	}
	switch g.rng.IntN(5) {
	case 0:
		r.Email = local + "@"
	case 1:
		r.Email = local + "." + domain // the @ forgotten
	case 2:
		r.Email = local + "@@" + domain
	case 3:
		r.Email = local + " at " + domain
	default:
		r.Email = local + "@" + strings.Split(domain, ".")[0] // a domain without a dot
	}
	return r
}
