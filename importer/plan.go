// Package importer turns uploaded contact files into contacts: it reads a
// stored file with tabfile, maps its columns with mapping, and feeds the rows
// in batches to the store, which applies each batch and the import's progress
// in one transaction. It runs as a durable job (see package jobs) and also
// answers dry runs.
package importer

import (
	"strings"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/country"
	"github.com/contactd/contactd/mapping"
	"github.com/contactd/contactd/tabfile"
)

// plan is a mapping compiled against a file's headers: column indexes per
// target, so that a row converts without map lookups.
type plan struct {
	phones, altPhones, emails, altEmails, tags []int
	text                                       map[int]string
	custom                                     map[int]string
	fullName                                   int
	country                                    int
}

func compile(headers []string, m mapping.Mapping) plan {
	p := plan{text: map[int]string{}, custom: map[int]string{}, fullName: -1, country: -1}
	for i, h := range headers {
		target, ok := m[h]
		if !ok {
			continue
		}
		switch {
		case target == "phone_e164":
			p.phones = append(p.phones, i)
		case target == "alt_phones":
			p.altPhones = append(p.altPhones, i)
		case target == "email":
			p.emails = append(p.emails, i)
		case target == "alt_emails":
			p.altEmails = append(p.altEmails, i)
		case target == "tags":
			p.tags = append(p.tags, i)
		case target == "full_name":
			p.fullName = i
		case target == "country":
			p.country = i
			p.text[i] = target
		case strings.HasPrefix(target, "custom."):
			p.custom[i] = strings.TrimPrefix(target, "custom.")
		case target == "first_name", target == "last_name", target == "company", target == "city", target == "timezone":
			p.text[i] = target
		}
	}
	return p
}

// row converts one file row into a contact input, or the error that fails
// it before it reaches the store.
func (p plan) row(r tabfile.Row) contactd.ImportRow {
	raw := r.Fields
	if len(r.Extra) > 0 {
		raw = append(append([]string{}, r.Fields...), r.Extra...)
	}
	out := contactd.ImportRow{Line: r.Line, Raw: raw}
	fail := func(field, code, msg string) contactd.ImportRow {
		out.Err = &contactd.ImportError{Line: r.Line, Field: field, Code: code, Message: msg, Raw: raw}
		return out
	}
	for _, x := range r.Extra {
		if strings.TrimSpace(x) != "" {
			return fail("", "column_count_mismatch", "the row has more cells than the header; a delimiter inside an unquoted cell?")
		}
	}
	in := &out.Input
	for i, field := range p.text {
		v := strings.TrimSpace(r.Fields[i])
		switch field {
		case "first_name":
			in.FirstName = v
		case "last_name":
			in.LastName = v
		case "company":
			in.Company = v
		case "city":
			in.City = v
		case "timezone":
			in.Timezone = v
		case "country":
			// A country the row names but nobody can read is no reason to
			// lose the person: keep the text, flag the row.
			if code, ok := country.Code(v); ok {
				in.Country = code
			} else if v != "" {
				if in.CustomFields == nil {
					in.CustomFields = map[string]any{}
				}
				in.CustomFields["country"] = v
				out.Warning = "country_unrecognized"
			}
		}
	}
	if p.fullName >= 0 && in.FirstName == "" && in.LastName == "" {
		in.FirstName, in.LastName = splitName(r.Fields[p.fullName])
	}
	// The first non-empty phone column is the primary; the rest are kept as
	// alternates. Excel's damage is undone first, and a number whose digits
	// Excel already lost fails the row rather than store a wrong number.
	var phones []string
	for _, i := range append(append([]int{}, p.phones...), p.altPhones...) {
		for _, cell := range splitList(r.Fields[i]) {
			clean, warning, errCode := mapping.RepairPhoneCell(cell)
			if errCode != "" {
				return fail(fieldName(p, i), errCode, "Excel stored this number in scientific notation and lost digits; format the column as text and export again")
			}
			if warning != "" && out.Warning == "" {
				out.Warning = warning
			}
			if clean != "" {
				phones = append(phones, clean)
			}
		}
	}
	if len(phones) > 0 {
		in.PhoneE164, in.AltPhones = phones[0], phones[1:]
	}
	var emails []string
	for _, i := range append(append([]int{}, p.emails...), p.altEmails...) {
		emails = append(emails, splitList(r.Fields[i])...)
	}
	if len(emails) > 0 {
		in.Email, in.AltEmails = emails[0], emails[1:]
	}
	for _, i := range p.tags {
		in.Tags = append(in.Tags, splitTags(r.Fields[i])...)
	}
	for i, name := range p.custom {
		if v := strings.TrimSpace(r.Fields[i]); v != "" {
			if in.CustomFields == nil {
				in.CustomFields = map[string]any{}
			}
			in.CustomFields[name] = v
		}
	}
	// A row's own country reads its national phone forms (a GB number that
	// lost its leading zero), before the import's default region.
	if in.Country != "" {
		in.DefaultRegion = in.Country
	}
	if in.PhoneE164 == "" {
		return fail("phone_e164", "phone_missing", "the row has no phone number")
	}
	return out
}

func fieldName(p plan, col int) string {
	for _, i := range p.altPhones {
		if i == col {
			return "alt_phones"
		}
	}
	return "phone_e164"
}

// splitName reads "Rahul Sharma" as first "Rahul", last "Sharma", and
// "Sharma, Rahul" the other way round.
func splitName(s string) (string, string) {
	s = strings.TrimSpace(s)
	if last, first, ok := strings.Cut(s, ","); ok {
		return strings.TrimSpace(first), strings.TrimSpace(last)
	}
	first, last, _ := strings.Cut(s, " ")
	return first, strings.TrimSpace(last)
}

// splitList reads a cell that may hold several values (Google writes
// "a@x.com ::: b@y.com"), trimmed, empties dropped.
func splitList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if !strings.Contains(s, ":::") {
		return []string{s}
	}
	var out []string
	for _, part := range strings.Split(s, ":::") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// splitTags splits on the separators spreadsheets use (, ; |) and on
// Google's " ::: ". Google marks system groups with "* " and puts everyone in
// myContacts, which says nothing about a person, so that one is dropped.
func splitTags(s string) []string {
	var out []string
	s = strings.ReplaceAll(s, ":::", ";")
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "* "))
		if t != "" && !strings.EqualFold(t, "myContacts") && !strings.EqualFold(t, "My Contacts") {
			out = append(out, t)
		}
	}
	return out
}
