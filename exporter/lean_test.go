package exporter_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/exporter"
	"github.com/contactd/contactd/store/storetest"
)

// The export reads contacts lean (only the columns asked for, lists and
// custom fields walked in their stored JSON, never decoded into maps). It
// must write exactly what formatting the fully decoded contact writes, on
// both engines, whose stored JSON differs (PostgreSQL's jsonb reorders keys
// and adds spaces; SQLite keeps encoding/json's text, <, > and & escaped).
func TestLeanExportMatchesFullDecode(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, _ := openDB(t, engine)
			ctx := storetest.Workspace(t, db, "acme")
			db.SetNow(func() time.Time { return t0.Add(1500 * time.Millisecond) })
			inputs := []contactd.ContactInput{
				{PhoneE164: "+919900000001", FirstName: " Leading", LastName: `back\slash "q"`, Email: "a@example.com", Company: `\.`,
					City: "Zürich, CH", Tags: []string{"a<b>&c", `quote"d`, "plain"}, AltPhones: []string{"+919812345678"},
					AltEmails: []string{"b@example.com", "c@example.com"},
					CustomFields: map[string]any{"none": nil, "num": json.Number("1.50"), "big": json.Number("12345678901234567890"), "yes": false,
						"text": "tab\there, line\u2028sep <b>&amp;", "esc": `a\b"c`, "uni": "日本語 ü", "dash-x": "=1+2"}},
				{PhoneE164: "+447400123456", FirstName: "=cmd", LastName: "@x", Company: "-1", City: "+1", Timezone: "Europe/London",
					CustomFields: map[string]any{"num": json.Number("-3"), "text": "\tlead"}},
				{PhoneE164: "+12125551234", FirstName: "José", Tags: []string{"b2b"}},
			}
			for _, in := range inputs {
				if _, err := db.CreateContact(ctx, in); err != nil {
					t.Fatalf("create %+v: %v", in, err)
				}
			}
			list, _, err := db.FindContacts(ctx, contactd.ContactFilter{Page: contactd.Page{Page: 1, PerPage: 100}})
			if err != nil {
				t.Fatal(err)
			}
			fields := append([]string{}, contactd.ContactFields...)
			for _, k := range []string{"none", "num", "big", "yes", "text", "esc", "uni", "dash-x", "missing"} {
				fields = append(fields, "custom."+k)
			}

			var wantCSV bytes.Buffer
			cw := csv.NewWriter(&wantCSV)
			cw.UseCRLF = true
			cw.Write(fields)
			var wantJSONL bytes.Buffer
			enc := json.NewEncoder(&wantJSONL)
			enc.SetEscapeHTML(false)
			for _, c := range list {
				cells := make([]string, len(fields))
				var line bytes.Buffer
				line.WriteByte('{')
				for i, f := range fields {
					cells[i] = exporter.Neutralise(fullText(c, f))
					if i > 0 {
						line.WriteByte(',')
					}
					k, _ := json.Marshal(f)
					line.Write(k)
					line.WriteByte(':')
					var v bytes.Buffer
					e := json.NewEncoder(&v)
					e.SetEscapeHTML(false)
					if err := e.Encode(fullValue(c, f)); err != nil {
						t.Fatal(err)
					}
					line.Write(bytes.TrimSuffix(v.Bytes(), []byte("\n")))
				}
				line.WriteString("}\n")
				wantJSONL.Write(line.Bytes())
				cw.Write(cells)
			}
			cw.Flush()

			_, gotCSV := runExport(t, db, ctx, contactd.ExportInput{Format: contactd.ExportCSV, Fields: fields}, exporter.Options{})
			if !bytes.Equal(gotCSV, wantCSV.Bytes()) {
				t.Errorf("csv:\n got %q\nwant %q", gotCSV, wantCSV.Bytes())
			}
			_, gotJSONL := runExport(t, db, ctx, contactd.ExportInput{Format: contactd.ExportJSONL, Fields: fields}, exporter.Options{})
			if !bytes.Equal(gotJSONL, wantJSONL.Bytes()) {
				t.Errorf("jsonl:\n got %s\nwant %s", gotJSONL, wantJSONL.Bytes())
			}
		})
	}
}

// fullText is a field's cell text from the decoded contact, as the export
// wrote it before it read lean.
func fullText(c *contactd.Contact, f string) string {
	if name, ok := strings.CutPrefix(f, "custom."); ok {
		switch x := c.CustomFields[name].(type) {
		case nil:
			return ""
		case string:
			return x
		case bool:
			return strconv.FormatBool(x)
		case json.Number:
			return x.String()
		default:
			return compact(x)
		}
	}
	switch f {
	case "id":
		return strconv.FormatInt(c.ID, 10)
	case "tags":
		return strings.Join(c.Tags, ";")
	case "custom_fields":
		return compact(c.CustomFields)
	case "alt_phones":
		return strings.Join(c.AltPhones, " ::: ")
	case "alt_emails":
		return strings.Join(c.AltEmails, ";")
	case "phone_timezones":
		return strings.Join(c.PhoneTimezones, ";")
	case "dnc":
		return strconv.FormatBool(c.DNC)
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
	b, _ := json.Marshal(c)
	var m map[string]any
	json.Unmarshal(b, &m)
	return m[f].(string)
}

// fullValue is a field's JSON value from the decoded contact.
func fullValue(c *contactd.Contact, f string) any {
	if name, ok := strings.CutPrefix(f, "custom."); ok {
		return c.CustomFields[name]
	}
	switch f {
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
	return fullText(c, f)
}

func compact(v any) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}
