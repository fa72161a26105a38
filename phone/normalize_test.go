package phone

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestNormalizeAccepts(t *testing.T) {
	const in, gb, us = "+919900000001", "+447400123456", "+12125551234"
	tests := []struct {
		name, raw, region, want string
	}{
		{"international with spaces", "+91 99000 00001", "", in},
		{"international with dashes", "+91-99000-00001", "", in},
		{"country code in parentheses", "(+91) 9900000001", "", in},
		{"national with trunk 0", "09900000001", "IN", in},
		{"national without trunk", "9900000001", "IN", in},
		{"lower-case region", "9900000001", "in", in},
		{"region with spaces", "9900000001", " IN ", in},
		{"00 IDD, region IN", "0091 9900000001", "IN", in},
		{"00 IDD, region GB", "0091 9900000001", "GB", in},
		{"00 IDD unspaced, region IN", "00919900000001", "IN", in},
		{"00 IDD unspaced, region GB", "00919900000001", "GB", in},
		{"00 IDD, no region", "0091 9900000001", "", in},
		{"00 IDD in parentheses, no region", "(0091) 9900000001", "", in},
		{"00 IDD, unknown region", "00919900000001", "XX", in},
		{"country code without plus, region IN", "91 9900000001", "IN", in},
		{"+1 with parentheses", "+1 (212) 555-1234", "", us},
		{"US national", "212-555-1234", "US", us},
		{"US national with 1", "1-212-555-1234", "US", us},
		{"US IDD 011", "011 44 7400 123456", "US", gb},
		{"GB national", "07400 123456", "GB", gb},
		{"(0) trunk in international form", "+44 (0)7400 123456", "", gb},
		{"international form overrides region", "+44 7400 123456", "IN", gb},
		{"tel URI", "tel:+919900000001", "", in},
		{"tel URI with phone-context", "tel:9900000001;phone-context=+91", "", in},
		{"RFC 3966 extension dropped", "+919900000001;ext=12", "", in},
		{"x extension dropped", "+1 212 555 1234 x12", "", us},
		{"ext. extension dropped", "+1 212 555 1234 ext. 12", "", us},
		{"national with extension dropped", "212-555-1234 ext. 12", "US", us},
		{"devanagari", "+९१ ९९०००००००१", "", in},
		{"devanagari national", "०९९०००००००१", "IN", in},
		{"fullwidth", "＋９１９９０００００００１", "", in},
		{"arabic-indic", "+٩١٩٩٠٠٠٠٠٠٠١", "", in},
		{"extended arabic-indic", "+۹۱۹۹۰۰۰۰۰۰۰۱", "", in},
		{"bengali", "+৯১ ৯৯০০০০০০০১", "", in},
		{"surrounding white space", "\t +91 99000 00001 \n", "", in},
		{"vanity letters", "1-800-FLOWERS", "US", "+18003569377"},
		{"non-geographic", "+800 1234 5678", "", "+80012345678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Normalize(tt.raw, tt.region)
			if err != nil {
				t.Fatalf("Normalize(%q, %q) error %v, want %s", tt.raw, tt.region, err, tt.want)
			}
			if got := n.E164; got != tt.want {
				t.Errorf("Normalize(%q, %q).E164 = %q, want %q", tt.raw, tt.region, got, tt.want)
			}
		})
	}
}

func TestNormalizeFields(t *testing.T) {
	tests := []struct {
		raw, region string
		want        Number
	}{
		{"+91 99000 00001", "", Number{
			E164: "+919900000001", Country: "IN", Type: "mobile",
			TimeZones: []string{"Asia/Kolkata"}, National: "09900000001",
		}},
		{"07400 123456", "GB", Number{
			E164: "+447400123456", Country: "GB", Type: "mobile",
			TimeZones: []string{"Europe/Guernsey", "Europe/Isle_of_Man", "Europe/London"},
			National:  "07400123456",
		}},
		{"212-555-1234", "US", Number{
			E164: "+12125551234", Country: "US", Type: "fixed_line_or_mobile",
			TimeZones: []string{"America/New_York"}, National: "2125551234",
		}},
		{"+1 345 949 1234", "", Number{ // +1 shared by many regions
			E164: "+13459491234", Country: "KY", Type: "fixed_line",
			TimeZones: []string{"America/Cayman"}, National: "3459491234",
		}},
		{"+61 412 345 678", "", Number{
			E164: "+61412345678", Country: "AU", Type: "mobile",
			TimeZones: []string{"Australia/Sydney"}, National: "0412345678",
		}},
		{"+7 912 345 6789", "", Number{ // Russia's trunk prefix is 8
			E164: "+79123456789", Country: "RU", Type: "mobile",
			TimeZones: []string{"Europe/Moscow"}, National: "89123456789",
		}},
		{"+54 9 11 2345 6789", "", Number{ // see nationalFormatFixes
			E164: "+5491123456789", Country: "AR", Type: "mobile",
			TimeZones: []string{"America/Argentina/Buenos_Aires"}, National: "0111523456789",
		}},
		{"+800 1234 5678", "", Number{
			E164: "+80012345678", Country: "", Type: "toll_free",
			TimeZones: []string{"Etc/Unknown"}, National: "12345678",
		}},
		{"+1 212 555 1234 ext. 12", "", Number{ // extension in no field
			E164: "+12125551234", Country: "US", Type: "fixed_line_or_mobile",
			TimeZones: []string{"America/New_York"}, National: "2125551234",
		}},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.raw, tt.region)
		if err != nil {
			t.Errorf("Normalize(%q, %q) error %v", tt.raw, tt.region, err)
			continue
		}
		if !equalNumber(got, tt.want) {
			t.Errorf("Normalize(%q, %q)\n got %+v\nwant %+v", tt.raw, tt.region, got, tt.want)
		}
	}
}

