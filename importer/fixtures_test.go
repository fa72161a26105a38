package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

const exportsDir = "../../shared/fixtures/exports"

// Every real export imports with the suggested mapping, and this table says
// what each gives in a workspace whose default region is IN. Rows without a
// phone fail with phone_missing (contactd is for calling: a phone is
// required), rows with fake or foreign numbers without a + fail with
// invalid_phone, and both appear in the error report.
func TestRealExportsImport(t *testing.T) {
	if _, err := os.Stat(exportsDir); err != nil {
		t.Skipf("no fixtures at %s", exportsDir)
	}
	type want struct {
		total, created, failed, warnings int64
		codes                            string // error codes in report order
	}
	cases := map[string]want{
		"google_contacts.csv":                           {1, 0, 1, 1, "invalid_phone"}, // phone cells hold words ("pager")
		"google_contacts_new_format.csv":                {5, 5, 0, 0, ""},              // ::: multi-values, labels, landlines
		"google_contacts_new_format_subset.csv":         {4, 0, 4, 0, "invalid_phone invalid_phone phone_missing invalid_phone"},
		"google_outlook_csv_export.csv":                 {5, 1, 4, 0, "invalid_phone phone_missing invalid_phone invalid_phone"},
		"hubspot_export_all_properties.csv":             {2, 2, 0, 0, ""},
		"mailchimp_export.csv":                          {1, 0, 1, 0, "phone_missing"},
		"outlook_com.csv":                               {2, 1, 1, 0, "invalid_phone"}, // Norwegian numbers without +: invalid under IN
		"outlook_emails_only.csv":                       {1, 0, 1, 0, "phone_missing"},
		"outlook_live_legacy.csv":                       {3, 3, 0, 1, ""}, // an unreadable business phone is kept as text, with a warning
		"thunderbird_basic.csv":                         {1, 0, 1, 0, "phone_missing"},
		"thunderbird_export.csv":                        {2, 0, 2, 0, "phone_missing phone_missing"},
		"thunderbird_export_tab.txt":                    {2, 0, 2, 0, "phone_missing phone_missing"},
		"thunderbird_plain_roundcube.csv":               {1, 0, 1, 0, "invalid_phone"},
		"tricky/no_header_thunderbird.csv":              {1, 0, 1, 0, "phone_missing"},
		"tricky/quoted_empty_fields_thunderbird.csv":    {1, 0, 1, 0, "ambiguous_region"}, // "(800) 000-0000" under IN
		"tricky/ragged_row_no_final_newline_monica.csv": {1, 0, 1, 0, "column_count_mismatch"},
		"tricky/semicolon_thunderbird.csv":              {2, 0, 2, 0, "phone_missing phone_missing"},
		"tricky/shift_jis_thunderbird.csv":              {1, 0, 1, 0, "phone_missing"},
		"tricky/single_column_email_roundcube.csv":      {4, 0, 4, 0, "phone_missing phone_missing phone_missing phone_missing"},
		"tricky/tab_comma_mixed_thunderbird.csv":        {3, 0, 3, 0, "phone_missing phone_missing phone_missing"},
		"tricky/utf16le_bom_comma_thunderbird.csv":      {1, 0, 1, 0, "phone_missing"},
		"tricky/utf8_bom_roundcube.csv":                 {1, 0, 1, 1, "invalid_phone"}, // phones "100", "200"...
		// vCards: one row per card.
		"contacts.vcf":                          {3, 1, 2, 0, "phone_missing phone_missing"},
		"contacts_android_v21_qp.vcf":           {6, 0, 6, 0, "phone_missing phone_missing invalid_phone invalid_phone invalid_phone invalid_phone"},
		"contacts_apple_addressbook.vcf":        {1, 0, 1, 0, "phone_missing"},
		"contacts_dos_cr_cr_lf.vcf":             {1, 0, 1, 0, "phone_missing"},
		"contacts_forrest_gump_v3.vcf":          {1, 0, 1, 0, "invalid_phone"},    // (111) 555-12121 has 11 digits
		"contacts_gmail.vcf":                    {1, 0, 1, 0, "ambiguous_region"}, // 905-555-1234 under IN: refused, not misread
		"contacts_gmail_all_field_types.vcf":    {1, 0, 1, 0, "invalid_phone"},
		"contacts_google_export_nushell.vcf":    {2, 0, 2, 0, "phone_missing ambiguous_region"},
		"contacts_iphone_ios5.vcf":              {1, 1, 0, 1, ""},
		"contacts_mac_address_book.vcf":         {1, 1, 0, 1, ""},
		"contacts_ms_outlook_v21.vcf":           {1, 1, 0, 0, ""},
		"contacts_thunderbird_export.vcf":       {2, 0, 2, 0, "phone_missing phone_missing"},
		"contacts_utf16be.vcf":                  {1, 0, 1, 0, "phone_missing"},
		"contacts_vcard21_quoted_printable.vcf": {1, 0, 1, 0, "phone_missing"},
		"contacts_vcard21_windows1252.vcf":      {1, 0, 1, 0, "invalid_phone"},
		"contacts_vcard40_rfc6350.vcf":          {1, 1, 0, 0, ""},
	}
	db := storetest.Open(t, store.SQLite)
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(exportsDir, name))
			if err != nil {
				t.Fatal(err)
			}
			ctx := storetest.Workspace(t, db, name)
			imp := run(t, db, ctx, upload(t, db, ctx, string(b), contactd.ImportOptions{}), 100)
			wantCounts(t, imp, contactd.JobCompleted, counts{total: w.total, created: w.created, failed: w.failed})
			if imp.Warnings != w.warnings {
				t.Errorf("warnings = %d, want %d", imp.Warnings, w.warnings)
			}
			var codes []string
			for _, e := range errorReport(t, db, ctx, imp.ID) {
				codes = append(codes, e.Code)
				for _, cell := range e.Raw {
					if strings.ContainsRune(cell, '\uFFFD') {
						t.Errorf("mojibake in the error report: %q", cell)
					}
				}
			}
			if got := strings.Join(codes, " "); got != w.codes {
				t.Errorf("error codes %q, want %q", got, w.codes)
			}
		})
	}
	// Files on disk that the table forgot.
	all, _ := filepath.Glob(filepath.Join(exportsDir, "*.csv"))
	txt, _ := filepath.Glob(filepath.Join(exportsDir, "*.txt"))
	vcf, _ := filepath.Glob(filepath.Join(exportsDir, "*.vcf"))
	txt = append(txt, vcf...)
	tricky, _ := filepath.Glob(filepath.Join(exportsDir, "tricky", "*.csv"))
	for _, f := range append(append(all, txt...), tricky...) {
		rel, _ := filepath.Rel(exportsDir, f)
		if _, ok := cases[filepath.ToSlash(rel)]; !ok {
			t.Errorf("%s is not in the table: say what it gives", rel)
		}
	}
}

