package vcard

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exportsDir holds real vCard exports from Apple, Google, Android,
// Outlook, Thunderbird and others; SOURCES.md there says where each comes
// from and what mature importers make of it.
var exportsDir = filepath.Join("..", "..", "shared", "fixtures", "exports")

// exportWant is what one export must read as.
type exportWant struct {
	encoding string
	lines    []int // of every card's BEGIN:VCARD
	// cells are the values expected by card index and header; a header not
	// named is not checked.
	cells map[int]map[string]string
}

var exportWants = map[string]exportWant{
	"contacts.vcf": {
		encoding: encUTF8, lines: []int{1, 12, 18},
		cells: map[int]map[string]string{
			0: {"Full Name": "Bono", "First Name": "Bono", "Last Name": "", "Phone": "+1 202-555-0191",
				"Email": "bono@example.com", "Organization": "U2", "Title": "Lead vocalist", "Birthday": "1960-05-10"},
			1: {"Full Name": "John Doe", "First Name": "John", "Last Name": "Doe"},
			// No name at all: returned, for the importer to judge.
			2: {"Full Name": "", "First Name": "", "Last Name": "", "Nickname": "Johnny",
				"City": "Southampton", "Country": "United Kingdom"},
		},
	},
	"contacts_android_v21_qp.vcf": {
		encoding: encUTF8, lines: []int{1, 6, 11, 18, 36, 71},
		cells: map[int]map[string]string{
			0: {"Email": "john.doe@company.com", "Categories": "My Contacts", "Full Name": ""},
			2: {"Full Name": "Ñ Ñ Ñ Ñ Ñ", "Last Name": "Ñ Ñ Ñ Ñ", "Mobile Phone": "123456789"},
			// Soft line breaks join the halves of a value.
			3: {"Full Name": "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ", "Mobile Phone": "123456", "Phone": "234567",
				"Phone (2)": "3456789", "Phone (3)": "45678901"},
			4: {"First Name": "Ñ Ñ Ñ", "Organization": "ÑÑÑÑÑÑÑÑÑÑÑÑ", "Email": "bob@company.com",
				"Email (2)": "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ", "Phone (2)": "123456", "URL": "www.company.com"},
			5: {"Full Name": "ÑÑÑÑ", "Mobile Phone": "55556666", "Email": "henry@company.com",
				"Organization": strings.Repeat("Ñ", 44)},
		},
	},
	"contacts_apple_addressbook.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "Apple Computer AG", "First Name": "", "Organization": "Apple Computer AG",
			"City": "Wallisellen-Zürich", "Country": "Switzerland", "URL": "http://www.apple.ch",
		}},
	},
	"contacts_dos_cr_cr_lf.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "Name Surname", "First Name": "Name", "Last Name": "Surname", "Email": "example@gmail.com",
		}},
	},
	"contacts_forrest_gump_v3.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			// Three parts: the third is the additional name, as written.
			"Full Name": "Forrest Gump", "Last Name": "Gump", "First Name": "Forrest", "Middle Name": "Mr.",
			"Organization": "Bubba Gump Shrimp Co.", "Phone": "(111) 555-12121", "Phone (2)": "(404) 555-1212",
			"Mobile Phone": "", "Email": "forrestgump@example.com", "City": "Baytown", "Country": "United States of America",
		}},
	},
	"contacts_gmail.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Last Name": "Doe", "First Name": "John", "Middle Name": "Richter, James",
			"Mobile Phone": "905-555-1234", "Phone": "905-666-1234", "Organization": "IBM",
			"Birthday": "1980-03-22", "URL": "http://www.ibm.com", "City": "", "Country": "",
		}},
	},
	"contacts_gmail_all_field_types.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "VCard Test", "Nickname": "TheNickname", "Mobile Phone": "5555551115",
			"Phone": "5555551111", "Phone (4)": "5555551114",
			"Phone (5)": "5555551116 ::: 5555551117 ::: 5555551118 ::: 5555551119 ::: 5555551120 ::: 5555551121",
			"Email":     "email@example.com", "Email (3)": "workemail@example.com ::: otheremail@example.com ::: customcategory@example.com",
			"City": "NY", "Note": "note line 1\nnote line 2\nCustomField: field value", "URL": "http://www.example1.com",
		}},
	},
	"contacts_google_export_nushell.vcf": {
		encoding: encUTF8, lines: []int{1, 14},
		cells: map[int]map[string]string{
			0: {"Organization": "'Alpine Ski Resort'", "Title": "'Ski Instructor'", "Birthday": "19001106",
				"Note": "Facebook: john.doe.3\nWebsite: \nHometown: Cleveland, Ohio", "Categories": "myContacts"},
			1: {"Full Name": "Alex Smith", "Mobile Phone": "(890) 123-4567", "Categories": "Band,myContacts"},
		},
	},
	"contacts_iphone_ios5.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Last Name": "Doe", "First Name": "John", "Middle Name": "Richter James", "Nickname": "Johny",
			"Organization": "IBM", "Mobile Phone": "905-555-1234", "Phone": "905-666-1234",
			"Phone (5)": "905-111-1234 ::: 905-222-1234", "Email": "john.doe@ibm.com",
			"City": "New York", "Country": "United States of America", "Birthday": "2012-06-06",
		}},
	},
	"contacts_mac_address_book.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "Mr. John Richter,James Doe Sr.", "Middle Name": "Richter,James",
			"Mobile Phone": "905-555-1234", "Phone": "905-777-1234", "URL": "http://www.ibm.com",
		}},
	},
	"contacts_ms_outlook_v21.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "Mr. John Richter James Doe Sr.", "Middle Name": "Richter James",
			"Phone": "(905) 555-1234", "Phone (2)": "(905) 666-1234", "Mobile Phone": "",
			"Email": "john.doe@ibm.cm", "City": "Albaney", "Birthday": "19800322",
		}},
	},
	"contacts_thunderbird_export.vcf": {
		encoding: encUTF8, lines: []int{1, 8},
		cells: map[int]map[string]string{
			0: {"Full Name": "contact number one", "Last Name": "one", "Email": "contact1@invalid"},
			1: {"Full Name": "contact number two", "Title": `"worker"`, "Note": "here's some unicode text…"},
		},
	},
	"contacts_utf16be.vcf": {
		encoding: encUTF16BE, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "Ǽgean ĽdaMonté", "First Name": "Ǽgean", "Last Name": "ĽdaMonté", "City": "LaPaz", "Country": "Perú",
		}},
	},
	"contacts_vcard21_quoted_printable.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			// No CHARSET: 0xF1 before a consonant is Polish ń (see guessLegacy).
			"Full Name": "Piotr Iksiński", "Last Name": "Iksiński", "First Name": "Piotr",
			"Email": "piotr.iksinski@somedomain.com",
		}},
	},
	"contacts_vcard21_windows1252.vcf": {
		encoding: encWindows1252, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "John Doë", "Last Name": "Doë", "Organization": "roundcube.net",
			"Email": "roundcube@gmail.com", "Email (2)": "inbox@roundcube.net",
			"Mobile Phone": "+987654321", "Phone": "+123456789", "City": "Hometown", "Country": "Cayman Islands",
		}},
	},
	"contacts_vcard40_rfc6350.vcf": {
		encoding: encUTF8, lines: []int{1},
		cells: map[int]map[string]string{0: {
			"Full Name": "Simon Perreault", "Last Name": "Perreault", "Organization": "Viagenie",
			"Mobile Phone": "+1-418-262-6501", "Phone": "+1-418-656-9254;ext=102",
			"Email": "simon.perreault@viagenie.ca", "City": "Quebec", "Country": "Canada",
			"Birthday": "--0203", "URL": "http://nomis80.org",
		}},
	},
}

// TestExports reads every .vcf among the exports: each must read without
// error, Sniff as vCard, hold no U+FFFD, and match what is known of it.
func TestExports(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(exportsDir, "*.vcf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no exports in %s", exportsDir)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, known := exportWants[name]
			if !known {
				t.Errorf("no expectations for %s: add it to exportWants", name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !Sniff(data) {
				t.Errorf("Sniff = false")
			}
			r, err := Open(strings.NewReader(string(data)))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if got := r.Encoding(); known && got != want.encoding {
				t.Errorf("Encoding() = %q, want %q", got, want.encoding)
			}
			lines, rows := readRows(t, r)
			if known && !slices.Equal(lines, want.lines) {
				t.Errorf("card lines %v, want %v", lines, want.lines)
			}
			for i, row := range rows {
				for h, v := range row {
					if strings.ContainsRune(v, '\uFFFD') {
						t.Errorf("card %d %s = %q: U+FFFD", i, h, v)
					}
				}
			}
			for i, cells := range want.cells {
				if i >= len(rows) {
					continue
				}
				for h, w := range cells {
					if got := rows[i][h]; got != w {
						t.Errorf("card %d %s = %q, want %q", i, h, got, w)
					}
				}
			}
		})
	}
}
