package store

import (
	"errors"
	"strconv"
	"strings"

	"github.com/contactd/contactd"
)

// demoteSoftFields rescues an import row whose only problems are in values
// a call does not need: an unreadable alternate phone, a malformed email, an
// unknown time zone. Those values move into custom fields
// (unparsed_phones, unparsed_emails, unparsed_timezone) and the row imports
// with a warning, so neither the person nor the text is lost. It reports
// false when any other field is wrong: then the row fails as it is.
func demoteSoftFields(in contactd.ContactInput, err error) (contactd.ContactInput, bool) {
	var e *contactd.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return in, false
	}
	dropPhone, dropEmail := map[int]bool{}, map[int]bool{}
	var phones, emails []string
	custom := map[string]any{}
	for k, v := range in.CustomFields {
		custom[k] = v
	}
	for _, f := range e.Fields {
		switch {
		case f.Field == "email":
			emails = append(emails, in.Email)
			in.Email = ""
		case f.Field == "timezone":
			custom["unparsed_timezone"] = in.Timezone
			in.Timezone = ""
		case strings.HasPrefix(f.Field, "alt_phones["):
			i, ok := index(f.Field, "alt_phones[")
			if !ok || i >= len(in.AltPhones) {
				return in, false
			}
			dropPhone[i] = true
			phones = append(phones, in.AltPhones[i])
		case strings.HasPrefix(f.Field, "alt_emails["):
			i, ok := index(f.Field, "alt_emails[")
			if !ok || i >= len(in.AltEmails) {
				return in, false
			}
			dropEmail[i] = true
			emails = append(emails, in.AltEmails[i])
		default:
			return in, false
		}
	}
	in.AltPhones = without(in.AltPhones, dropPhone)
	in.AltEmails = without(in.AltEmails, dropEmail)
	if len(phones) > 0 {
		custom["unparsed_phones"] = strings.Join(phones, "; ")
	}
	if len(emails) > 0 {
		custom["unparsed_emails"] = strings.Join(emails, "; ")
	}
	in.CustomFields = custom
	return in, true
}

func index(field, prefix string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(field, prefix), "]"))
	return n, err == nil && n >= 0
}

func without(list []string, drop map[int]bool) []string {
	if len(drop) == 0 {
		return list
	}
	out := make([]string, 0, len(list))
	for i, v := range list {
		if !drop[i] {
			out = append(out, v)
		}
	}
	return out
}
