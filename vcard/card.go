package vcard

import (
	"slices"
	"strconv"
	"strings"
)

// maxValue caps what lands in one column, as tabfile caps a cell.
const maxValue = 64 << 10

// maxMobileGroups caps the item groups remembered as labelled mobile, so a
// card of a million "itemN.X-ABLabel:mobile" lines costs nothing.
const maxMobileGroups = 1000

// card gathers the properties of one vCard into a row.
type card struct {
	line   int // of BEGIN:VCARD
	fields [numCols]string
	// phones and emails wait for END:VCARD: an item group's label may
	// come after its TEL, and a preferred email after the others.
	phones       []phone
	phoneBytes   int
	emails       []email
	emailBytes   int
	mobileGroups map[string]bool
	adrPref      bool // City and Country came from a preferred ADR
	adrSet       bool
	// NOTE and CATEGORIES gather here: appending to a field string would
	// copy it whole for every property, quadratic in a card of many notes.
	notes, categories strings.Builder
}

type phone struct {
	number string
	group  string
	mobile bool
}

type email struct {
	addr string
	rank int // pref 1-100; 101 when not preferred
}

func (c *card) reset(line int) {
	*c = card{line: line, phones: c.phones[:0], emails: c.emails[:0]}
}

// add maps one property, its value decoded to UTF-8 but not unescaped.
// Of most properties the first that is not empty counts; NOTE and
// CATEGORIES gather all; TEL and EMAIL all, in columns at END:VCARD.
// Returns cell_too_large when what gathers grows past what the columns hold.
func (c *card) add(h *head, line int, v string) error {
	switch h.kind {
	case kindFN:
		c.first(colFullName, unescape(v))
	case kindN:
		c.name(v)
	case kindNickname:
		c.first(colNickname, unescape(v))
	case kindOrg:
		// The organization, not its units ("IBM;Accounting").
		c.first(colOrganization, unescape(component(v, 0)))
	case kindTitle:
		c.first(colTitle, unescape(v))
	case kindBday:
		c.first(colBirthday, unescape(v))
	case kindURL:
		c.first(colURL, unescape(v))
	case kindNote:
		return gather(&c.notes, unescape(v), "\n", line, colNote)
	case kindCategories:
		return gather(&c.categories, unescape(v), ",", line, colCategories)
	case kindAdr:
		c.address(v, h.pref > 0)
	case kindTel:
		return c.phone(h, v, line)
	case kindEmail:
		return c.email(h, v, line)
	case kindLabel:
		if h.group != "" && isMobileLabel(unescape(v)) && len(c.mobileGroups) < maxMobileGroups {
			if c.mobileGroups == nil {
				c.mobileGroups = map[string]bool{}
			}
			c.mobileGroups[h.group] = true
		}
	}
	return nil
}

func (c *card) first(col int, v string) {
	if c.fields[col] == "" {
		c.fields[col] = strings.TrimSpace(v)
	}
}

// gather appends v to b after sep, unless v is empty.
func gather(b *strings.Builder, v, sep string, line, col int) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if b.Len() > 0 {
		if b.Len()+len(sep)+len(v) > maxValue {
			return tooLarge(line, Headers[col])
		}
		b.WriteString(sep)
	}
	b.WriteString(v)
	return nil
}

// name reads N: family; given; additional; prefixes; suffixes. Short N
// values are common (Forrest Gump's "N:Gump;Forrest;Mr." has three parts)
// and read as far as they go. The first N with any name in it counts.
func (c *card) name(v string) {
	if c.fields[colFirstName] != "" || c.fields[colLastName] != "" || c.fields[colMiddleName] != "" {
		return
	}
	c.fields[colLastName] = nameList(component(v, 0))
	c.fields[colFirstName] = nameList(component(v, 1))
	c.fields[colMiddleName] = nameList(component(v, 2))
}

// address reads City and Country from ADR: pobox; ext; street; locality;
// region; code; country. Both come from one ADR, the first that has either,
// or a later preferred one.
func (c *card) address(v string, pref bool) {
	if c.adrSet && (c.adrPref || !pref) {
		return
	}
	city := strings.TrimSpace(unescape(component(v, 3)))
	country := strings.TrimSpace(unescape(component(v, 6)))
	if city == "" && country == "" {
		return
	}
	c.fields[colCity], c.fields[colCountry] = city, country
	c.adrSet, c.adrPref = true, pref
}

