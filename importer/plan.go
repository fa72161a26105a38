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

// plan is a mapping laid over one file's columns.
type plan struct {
	cols mapping.Columns
}

func compile(headers []string, m mapping.Mapping) plan {
	return plan{cols: m.Columns(headers)}
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
	v := p.cols.Row(r.Fields)
	in := &out.Input
	in.FirstName, in.LastName, in.Company, in.City, in.Timezone = v.FirstName, v.LastName, v.Company, v.City, v.Timezone
	in.AltEmails, in.Tags = v.AltEmails, v.Tags
	in.Email = v.Email
	if len(v.Custom) > 0 {
		in.CustomFields = make(map[string]any, len(v.Custom))
		for k, val := range v.Custom {
			in.CustomFields[k] = val
		}
	}
	// A country the row names but nobody can read is no reason to lose the
	// person: the text is kept as a custom field and the row flagged.
	if v.Country != "" {
		if code, ok := country.Code(v.Country); ok {
			in.Country = code
		} else {
			if in.CustomFields == nil {
				in.CustomFields = map[string]any{}
			}
			in.CustomFields["country"] = v.Country
			out.Warning = "country_unrecognized"
		}
	}
	// Excel's damage to phone cells is undone first; a number whose digits
	// Excel already lost fails the row rather than store a wrong number.
	for i, cell := range append([]string{v.Phone}, v.AltPhones...) {
		if cell == "" {
			continue
		}
		clean, warning, errCode := mapping.RepairPhoneCell(cell)
		if errCode != "" {
			field := "phone_e164"
			if i > 0 {
				field = "alt_phones"
			}
			return fail(field, errCode, mapping.RepairMessage(errCode))
		}
		if warning != "" && out.Warning == "" {
			out.Warning = warning
		}
		if i == 0 {
			in.PhoneE164 = clean
		} else if clean != "" {
			in.AltPhones = append(in.AltPhones, clean)
		}
	}
	// The row's own country reads its national phone forms (a GB number
	// that lost its leading zero) before the import's default region.
	if in.Country != "" {
		in.DefaultRegion = in.Country
	}
	if in.PhoneE164 == "" {
		return fail("phone_e164", "phone_missing", "the row has no phone number")
	}
	return out
}
