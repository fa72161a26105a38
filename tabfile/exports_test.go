package tabfile

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// exportsDir holds real exports from Google, Outlook, Thunderbird,
// Mailchimp and HubSpot; SOURCES.md there says where each comes from.
var exportsDir = filepath.Join("..", "..", "shared", "fixtures", "exports")

// exportWant is what one export must read as. Zero fields are not checked.
type exportWant struct {
	encoding string
	delim    string
	headers  int   // how many
	lines    []int // Row.Line of every row
	// cells are values by row index and header.
	cells map[int]map[string]string
	// extra is a non-empty value expected among a row's Extra.
	extra map[int]string
}

var exportWants = map[string]exportWant{
	"google_contacts.csv": {
		encoding: encUTF8, delim: ",", headers: 81, lines: []int{2},
		cells: map[int]map[string]string{0: {
			"Given Name": "Firstname", "Family Name": "Lastname", "Notes": `note"note`,
			"E-mail 1 - Type": "* Home", "E-mail 1 - Value": "home@aaa.pl",
			"Phone 5 - Type": "Mobile", "Phone 5 - Value": "mobile",
			"Group Membership":      "* My Contacts ::: Test",
			"Address 1 - Formatted": "home_street\nhome_pobox\nhome_city, home_state home_zip\nhome_country",
		}},
	},
	"google_contacts_new_format.csv": {
		encoding: encUTF8, delim: ",", headers: 48, lines: []int{2, 6, 7, 8, 9},
		cells: map[int]map[string]string{
			0: {"First Name": "Priya", "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+91 98765 43210", "Custom Field 1 - Value": "C-1042"},
			1: {"Nickname": "கார்த்தி", "E-mail 1 - Value": "karthik@example.com ::: karthik.s@example.net"},
			2: {"First Name": "Émilie", "Last Name": "Dubois-Lefèvre"},
			4: {"Phone 1 - Value": "+91 99000 00001 ::: +91 99000 00002"},
		},
	},
	"google_contacts_new_format_subset.csv": {
		encoding: encUTF8, delim: ",", headers: 12, lines: []int{2, 3, 4, 5},
		cells: map[int]map[string]string{0: {"First Name": "John", "Phone 1 - Value": "+1-555-0123", "E-mail 1 - Value": "john@example.com"}},
	},
	"google_outlook_csv_export.csv": {
		encoding: encUTF8, delim: ",", headers: 67, lines: []int{2, 3, 4, 5, 8},
		cells: map[int]map[string]string{
			0: {"First Name": "John", "Mobile Phone": "91551000", "Categories": "myContacts;starred"},
			2: {"E-mail Address": "mail@mail.com", "First Name": ""},
			4: {"Home Address": "Vardåslia 10\nKristiansand S 4637\nNorway"},
		},
	},
	"outlook_com.csv": {
		encoding: encUTF8, delim: ",", headers: 61, lines: []int{2, 3},
		cells: map[int]map[string]string{0: {"First Name": "Larsen", "Last Name": "", "Mobile Phone": "+47 466 88 000"}},
	},
	"outlook_emails_only.csv": {
		encoding: encUTF8, delim: ",", headers: 3, lines: []int{2},
		cells: map[int]map[string]string{0: {"E-mail Address": "test1@domain.tld", "E-mail 3 Address": "test3@domain.tld"}},
	},
	"outlook_live_legacy.csv": {
		encoding: encUTF8, delim: ",", headers: 88, lines: []int{2, 3, 5},
		cells: map[int]map[string]string{
			0: {"First Name": "José", "Last Name": "García", "Mobile Phone": "+1 (201) 555-0123", "Birthday": "7/4/1985", "Categories": "Friends;Work"},
			1: {"Notes": "Call after 6pm IST.\r\nDaughter: Riya"},
			2: {"E-mail Address": "", "E-mail 2 Address": "minh.nguyen@example.net"},
		},
	},
	"hubspot_export_all_properties.csv": {
		encoding: encUTF8, delim: ",", headers: 182, lines: []int{2, 3},
		cells: map[int]map[string]string{
			0: {"Record ID": "51", "Email": "priya.sharma@example.com", "Mobile Phone Number": "+91 98765 43210", "Phone Number": "+91 80 4123 4567", "WhatsApp Phone Number": "919876543210", "höbbela": "gold"},
			1: {"Last Name": "Ødegård", "City": "Tromsø"},
		},
	},
	"mailchimp_export.csv": {
		encoding: encUTF8, delim: ",", headers: 19, lines: []int{2},
		cells: map[int]map[string]string{0: {"Email Address": "mail@example.com", "MEMBER_RATING": "2", "NOTES": ""}},
	},
	"thunderbird_basic.csv": {
		encoding: encUTF8, delim: ",", headers: 38, lines: []int{2},
		cells: map[int]map[string]string{0: {"Primary Email": "johndoe@host.invalid", "Column 38": ""}},
	},
	"thunderbird_export.csv": {
		encoding: encUTF8, delim: ",", headers: 37, lines: []int{2, 3},
		cells: map[int]map[string]string{1: {
			"Job Title": `"worker"`, "Custom 1": "custom, 1", "Custom 2": "custom\t2",
			"Custom 3": "custom\r3", "Custom 4": "custom\n4", "Notes": "here's some unicode text…",
		}},
	},
	"thunderbird_export_tab.txt": {
		encoding: encUTF8, delim: "\t", headers: 37, lines: []int{2, 3},
		cells: map[int]map[string]string{1: {"Job Title": `"worker"`, "Custom 1": "custom, 1", "Custom 2": "custom\t2", "Custom 3": "custom\r3"}},
	},
	"thunderbird_plain_roundcube.csv": {
		encoding: encUTF8, delim: ",", headers: 38, lines: []int{2},
		cells: map[int]map[string]string{0: {"Work Phone": "phone work", "Mobile Number": "mobile"}},
	},
	"tricky/quoted_empty_fields_thunderbird.csv": {
		encoding: encUTF8, delim: ",", headers: 37, lines: []int{2},
		cells: map[int]map[string]string{0: {"Display Name": "Acer America", "Work Phone": "(800) 000-0000", "Home Phone": ""}},
	},
	"tricky/ragged_row_no_final_newline_monica.csv": {
		encoding: encUTF8, delim: ",", headers: 4, lines: []int{2},
		cells: map[int]map[string]string{0: {"first_name": "Bono", "last_name": "Hewson"}},
		extra: map[int]string{0: "bono@example.com"},
	},
	"tricky/semicolon_thunderbird.csv": {
		encoding: encUTF8, delim: ";", headers: 4, lines: []int{2, 3},
		cells: map[int]map[string]string{1: {"Display Name": "Jane Doe", "Primary Email": "jane@doe.invalid"}},
	},
	"tricky/single_column_email_roundcube.csv": {
		encoding: encUTF8, delim: ",", headers: 1, lines: []int{2, 3, 4, 5},
		cells: map[int]map[string]string{3: {"Primary Email": "test4@domain.tld"}},
	},
	"tricky/utf16le_bom_comma_thunderbird.csv": {
		encoding: encUTF16LE, delim: ",", headers: 38, lines: []int{2},
		cells: map[int]map[string]string{0: {"Display Name": "John Doe", "Primary Email": "johndoe@host.invalid"}},
	},
	"tricky/utf8_bom_roundcube.csv": {
		encoding: encUTF8BOM, delim: ",", headers: 61, lines: []int{2},
		cells: map[int]map[string]string{0: {"Display Name": "Display Name", "Home Mobile": "500", "Email Home": "home@example.com"}},
	},
	// Known limits, pinned so a change is a decision:
	// a file with no header row reads its first contact as the header;
	"tricky/no_header_thunderbird.csv": {
		encoding: encUTF8, delim: ",", headers: 4, lines: []int{2},
		cells: map[int]map[string]string{0: {"John Doe": "Jane Doe"}},
	},
	// tab on lines 2-4 but comma on line 1: the header decides, comma;
	"tricky/tab_comma_mixed_thunderbird.csv": {
		encoding: encUTF8, delim: ",", headers: 26, lines: []int{2, 3, 4},
	},
	// Shift-JIS is not sniffed: it reads as Windows-1252, garbled but
	// with no byte lost.
	"tricky/shift_jis_thunderbird.csv": {
		encoding: encWindows1252, delim: ",", headers: 38, lines: []int{2},
	},
}