func (c *card) phone(h *head, v string, line int) error {
	n := strings.TrimSpace(unescape(v))
	// 4.0 writes TEL;VALUE=uri:tel:+1-418-656-9254;ext=102. The scheme goes;
	// the extension stays as written for the phone parser to judge.
	if len(n) >= 4 && strings.EqualFold(n[:4], "tel:") {
		n = strings.TrimSpace(n[4:])
	}
	if n == "" {
		return nil
	}
	c.phoneBytes += len(n) + len(h.group) + len(multiSep)
	// The mobile and four phones hold at most 5*maxValue; past 6*maxValue,
	// Phone (5) is over maxValue however the phones fall.
	if c.phoneBytes > 6*maxValue {
		return tooLarge(line, Headers[colLastPhone])
	}
	c.phones = append(c.phones, phone{number: n, group: h.group, mobile: h.mobile})
	return nil
}

func (c *card) email(h *head, v string, line int) error {
	a := strings.TrimSpace(unescape(v))
	if len(a) >= 7 && strings.EqualFold(a[:7], "mailto:") {
		a = strings.TrimSpace(a[7:])
	}
	if a == "" {
		return nil
	}
	c.emailBytes += len(a) + len(multiSep)
	if c.emailBytes > 3*maxValue {
		return tooLarge(line, Headers[colLastEmail])
	}
	rank := h.pref
	if rank == 0 {
		rank = 101
	}
	c.emails = append(c.emails, email{addr: a, rank: rank})
	return nil
}

// isMobileLabel tells a mobile from an Apple or Google item label:
// "mobile", or Apple's "_$!<Mobile>!$_".
func isMobileLabel(l string) bool {
	l = strings.TrimSpace(l)
	l = strings.TrimPrefix(l, "_$!<")
	l = strings.TrimSuffix(l, ">!$_")
	switch strings.ToLower(strings.TrimSpace(l)) {
	case "mobile", "cell", "cellular", "iphone", "mobile phone", "cell phone":
		return true
	}
	return false
}

// row lays the card out under Headers. The first mobile is Mobile Phone
// and the other phones fill Phone to Phone (5) in file order; emails go
// preferred first. What does not fit is joined into the last column with
// " ::: ", so nothing is lost. Returns cell_too_large, at the card's line,
// when a column is over maxValue.
func (c *card) row() ([]string, error) {
	row := make([]string, numCols)
	copy(row, c.fields[:])
	row[colNote], row[colCategories] = c.notes.String(), c.categories.String()

	mobile := slices.IndexFunc(c.phones, func(p phone) bool {
		return p.mobile || p.group != "" && c.mobileGroups[p.group]
	})
	var others []string
	for i, p := range c.phones {
		if i == mobile {
			row[colMobile] = p.number
		} else {
			others = append(others, p.number)
		}
	}
	spread(row[colPhone:colLastPhone+1], others)

	slices.SortStableFunc(c.emails, func(a, b email) int { return a.rank - b.rank })
	addrs := make([]string, len(c.emails))
	for i, e := range c.emails {
		addrs[i] = e.addr
	}
	spread(row[colEmail:colLastEmail+1], addrs)

	for i, v := range row {
		if len(v) > maxValue {
			return nil, tooLarge(c.line, Headers[i])
		}
		// PostgreSQL refuses NUL in text, and no name or number holds one.
		if strings.IndexByte(v, 0) >= 0 {
			row[i] = strings.ReplaceAll(v, "\x00", "")
		}
	}
	return row, nil
}

// spread puts one value in each column and the rest in the last one.
func spread(cols, vals []string) {
	for i, v := range vals {
		if i < len(cols)-1 {
			cols[i] = v
			continue
		}
		cols[len(cols)-1] = strings.Join(vals[i:], multiSep)
		return
	}
}

func tooLarge(line int, column string) *Error {
	return newError(CodeCellTooLarge, line, "the "+strconv.Quote(column)+
		" value of this card is over 64 KiB; shorten it in the address book and export again")
}
