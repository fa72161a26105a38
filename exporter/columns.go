package exporter

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/contactd/contactd"
)

// spreadsheetDefault are the columns of a CSV or XLSX export that names no
// fields: what an import reads back (the suggested mapping knows each
// header), followed by one custom.<name> column per custom field in use.
// Fields the server derives or manages (id, status, version, the times,
// phone_country...) are left out by default because an import would keep
// them as custom fields; ask for them by name.
var spreadsheetDefault = []string{
	"phone_e164", "first_name", "last_name", "email", "company", "city", "country",
	"timezone", "tags", "alt_phones", "alt_emails", "dnc",
}

// column is one field of the export.
type column struct {
	name   string // header: a contact field or custom.<name>
	custom string // the custom field's name, for custom.<name>
}

// resolveColumns returns the export's columns: its fields, or the format's
// default. customNames lists the custom fields in use, for the default of
// spreadsheets; it is called only when needed.
func resolveColumns(exp *contactd.ContactExport, customNames func() ([]string, error)) ([]column, error) {
	names := exp.Fields
	if len(names) == 0 {
		if exp.Format == contactd.ExportJSONL {
			names = contactd.ContactFields
		} else {
			custom, err := customNames()
			if err != nil {
				return nil, err
			}
			names = append([]string{}, spreadsheetDefault...)
			for _, n := range custom {
				names = append(names, "custom."+n)
			}
		}
	}
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{name: n}
		if name, ok := strings.CutPrefix(n, "custom."); ok {
			cols[i].custom = name
		}
	}
	return cols, nil
}

// Separators of list fields in a cell. The importer splits tags and emails
// on ";" and phones on ":::" (a ";" may begin a phone's extension), so each
// list goes back in as it came out.
const (
	listSep  = ";"
	phoneSep = " ::: "
)

// text is the column's value in a spreadsheet cell.
func (col column) text(c *contactd.Contact) string {
	if col.custom != "" {
		return customText(c.CustomFields[col.custom])
	}
	switch col.name {
	case "id":
		return strconv.FormatInt(c.ID, 10)
	case "phone_e164":
		return c.PhoneE164
	case "first_name":
		return c.FirstName
	case "last_name":
		return c.LastName
	case "email":
		return c.Email
	case "company":
		return c.Company
	case "city":
		return c.City
	case "country":
		return c.Country
	case "tags":
		return strings.Join(c.Tags, listSep)
	case "custom_fields":
		return jsonText(c.CustomFields)
	case "alt_phones":
		return strings.Join(c.AltPhones, phoneSep)
	case "alt_emails":
		return strings.Join(c.AltEmails, listSep)
	case "phone_country":
		return c.PhoneCountry
	case "phone_type":
		return c.PhoneType
	case "phone_timezones":
		return strings.Join(c.PhoneTimezones, listSep)
	case "timezone":
		return c.Timezone
	case "dnc":
		return strconv.FormatBool(c.DNC)
	case "status":
		return c.Status
	case "merged_into":
		if c.MergedInto == nil {
			return ""
		}
		return strconv.FormatInt(*c.MergedInto, 10)
	case "version":
		return strconv.FormatInt(c.Version, 10)
	case "created_at":
		return c.CreatedAt.UTC().Format(time.RFC3339Nano)
	case "updated_at":
		return c.UpdatedAt.UTC().Format(time.RFC3339Nano)
	}
	return ""
}

func customText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	}
	return jsonText(v)
}

// jsonText is v as compact JSON, without encoding/json's escaping of <, >
// and &, which means nothing in a cell.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// value is the column's value in a JSON line, with its JSON type.
func (col column) value(c *contactd.Contact) any {
	if col.custom != "" {
		return c.CustomFields[col.custom] // nil (null) when the contact lacks it
	}
	switch col.name {
	case "id":
		return c.ID
	case "tags":
		return c.Tags
	case "custom_fields":
		return c.CustomFields
	case "alt_phones":
		return c.AltPhones
	case "alt_emails":
		return c.AltEmails
	case "phone_timezones":
		return c.PhoneTimezones
	case "dnc":
		return c.DNC
	case "merged_into":
		return c.MergedInto
	case "version":
		return c.Version
	}
	return col.text(c)
}
