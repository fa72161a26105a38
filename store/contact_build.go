package store

import (
	"reflect"
	"sort"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/phone"
)

// buildContact validates and normalizes a create request. The phone's region
// is the request's default_region, else the row's country, else the
// workspace's default. Every invalid field is reported at once.
//
// nationals maps each of the contact's E.164 numbers to its national form,
// which search needs; passing it on saves parsing every number twice.
func buildContact(in contactd.ContactInput, wsRegion string) (c *contactd.Contact, nationals map[string]string, err error) {
	var fe fieldErrors
	nationals = map[string]string{}
	c = &contactd.Contact{
		FirstName: cleanText(&fe, "first_name", in.FirstName, maxNameLen),
		LastName:  cleanText(&fe, "last_name", in.LastName, maxNameLen),
		Company:   cleanText(&fe, "company", in.Company, maxTextLen),
		City:      cleanText(&fe, "city", in.City, maxTextLen),
		Country:   cleanRegion(&fe, "country", in.Country),
		Timezone:  cleanTimezone(&fe, "timezone", in.Timezone),
		Email:     cleanEmail(&fe, "email", in.Email),
		Tags:      cleanTags(&fe, in.Tags),
	}
	c.CustomFields = cleanCustom(&fe, in.CustomFields, false)
	region := pickRegion(&fe, in.DefaultRegion, c.Country, wsRegion)
	if in.PhoneE164 == "" {
		fe.add("phone_e164", contactd.EInvalidPhone, "a phone number is required")
	} else if n, ok := cleanPhone(&fe, "phone_e164", in.PhoneE164, region); ok {
		setPhone(c, n)
		nationals[n.E164] = n.National
	}
	c.AltPhones = cleanAltPhones(&fe, in.AltPhones, c.PhoneE164, region, nationals)
	c.AltEmails = cleanAltEmails(&fe, in.AltEmails, c.Email)
	if err := fe.err(); err != nil {
		return nil, nil, err
	}
	fillEmpty(c)
	return c, nationals, nil
}

func pickRegion(fe *fieldErrors, requested, country, wsRegion string) string {
	if requested != "" {
		return cleanRegion(fe, "default_region", requested)
	}
	if country != "" {
		return country
	}
	return wsRegion
}

func setPhone(c *contactd.Contact, n phone.Number) {
	c.PhoneE164, c.PhoneCountry, c.PhoneType = n.E164, n.Country, n.Type
	c.PhoneTimezones = append([]string{}, n.TimeZones...)
}

func cleanAltPhones(fe *fieldErrors, raw []string, primary, region string, nationals map[string]string) []string {
	if len(raw) > maxAltValues {
		fe.add("alt_phones", "too_many", "at most %d alternate phones", maxAltValues)
		return nil
	}
	out := []string{}
	seen := map[string]bool{primary: true}
	for i, p := range raw {
		n, ok := cleanPhone(fe, "alt_phones["+itoa(i)+"]", p, region)
		if !ok || seen[n.E164] {
			continue
		}
		seen[n.E164] = true
		out = append(out, n.E164)
		if nationals != nil {
			nationals[n.E164] = n.National
		}
	}
	return out
}