func TestNormalizeTollFreeUS(t *testing.T) {
	n, err := Normalize("+1 800 555 1234", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.Type, "toll_free"; got != want {
		t.Errorf("Type = %q, want %q", got, want)
	}
	// A NANP toll-free number can ring anywhere in North America.
	if got := len(n.TimeZones); got < 10 {
		t.Errorf("got %d zones %v, want many", got, n.TimeZones)
	}
	for _, z := range []string{"America/New_York", "America/Los_Angeles", "Pacific/Honolulu"} {
		if !slices.Contains(n.TimeZones, z) {
			t.Errorf("TimeZones %v lack %s", n.TimeZones, z)
		}
	}
}

func TestNormalizeRefuses(t *testing.T) {
	tests := []struct {
		name, raw, region, wantCode string
	}{
		{"empty", "", "IN", "empty"},
		{"spaces", "   ", "IN", "empty"},
		{"letters", "abc", "IN", "not_a_number"},
		{"only punctuation", "--()--", "IN", "not_a_number"},
		{"plus alone", "+", "", "not_a_number"},
		{"two numbers", "+91 99000 00001 / +91 99000 00002", "", "not_a_number"},
		{"two digits", "12", "IN", "invalid_number"},
		{"one digit after country code", "+91 1", "", "too_short"},
		{"IDD and nothing after", "0091", "IN", "too_short"},
		{"more than 17 national digits", "+91 990000000112345678", "", "too_long"},
		{"longer than the library reads", "+91 " + strings.Repeat("9", 300), "", "too_long"},
		{"longer than we read", strings.Repeat(" ", 2000) + "+919900000001", "", "too_long"},
		{"unassigned country code", "+999 123", "", "invalid_country_code"},
		{"unassigned country code after 00", "00999 123456", "", "invalid_country_code"},
		{"unassigned country code after US IDD", "011 999 123456", "US", "invalid_country_code"},
		{"too short for IN", "+91 12345", "", "invalid_number"},
		{"too long for IN", "+91 99000000012", "", "invalid_number"},
		{"no such IN prefix", "+91 1000000000", "", "invalid_number"},
		{"US number without area code", "555-1234", "US", "invalid_number"},
		{"US 555 area code", "+1 555 555 1234", "", "invalid_number"},
		{"national, no region", "9900000001", "", "no_region"},
		{"national with trunk, no region", "09900000001", "", "no_region"},
		{"national, unknown region", "9900000001", "XX", "no_region"},
		{"digits only, no region", "12", "", "no_region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Normalize(tt.raw, tt.region)
			if err == nil {
				t.Fatalf("Normalize(%q, %q) = %+v, want error %s", tt.raw, tt.region, n, tt.wantCode)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Normalize(%q, %q) error %T %v, want *Error", tt.raw, tt.region, err, err)
			}
			if got := e.Code; got != tt.wantCode {
				t.Errorf("Normalize(%q, %q) code %q (%v), want %q", tt.raw, tt.region, got, err, tt.wantCode)
			}
			if e.Message == "" || e.Message == libraryPanicMessage {
				t.Errorf("Normalize(%q, %q) message %q", tt.raw, tt.region, e.Message)
			}
			if !equalNumber(n, Number{}) {
				t.Errorf("Normalize(%q, %q) returned %+v with its error, want zero Number", tt.raw, tt.region, n)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	_, err := Normalize("+91 12345", "")
	got, want := err.Error(), "phone: invalid_number: not a valid +91 (IN) number: too short"
	if got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if strings.Contains(got, "12345") {
		t.Errorf("Error() %q repeats the input", got)
	}
}

func TestLeadingIDDToPlus(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0091 99", "+91 99"},
		{"(00) 91", "(+) 91"},
		{"tel:0044", "tel:+44"},
		{"+0091", "+0091"},
		{"＋0091", "＋0091"},
		{"0 091", "0 091"},
		{"09900000001", "09900000001"},
		{"9100", "9100"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := leadingIDDToPlus(tt.in); got != tt.want {
			t.Errorf("leadingIDDToPlus(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func equalNumber(a, b Number) bool {
	return a.E164 == b.E164 && a.Country == b.Country && a.Type == b.Type &&
		a.National == b.National && slices.Equal(a.TimeZones, b.TimeZones)
}
