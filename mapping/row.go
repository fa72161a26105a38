package mapping

import (
	"strings"
)

// Row is one file row's values gathered by contact field, as raw text:
// nothing is repaired, normalized or validated yet. Empty cells are left
// out, so a custom field or tag only appears when the row has a value.
type Row struct {
	Phone     string   // primary phone; see the package documentation
	AltPhones []string // every other phone value, in column order
	Email     string   // primary email, chosen like the phone
	AltEmails []string
	FirstName string // from first_name, else split from full_name
	LastName  string
	Company   string
	City      string
	Country   string
	Timezone  string
	DNC       string            // the cell as written ("yes", "TRUE", "1"...)
	Tags      []string          // from every tags column, split and de-duplicated
	Custom    map[string]string // custom field name (without "custom.") -> value
}

// Columns is a mapping laid over the columns of one file, ready to read
// every row of it.
type Columns struct {
	targets []string // per column index; "" for columns the mapping leaves out
}

// Columns lays m over a file with these headers. m must be keyed by the
// file's exact spellings, as Check returns it; headers it does not name are
// ignored.
func (m Mapping) Columns(headers []string) Columns {
	c := Columns{targets: make([]string, len(headers))}
	for i, h := range headers {
		if t := m[h]; t != Ignore {
			c.targets[i] = t
		}
	}
	return c
}

// Row gathers one row's cells (in header order) by field. Missing cells
// at the end of a short row count as empty, and cells beyond the headers are
// ignored.
//
// Phone and email cells may hold several values joined by " ::: " (Google
// Contacts); emails may also be separated by ";" or ",". Phones are split on
// ":::" only: a comma can be a decimal separator ("9,19900000001E+11") and
// ";ext=" introduces an extension, so splitting on them would change a
// number. Tags cells are split by SplitTags.
func (c Columns) Row(cells []string) Row {
	var r Row
	var phones, altPhones, emails, altEmails []string
	var fullName string
	for i, target := range c.targets {
		if target == "" || i >= len(cells) {
			continue
		}
		v := strings.TrimFunc(cells[i], isSpaceOrBOM)
		if v == "" {
			continue
		}
		switch target {
		case Phone:
			phones = append(phones, splitValues(v, ":::")...)
		case AltPhones:
			altPhones = append(altPhones, splitValues(v, ":::")...)
		case Email:
			emails = append(emails, splitValues(v, ":::", ";", ",")...)
		case AltEmails:
			altEmails = append(altEmails, splitValues(v, ":::", ";", ",")...)
		case Tags:
			r.Tags = appendTags(r.Tags, SplitTags(v))
		case FirstName:
			r.FirstName = v
		case LastName:
			r.LastName = v
		case FullName:
			fullName = v
		case Company:
			r.Company = v
		case City:
			r.City = v
		case Country:
			r.Country = v
		case Timezone:
			r.Timezone = v
		case DNC:
			r.DNC = v
		default:
			if name, ok := strings.CutPrefix(target, CustomPrefix); ok {
				if r.Custom == nil {
					r.Custom = map[string]string{}
				}
				r.Custom[name] = v
			}
		}
	}
	r.Phone, r.AltPhones = primary(phones, altPhones)
	r.Email, r.AltEmails = primary(emails, altEmails)
	if r.FirstName == "" && r.LastName == "" && fullName != "" {
		r.FirstName, r.LastName = SplitFullName(fullName)
	}
	return r
}

// primary picks the first of main, else the first of alt, and returns every
// other value in order.
func primary(main, alt []string) (string, []string) {
	all := append(main[:len(main):len(main)], alt...)
	switch len(all) {
	case 0:
		return "", nil
	case 1:
		return all[0], nil
	}
	return all[0], all[1:]
}

// splitValues splits v at any of seps and drops empty pieces.
func splitValues(v string, seps ...string) []string {
	for _, sep := range seps[1:] {
		v = strings.ReplaceAll(v, sep, seps[0])
	}
	var out []string
	for _, p := range strings.Split(v, seps[0]) {
		if p = strings.TrimFunc(p, isSpaceOrBOM); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SplitFullName splits a full name into first and last name. The last word
// is the last name and the words before it the first name ("Rahul Kumar
// Sharma" -> "Rahul Kumar", "Sharma"); a single word is a first name. With a
// comma, a single word before it is the last name ("Sharma, Rahul"), and
// anything after a longer name is a suffix kept with the last name ("Rahul
// Sharma, MD" -> "Rahul", "Sharma, MD"). Particles ("van", "de") stay with
// the first name: the split is a convenience, and nothing is lost, since
// first and last name together still read as the whole name.
func SplitFullName(s string) (first, last string) {
	name := strings.Join(strings.Fields(s), " ")
	before, after, comma := strings.Cut(name, ",")
	before, after = strings.TrimSpace(before), strings.TrimSpace(after)
	switch {
	case name == "":
		return "", ""
	case !comma:
		return splitLastWord(name)
	case after == "":
		return splitLastWord(before)
	case before == "":
		return splitLastWord(after)
	case !strings.Contains(before, " "):
		return after, before
	}
	first, last = splitLastWord(before)
	return first, last + ", " + after
}

func splitLastWord(name string) (first, last string) {
	i := strings.LastIndex(name, " ")
	if i < 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}

// SplitTags splits a tags cell into tags. It reads the list forms of the
// exports: Google's "* myContacts ::: Clients", Outlook's "Friends;Work",
// Mailchimp's `"VIP","Pune"`, and plain "a, b" or "a|b". Google's "* "
// marker of system groups is dropped, and so is its "myContacts" ("My
// Contacts" in the old format), the group every Google contact is in, which
// as a tag would say nothing.
func SplitTags(cell string) []string {
	var out []string
	for _, t := range splitValues(cell, ":::", ";", ",", "|") {
		t = strings.TrimSpace(strings.Trim(t, `"`))
		t = strings.TrimSpace(strings.TrimPrefix(t, "* "))
		switch strings.ToLower(t) {
		case "", "mycontacts", "my contacts":
			continue
		}
		out = appendTags(out, []string{t})
	}
	return out
}

// appendTags adds tags not yet in list, comparing without regard to case.
func appendTags(list, tags []string) []string {
next:
	for _, t := range tags {
		for _, have := range list {
			if strings.EqualFold(have, t) {
				continue next
			}
		}
		list = append(list, t)
	}
	return list
}
