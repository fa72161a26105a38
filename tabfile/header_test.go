package tabfile

import (
	"reflect"
	"testing"
)

func TestHeaderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"First Name", "first name"},
		{"first_name", "first name"},
		{"E-mail Address", "e mail address"},
		{"E.Mail  Address", "e mail address"},
		{"  Phone 1 - Value ", "phone 1 value"},
		{"MEMBER_RATING", "member rating"},
		{"\uFEFFName", "name"},
		{"Name\u00A0", "name"},
		{"Téléphone", "téléphone"},
		{"höbbela", "höbbela"},
		{"Country/Region", "country/region"},
		{"Phone (2)", "phone (2)"},
		{"--__..", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := HeaderKey(tt.in); got != tt.want {
			t.Errorf("HeaderKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanHeaders(t *testing.T) {
	tests := []struct {
		name string
		raw  []string
		want []string
	}{
		{"kept as written", []string{"First Name", "E-mail Address"}, []string{"First Name", "E-mail Address"}},
		{"spaces, NBSP and BOM trimmed", []string{" Name ", "\u00A0Phone\u00A0", "\uFEFFEmail", "ï»¿Company"}, []string{"Name", "Phone", "Email", "Company"}},
		{"invisible characters dropped, not made spaces", []string{"Pho\u200Bne", "\u2060Email"}, []string{"Phone", "Email"}},
		{"inner whitespace and line breaks collapsed", []string{"Mobile\r\nPhone", "Home  \t City"}, []string{"Mobile Phone", "Home City"}},
		{"empty cells named by position", []string{"Name", "", " ", "Phone"}, []string{"Name", "Column 2", "Column 3", "Phone"}},
		{"duplicates numbered by position", []string{"Phone", "Name", "Phone", "Phone"}, []string{"Phone", "Name", "Phone (2)", "Phone (3)"}},
		{"duplicates by key, case kept", []string{"Phone", "PHONE", "phone_"}, []string{"Phone", "PHONE (2)", "phone_ (3)"}},
		{"no collision with a real Phone (2) further right", []string{"Phone", "Phone", "Phone (2)"}, []string{"Phone", "Phone (3)", "Phone (2)"}},
		{"no collision with a real Phone (2) further left", []string{"Phone (2)", "Phone", "Phone"}, []string{"Phone (2)", "Phone", "Phone (3)"}},
		{"generated name colliding with a real one", []string{"Column 2", ""}, []string{"Column 2", "Column 2 (2)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cleanHeaders(tt.raw)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cleanHeaders(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			keys := map[string]bool{}
			for _, h := range got {
				if keys[HeaderKey(h)] {
					t.Errorf("cleanHeaders(%q) = %q: key %q twice", tt.raw, got, HeaderKey(h))
				}
				keys[HeaderKey(h)] = true
			}
		})
	}
}