func cleanAltEmails(fe *fieldErrors, raw []string, primary string) []string {
	if len(raw) > maxAltValues {
		fe.add("alt_emails", "too_many", "at most %d alternate emails", maxAltValues)
		return nil
	}
	out := []string{}
	seen := map[string]bool{primary: true}
	for i, e := range raw {
		e = cleanEmail(fe, "alt_emails["+itoa(i)+"]", e)
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	return out
}

func itoa(i int) string {
	return string(appendInt(nil, i))
}

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// applyUpdate returns cur with upd applied and the names of the fields that
// changed. cur is not modified.
func applyUpdate(cur *contactd.Contact, upd contactd.ContactUpdate, wsRegion string) (*contactd.Contact, []string, error) {
	next := *cur
	next.CustomFields = make(map[string]any, len(cur.CustomFields))
	for k, v := range cur.CustomFields {
		next.CustomFields[k] = v
	}
	var fe fieldErrors
	text := func(dst *string, p *string, field string, maxLen int) {
		if p != nil {
			*dst = cleanText(&fe, field, *p, maxLen)
		}
	}
	text(&next.FirstName, upd.FirstName, "first_name", maxNameLen)
	text(&next.LastName, upd.LastName, "last_name", maxNameLen)
	text(&next.Company, upd.Company, "company", maxTextLen)
	text(&next.City, upd.City, "city", maxTextLen)
	if upd.Country != nil {
		next.Country = cleanRegion(&fe, "country", *upd.Country)
	}
	if upd.Timezone != nil {
		next.Timezone = cleanTimezone(&fe, "timezone", *upd.Timezone)
	}
	if upd.Email != nil {
		next.Email = cleanEmail(&fe, "email", *upd.Email)
	}
	if upd.Tags != nil {
		next.Tags = cleanTags(&fe, *upd.Tags)
	}
	if upd.CustomFields != nil {
		for k, v := range cleanCustom(&fe, upd.CustomFields, true) {
			if v == nil {
				delete(next.CustomFields, k)
			} else {
				next.CustomFields[k] = v
			}
		}
		if len(next.CustomFields) > maxCustomFields {
			fe.add("custom_fields", "too_many", "at most %d custom fields", maxCustomFields)
		}
	}
	region := pickRegion(&fe, upd.DefaultRegion, next.Country, wsRegion)
	if upd.PhoneE164 != nil {
		if *upd.PhoneE164 == "" {
			fe.add("phone_e164", contactd.EInvalidPhone, "the phone number cannot be removed; delete the contact instead")
		} else if n, ok := cleanPhone(&fe, "phone_e164", *upd.PhoneE164, region); ok {
			setPhone(&next, n)
		}
	}
	if upd.AltPhones != nil {
		next.AltPhones = cleanAltPhones(&fe, *upd.AltPhones, next.PhoneE164, region, nil)
	}
	if upd.AltEmails != nil {
		next.AltEmails = cleanAltEmails(&fe, *upd.AltEmails, next.Email)
	}
	if err := fe.err(); err != nil {
		return nil, nil, err
	}
	fillEmpty(&next)
	return &next, changedFields(cur, &next), nil
}

// changedFields names the contract fields that differ between a and b.
func changedFields(a, b *contactd.Contact) []string {
	var out []string
	pairs := []struct {
		name string
		x, y any
	}{
		{"phone_e164", a.PhoneE164, b.PhoneE164}, {"first_name", a.FirstName, b.FirstName},
		{"last_name", a.LastName, b.LastName}, {"email", a.Email, b.Email},
		{"company", a.Company, b.Company}, {"city", a.City, b.City},
		{"country", a.Country, b.Country}, {"timezone", a.Timezone, b.Timezone},
		{"tags", a.Tags, b.Tags}, {"custom_fields", a.CustomFields, b.CustomFields},
		{"alt_phones", a.AltPhones, b.AltPhones}, {"alt_emails", a.AltEmails, b.AltEmails},
	}
	for _, p := range pairs {
		if !reflect.DeepEqual(p.x, p.y) {
			out = append(out, p.name)
		}
	}
	return out
}

// setFields names the fields a new contact was created with, for its audit
// event: which fields, never their values.
func setFields(c *contactd.Contact) []string {
	empty := &contactd.Contact{}
	fillEmpty(empty)
	f := changedFields(empty, c)
	sort.Strings(f)
	return f
}

// NormalizeContact validates and normalizes in as CreateContact would,
// without writing anything: the dry run of an import uses it.
func NormalizeContact(in contactd.ContactInput, wsRegion string) (*contactd.Contact, error) {
	c, _, err := buildContact(in, wsRegion)
	return c, err
}