// What the richest exports give, field by field.
func TestRealExportContents(t *testing.T) {
	if _, err := os.Stat(exportsDir); err != nil {
		t.Skipf("no fixtures at %s", exportsDir)
	}
	db := storetest.Open(t, store.SQLite)
	load := func(name string) map[string]*contactd.Contact {
		b, err := os.ReadFile(filepath.Join(exportsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ctx := storetest.Workspace(t, db, name)
		run(t, db, ctx, upload(t, db, ctx, string(b), contactd.ImportOptions{}), 100)
		return contactsByPhone(t, db, ctx)
	}
	hub := load("hubspot_export_all_properties.csv")
	priya := hub["+919876543210"]
	if priya == nil || priya.FirstName != "Priya" || priya.LastName != "Sharma" || priya.Email != "priya.sharma@example.com" ||
		priya.Company != "Acme Analytics Pvt Ltd" || priya.City != "Bengaluru" || priya.Country != "IN" {
		t.Errorf("hubspot Priya: %+v", priya)
	}
	if lars := hub["+4741234567"]; lars == nil || lars.LastName != "Ødegård" || lars.Country != "NO" {
		t.Errorf("hubspot Lars: %+v", lars)
	}
	google := load("google_contacts_new_format.csv")
	if k := google["+919840012345"]; k == nil || k.FirstName != "Karthik" || strings.Join(k.AltPhones, ",") != "+914423456789" {
		t.Errorf("google Karthik: %+v", k)
	}
	if e := google["+447400123456"]; e == nil || e.FirstName != "Émilie" || strings.Join(e.Tags, ",") != "starred" {
		t.Errorf("google Émilie: %+v", e)
	}
	if r := google["+919900000001"]; r == nil || strings.Join(r.AltPhones, ",") != "+919900000002" {
		t.Errorf("google Ravi (two phones in one ::: cell): %+v", r)
	}
	// A vCard 4.0 card: the cell phone is the primary, the work line an alternate.
	card := load("contacts_vcard40_rfc6350.vcf")
	if s := card["+14182626501"]; s == nil || s.FirstName != "Simon" || s.LastName != "Perreault" || strings.Join(s.AltPhones, ",") != "+14186569254" {
		t.Errorf("vCard 4.0 Simon: %+v", s)
	}
	legacy := load("outlook_live_legacy.csv")
	for _, c := range legacy {
		if u, ok := c.CustomFields["unparsed_phones"]; ok && u == "" {
			t.Errorf("unparsed phone kept empty: %+v", c)
		}
	}
}