func TestRealExports(t *testing.T) {
	if _, err := os.Stat(exportsDir); err != nil {
		t.Skipf("real exports not found at %s (CI has them): %v", exportsDir, err)
	}
	var files []string
	for _, pattern := range []string{"*.csv", "*.txt", "tricky/*.csv", "tricky/*.txt"} {
		m, err := filepath.Glob(filepath.Join(exportsDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no *.csv or *.txt in %s", exportsDir)
	}
	seen := map[string]bool{}
	for _, path := range files {
		name, _ := filepath.Rel(exportsDir, path)
		name = filepath.ToSlash(name)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r := mustOpen(t, data, Options{})
			info := r.Info()
			rows := readAll(t, r)
			checkExport(t, info, rows)
			if want, ok := exportWants[name]; ok {
				checkExportWant(t, info, rows, want)
			} else {
				t.Errorf("no expectations for %s: add them to exportWants", name)
			}
		})
	}
	for name := range exportWants {
		if !seen[name] {
			t.Errorf("%s is expected but missing from %s", name, exportsDir)
		}
	}
}

// checkExport checks what must hold for any export.
func checkExport(t *testing.T, info Info, rows []Row) {
	t.Helper()
	if !slices.Contains([]string{",", ";", "\t", "|"}, info.Delimiter) {
		t.Errorf("delimiter %q", info.Delimiter)
	}
	if len(info.Headers) < 2 && !(len(info.Headers) == 1 && strings.Contains(info.Headers[0], "Email")) {
		t.Errorf("headers %q: one column, and not the known single-column file", info.Headers)
	}
	for _, h := range info.Headers {
		if strings.ContainsRune(h, '\uFFFD') || strings.ContainsRune(h, '\uFEFF') {
			t.Errorf("header %q holds U+FFFD or a BOM", h)
		}
	}
	last := info.HeaderLine
	for _, row := range rows {
		if len(row.Fields) != len(info.Headers) {
			t.Errorf("line %d: %d fields, want %d", row.Line, len(row.Fields), len(info.Headers))
		}
		if row.Line <= last {
			t.Errorf("line %d after line %d", row.Line, last)
		}
		last = row.Line
		for _, f := range append(row.Fields, row.Extra...) {
			if strings.ContainsRune(f, '\uFFFD') {
				t.Errorf("line %d: U+FFFD in %q", row.Line, f)
			}
		}
	}
}

func checkExportWant(t *testing.T, info Info, rows []Row, want exportWant) {
	t.Helper()
	if info.Encoding != want.encoding || info.Delimiter != want.delim || len(info.Headers) != want.headers {
		t.Errorf("read as %s %q with %d headers, want %s %q with %d",
			info.Encoding, info.Delimiter, len(info.Headers), want.encoding, want.delim, want.headers)
	}
	var lines []int
	for _, row := range rows {
		lines = append(lines, row.Line)
	}
	if !reflect.DeepEqual(lines, want.lines) {
		t.Errorf("rows on lines %v, want %v", lines, want.lines)
	}
	for i, cells := range want.cells {
		if i >= len(rows) {
			t.Errorf("row %d missing", i)
			continue
		}
		for h, v := range cells {
			col := slices.Index(info.Headers, h)
			if col < 0 {
				t.Errorf("no header %q", h)
				continue
			}
			if got := rows[i].Fields[col]; got != v {
				t.Errorf("row %d %q = %q, want %q", i, h, got, v)
			}
		}
	}
	for i, v := range want.extra {
		if i >= len(rows) || !slices.Contains(rows[i].Extra, v) {
			t.Errorf("row %d: want %q among Extra", i, v)
		}
	}
}
