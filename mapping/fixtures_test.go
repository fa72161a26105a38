package mapping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// exportsDir holds real exports of other tools; see its SOURCES.md.
const exportsDir = "../../shared/fixtures/exports"

// fixtureHeaders returns the header of every *.csv and *.txt under
// exportsDir (tricky/ included), keyed by path relative to it.
func fixtureHeaders(t *testing.T) map[string][]string {
	t.Helper()
	if _, err := os.Stat(exportsDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is missing; the shared fixtures are not checked out", exportsDir)
	}
	out := map[string][]string{}
	err := filepath.WalkDir(exportsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".csv" && ext != ".txt" {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(exportsDir, path)
		out[filepath.ToSlash(rel)] = readHeader(t, rel, raw)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readHeader is a small stand-in for the real file reader: it decodes a
// UTF-16 file with a BOM, strips a UTF-8 BOM, skips Excel's "sep=" line,
// picks the delimiter that the first line uses most, and trims each header.
func readHeader(t *testing.T, name string, raw []byte) []string {
	t.Helper()
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		raw = decodeUTF16(raw[2:], false)
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		raw = decodeUTF16(raw[2:], true)
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	if bytes.HasPrefix(first, []byte("sep=")) {
		raw = raw[len(first)+1:]
		first, _, _ = bytes.Cut(raw, []byte("\n"))
	}
	delim, most := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		if n := bytes.Count(first, []byte(string(d))); n > most {
			delim, most = d, n
		}
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = delim, -1, true
	rec, err := r.Read()
	if err != nil {
		t.Fatalf("%s: reading the header: %v", name, err)
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	return rec
}

func decodeUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(u)))
}

// fixtureLacks lists the fixtures that have no email or phone column, or no
// name column, and why; every other fixture must get both from Suggest.
var fixtureLacks = map[string]struct {
	contact, name bool
	why           string
}{
	"outlook_emails_only.csv":                       {name: true, why: "only e-mail columns"},
	"tricky/single_column_email_roundcube.csv":      {name: true, why: "one e-mail column"},
	"tricky/ragged_row_no_final_newline_monica.csv": {contact: true, why: "id and names only"},
	"tricky/no_header_thunderbird.csv":              {contact: true, name: true, why: "no header line: the first row is data"},
	"tricky/tab_comma_mixed_thunderbird.csv":        {contact: true, name: true, why: "no header line: the first row is data"},
}

// TestSuggestFixtures runs Suggest on the header of every real export and
// checks that it finds the contact's phone or email and name, and that the
// suggestion passes Check against the same headers.
func TestSuggestFixtures(t *testing.T) {
	files := fixtureHeaders(t)
	if len(files) == 0 {
		t.Fatalf("no *.csv or *.txt under %s", exportsDir)
	}
	for _, name := range sortedKeys(files) {
		t.Run(name, func(t *testing.T) {
			headers := files[name]
			m := Suggest(headers)
			targets := map[string]bool{}
			for _, target := range m {
				targets[target] = true
			}
			lacks := fixtureLacks[name]
			hasContact := targets[Phone] || targets[Email]
			hasName := targets[FirstName] || targets[LastName] || targets[FullName]
			if hasContact == lacks.contact {
				t.Errorf("Suggest maps a phone or email: %v, want %v (%s)\nheaders %q\ngot %v", hasContact, !lacks.contact, lacks.why, headers, m)
			}
			if hasName == lacks.name {
				t.Errorf("Suggest maps a name: %v, want %v (%s)\nheaders %q\ngot %v", hasName, !lacks.name, lacks.why, headers, m)
			}
			if !hasContact {
				return
			}
			matchOn := "phone_e164"
			if !targets[Phone] {
				matchOn = "email"
			}
			checked, err := Check(m, headers, matchOn)
			if err != nil {
				t.Fatalf("Check(Suggest(headers), headers, %q): %v", matchOn, err)
			}
			if len(checked) != len(m) {
				t.Errorf("Check kept %d of %d entries", len(checked), len(m))
			}
		})
	}
}

// TestExportSuggestionsMatchFixtures holds the headers copied into
// exportSuggestions to the files they were copied from.
func TestExportSuggestionsMatchFixtures(t *testing.T) {
	files := fixtureHeaders(t)
	copied := map[string]string{
		"google_contacts.csv":               "Google, old format",
		"google_contacts_new_format.csv":    "Google, new format",
		"outlook_com.csv":                   "Outlook.com",
		"outlook_live_legacy.csv":           "Outlook, legacy",
		"hubspot_export_all_properties.csv": "HubSpot, all properties",
		"mailchimp_export.csv":              "Mailchimp",
		"thunderbird_export.csv":            "Thunderbird",
	}
	for file, name := range copied {
		var inline string
		for _, e := range exportSuggestions {
			if e.name == name {
				inline = e.headers
			}
		}
		if got, want := inline, strings.Join(files[file], ","); got != want {
			t.Errorf("exportSuggestions %q headers\n%s\nwant those of %s\n%s", name, got, file, want)
		}
	}
}
