package exporter

import (
	"bytes"
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
	slot   int    // where the lean read puts the field it is made from
	op     int    // how the cell is written (op* below)
}

// How a column is written.
const (
	opText    = iota // text as stored
	opInt            // id, version
	opNullInt        // merged_into
	opBool           // dnc
	opTime           // created_at, updated_at
	opList           // tags, alt_emails, phone_timezones
	opPhones         // alt_phones
	opObject         // custom_fields
	opCustom         // custom.<name>
)

var columnOps = map[string]int{
	"id": opInt, "version": opInt, "merged_into": opNullInt, "dnc": opBool,
	"created_at": opTime, "updated_at": opTime,
	"tags": opList, "alt_emails": opList, "phone_timezones": opList, "alt_phones": opPhones,
	"custom_fields": opObject,
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
		cols[i] = column{name: n, op: columnOps[n]}
		if name, ok := strings.CutPrefix(n, "custom."); ok {
			cols[i].custom, cols[i].op = name, opCustom
		}
	}
	return cols, nil
}

// readFields returns the contact fields the columns are made from, each
// once (every custom.<name> column reads custom_fields), and points each
// column at its field's place in the lean read.
func readFields(cols []column) []string {
	at := map[string]int{}
	var fields []string
	for i := range cols {
		f := cols[i].name
		if cols[i].op == opCustom {
			f = "custom_fields"
		}
		slot, ok := at[f]
		if !ok {
			slot = len(fields)
			at[f] = slot
			fields = append(fields, f)
		}
		cols[i].slot = slot
	}
	return fields
}

// row is one contact of the lean read (*store.ExportRow).
type row interface {
	Bytes(i int) []byte
	Int(i int) (int64, bool)
	Bool(i int) bool
	Time(i int) time.Time
}

// Separators of list fields in a cell. The importer splits tags and emails
// on ";" and phones on ":::" (a ";" may begin a phone's extension), so each
// list goes back in as it came out.
const (
	listSep  = ";"
	phoneSep = " ::: "
)

// appendText appends the column's value in a spreadsheet cell.
func (col column) appendText(dst []byte, r row) ([]byte, error) {
	switch col.op {
	case opInt:
		n, _ := r.Int(col.slot)
		return strconv.AppendInt(dst, n, 10), nil
	case opNullInt:
		if n, ok := r.Int(col.slot); ok {
			return strconv.AppendInt(dst, n, 10), nil
		}
		return dst, nil
	case opBool:
		return strconv.AppendBool(dst, r.Bool(col.slot)), nil
	case opTime:
		return r.Time(col.slot).UTC().AppendFormat(dst, time.RFC3339Nano), nil
	case opList:
		return appendList(dst, r.Bytes(col.slot), listSep)
	case opPhones:
		return appendList(dst, r.Bytes(col.slot), phoneSep)
	case opObject:
		return appendCompactJSON(dst, r.Bytes(col.slot))
	case opCustom:
		v, ok, err := member(r.Bytes(col.slot), col.custom)
		if err != nil || !ok {
			return dst, err
		}
		return appendCustomText(dst, v)
	}
	return append(dst, r.Bytes(col.slot)...), nil
}

// appendCustomText appends a custom field's stored JSON value as cell
// text: a string's text, a number as written, true or false, nothing for
// null, and compact JSON for an object or a list.
func appendCustomText(dst, v []byte) ([]byte, error) {
	switch {
	case len(v) == 0:
		return dst, nil
	case v[0] == '"':
		return appendUnquoted(dst, v)
	case v[0] == '{' || v[0] == '[':
		return appendCompactJSON(dst, v)
	case string(v) == "null":
		return dst, nil
	}
	return append(dst, v...), nil // a number, true or false, as written
}

// appendJSON appends the column's value in a JSON line, with its JSON type.
func (col column) appendJSON(dst []byte, r row) ([]byte, error) {
	switch col.op {
	case opInt, opBool:
		return col.appendText(dst, r)
	case opNullInt:
		if _, ok := r.Int(col.slot); !ok {
			return append(dst, "null"...), nil
		}
		return col.appendText(dst, r)
	case opTime:
		dst = append(dst, '"')
		dst = r.Time(col.slot).UTC().AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"'), nil
	case opList, opPhones:
		return appendJSONList(dst, r.Bytes(col.slot))
	case opObject:
		return appendCompactJSON(dst, r.Bytes(col.slot))
	case opCustom:
		v, ok, err := member(r.Bytes(col.slot), col.custom)
		if err != nil {
			return dst, err
		}
		switch {
		case !ok:
			return append(dst, "null"...), nil // the contact lacks it
		case v[0] == '"':
			return appendJSONText(dst, v)
		case v[0] == '{' || v[0] == '[':
			return appendCompactJSON(dst, v)
		}
		return append(dst, v...), nil
	}
	return appendJSONString(dst, r.Bytes(col.slot)), nil
}

// appendJSONText re-encodes a stored JSON string as encoding/json writes it.
func appendJSONText(dst, quoted []byte) ([]byte, error) {
	if inner := quoted[1 : len(quoted)-1]; bytes.IndexByte(inner, '\\') < 0 {
		return appendJSONString(dst, inner), nil
	}
	s, err := appendUnquoted(nil, quoted)
	if err != nil {
		return dst, err
	}
	return appendJSONString(dst, s), nil
}
