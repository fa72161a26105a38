package mapping

import (
	"strconv"
	"strings"
)

// Suggest proposes a mapping for a file's headers. It knows the exports of
// Google Contacts (both formats), Outlook, HubSpot, Mailchimp, Salesforce,
// Zoho and Thunderbird and the common synonyms of each field, in any case or
// spacing (see HeaderKey). Every header gets an entry:
//
//   - Of several phone columns the best for calling is phone_e164 (a mobile
//     first, then a plain "Phone", work, home, other; ties go left) and the
//     rest are alt_phones. Of several emails the plain or first one is email
//     and the rest alt_emails. All tag-like columns feed tags.
//   - Of several columns for another field the best is mapped ("Home City"
//     over "Business City") and the others become custom fields.
//   - "Name", "Full Name" or "Display Name" is full_name, which fills first
//     and last name only in rows that have neither.
//   - Time-zone columns of exports that geolocate contacts from their web
//     visits (Mailchimp's TIMEZONE next to GMTOFF; HubSpot's next to "IP
//     Timezone") become custom fields: a wrong zone would move the calling
//     window, and without one the window is judged safely in every zone the
//     number may be in.
//   - Columns it does not recognise become custom.<Slug of the header>
//     (custom.column_<n> when the header has no Latin letters or digits),
//     made unique with _2, _3; a header "custom.<name>" keeps its name.
//   - Only type-label columns ("Phone 1 - Type"), "Photo" and blank headers
//     are ignored.
//
// Headers are expected unique, as the file reader makes them; of two equal
// headers the first decides.
func Suggest(headers []string) Mapping {
	geolocated := false
	cands := make([]candidate, len(headers))
	for i, h := range headers {
		key := HeaderKey(h)
		switch key {
		case "gmtoff", "dstoff", "ip timezone", "ip time zone":
			geolocated = true
		}
		cands[i] = classify(key)
	}

	// best holds, per field, the index of the column that wins it.
	best := map[string]int{}
	seen := map[string]bool{}
	for i, h := range headers {
		c := &cands[i]
		if seen[h] {
			continue
		}
		seen[h] = true
		if c.target == Timezone && geolocated {
			*c = candidate{}
		}
		if multiColumn[c.target] && c.target != Phone && c.target != Email || c.target == "" {
			continue
		}
		if b, ok := best[c.target]; !ok || c.rank < cands[b].rank {
			best[c.target] = i
		}
	}

	m := make(Mapping, len(headers))
	customs := map[string]bool{}
	for i, h := range headers {
		if _, done := m[h]; done {
			continue
		}
		c := cands[i]
		switch {
		case c.target == "":
			m[h] = CustomPrefix + customSlug(h, i, customs)
		case best[c.target] == i || !hasBest(best, c.target):
			m[h] = c.target
		case c.target == Phone:
			m[h] = AltPhones
		case c.target == Email:
			m[h] = AltEmails
		default:
			m[h] = CustomPrefix + customSlug(h, i, customs)
		}
	}
	return m
}

func hasBest(best map[string]int, target string) bool {
	_, ok := best[target]
	return ok
}

// customSlug names the custom field of header h, the column at index i, and
// records it in used so that no two columns share one.
func customSlug(h string, i int, used map[string]bool) string {
	name := Slug(h)
	if len(h) > len(CustomPrefix) && strings.EqualFold(h[:len(CustomPrefix)], CustomPrefix) &&
		customName.MatchString(h[len(CustomPrefix):]) {
		name = h[len(CustomPrefix):] // contactd's own export: keep the name as it was
	}
	if name == "" {
		name = "column_" + strconv.Itoa(i+1)
	}
	unique := name
	for n := 2; used[unique]; n++ {
		suffix := "_" + strconv.Itoa(n)
		unique = strings.TrimRight(name[:min(len(name), maxSlug-len(suffix))], "_") + suffix
	}
	used[unique] = true
	return unique
}
