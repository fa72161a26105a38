package mapping

import (
	"github.com/contactd/contactd"
)

// maxListedHeaders bounds how many of the file's headers an error lists.
const maxListedHeaders = 60

// Check verifies m against the headers of the file it is meant for and
// returns it re-keyed to the file's exact header spellings. A mapping header
// matches a file header spelled the same, else the one file header with the
// same HeaderKey ("mobile number" matches "Mobile  Number").
//
// matchOn is the import's match_on: "" or "phone_e164" needs a column mapped
// to phone_e164, "email" one mapped to email.
//
// Returns a *contactd.Error with code EUnknownHeader naming every mapping
// header the file lacks (or that matches several file headers) and listing
// the file's headers; EInvalidMapping when m fails the checks of Parse, or two
// of its headers name one column; ENoPhoneColumn when the column matchOn
// needs is not mapped; contactd.EInvalid when matchOn is neither.
func Check(m Mapping, headers []string, matchOn string) (Mapping, error) {
	need := Phone
	switch matchOn {
	case "", contactd.MatchOnPhone:
	case contactd.MatchOnEmail:
		need = Email
	default:
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: "match_on", Code: contactd.EInvalid,
			Message: "match_on is " + quote(matchOn) + "; use phone_e164 or email"}})
	}

	// Work on a copy: validate canonicalizes targets in place.
	out := make(Mapping, len(m))
	for h, t := range m {
		out[h] = t
	}
	if p := validate(out); len(p) > 0 {
		return nil, p.err()
	}

	exact := make(map[string]bool, len(headers))
	folded := make(map[string][]string, len(headers))
	for _, h := range headers {
		if !exact[h] {
			exact[h] = true
			k := HeaderKey(h)
			folded[k] = append(folded[k], h)
		}
	}

	var missing []string
	var ambiguous, clash problems
	rekeyed := make(Mapping, len(out))
	from := make(map[string]string, len(out)) // file header -> the mapping header that named it
	for _, mh := range sortedKeys(out) {
		fh := mh
		if !exact[mh] {
			switch same := folded[HeaderKey(mh)]; len(same) {
			case 0:
				missing = append(missing, mh)
				continue
			case 1:
				fh = same[0]
			default:
				ambiguous.add(EUnknownHeader, "%s matches the file's columns %s; name one exactly as the file spells it",
					quote(mh), quoteList(same, maxListedHeaders))
				continue
			}
		}
		if prev, dup := from[fh]; dup {
			clash.add(EInvalidMapping, "%s and %s both name the file's column %s; keep one entry",
				quote(prev), quote(mh), quote(fh))
			continue
		}
		from[fh] = mh
		rekeyed[fh] = out[mh]
	}
	if len(missing) > 0 {
		return nil, missingError(missing, headers)
	}
	if err := ambiguous.err(); err != nil {
		return nil, err
	}
	if err := clash.err(); err != nil {
		return nil, err
	}

	for _, t := range rekeyed {
		if t == need {
			return rekeyed, nil
		}
	}
	if need == Email {
		return nil, newError(ENoPhoneColumn, "match_on is email but no column is mapped to email; map the column that holds email addresses to email")
	}
	return nil, newError(ENoPhoneColumn, "no column is mapped to phone_e164, so no contact could be created or matched; map the column that holds phone numbers to phone_e164")
}

// missingError names every mapping header the file lacks in one message and
// lists the file's headers once, so the operator can see the right spelling.
func missingError(missing, headers []string) error {
	var p problems
	for _, h := range missing {
		p.add(EUnknownHeader, "the file has no column %s", quote(h))
	}
	e := p.err().(*contactd.Error)
	noun := "column"
	if len(missing) > 1 {
		noun = "columns"
	}
	e.Message = "column_mapping names " + noun + " the file does not have: " + quoteList(missing, maxShownProblems) +
		"; the file's columns are " + quoteList(headers, maxListedHeaders)
	return e
}
