package mapping

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/contactd/contactd"
)

func TestCheckAccepts(t *testing.T) {
	headers := []string{"Mobile Number", "E-mail", "First Name", "Phone", "Phone (2)", "Notes"}
	tests := []struct {
		name    string
		m       Mapping
		matchOn string
		want    Mapping
	}{
		{"exact spellings", Mapping{"Mobile Number": Phone, "First Name": FirstName}, "",
			Mapping{"Mobile Number": Phone, "First Name": FirstName}},
		{"folded spellings re-keyed", Mapping{"mobile_number": Phone, "E MAIL": Email, "first\u00a0name": "First_Name"}, "phone_e164",
			Mapping{"Mobile Number": Phone, "E-mail": Email, "First Name": FirstName}},
		{"renamed duplicate", Mapping{"Phone (2)": Phone, "phone": AltPhones}, "",
			Mapping{"Phone (2)": Phone, "Phone": AltPhones}},
		{"match on email needs no phone", Mapping{"e-mail": Email, "Notes": "custom.notes"}, "email",
			Mapping{"E-mail": Email, "Notes": "custom.notes"}},
		{"match on email with a phone too", Mapping{"E-mail": Email, "Phone": Phone}, "email",
			Mapping{"E-mail": Email, "Phone": Phone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Check(tt.m, headers, tt.matchOn)
			if err != nil {
				t.Fatalf("Check(%v, %q) error %v", tt.m, tt.matchOn, err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("Check(%v, %q) = %v, want %v", tt.m, tt.matchOn, got, tt.want)
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	headers := []string{"Mobile", "E-mail", "First Name", "Name", "name"}
	tests := []struct {
		name    string
		m       Mapping
		matchOn string
		code    string
		want    []string
	}{
		{"missing header", Mapping{"Mobile": Phone, "Phone No.": AltPhones}, "", EUnknownHeader,
			[]string{`names column the file does not have: "Phone No."`, `the file's columns are "Mobile", "E-mail", "First Name", "Name", "name"`}},
		{"missing headers named together", Mapping{"Mobile": Phone, "Cell": AltPhones, "Surname": LastName}, "", EUnknownHeader,
			[]string{`names columns the file does not have: "Cell", "Surname"`}},
		{"ignored header must exist too", Mapping{"Mobile": Phone, "Photo": Ignore}, "", EUnknownHeader,
			[]string{`"Photo"`}},
		{"ambiguous header", Mapping{"Mobile": Phone, "NAME": FullName}, "", EUnknownHeader,
			[]string{`"NAME" matches the file's columns "Name", "name"`}},
		{"two keys for one column", Mapping{"Mobile": Phone, "E-mail": Email, "e mail": AltEmails}, "", EInvalidMapping,
			[]string{`"E-mail" and "e mail" both name the file's column "E-mail"`}},
		{"no phone", Mapping{"E-mail": Email, "First Name": FirstName}, "", ENoPhoneColumn,
			[]string{"no column is mapped to phone_e164"}},
		{"alt phones are not enough", Mapping{"Mobile": AltPhones}, "phone_e164", ENoPhoneColumn,
			[]string{"phone_e164"}},
		{"no email for match on email", Mapping{"Mobile": Phone}, "email", ENoPhoneColumn,
			[]string{"match_on is email but no column is mapped to email"}},
		{"invalid targets in a built mapping", Mapping{"Mobile": Phone, "Name": "nom"}, "", EInvalidMapping,
			[]string{`unknown field "nom"`}},
		{"single-valued twice in a built mapping", Mapping{"Mobile": Phone, "Name": FirstName, "First Name": FirstName}, "", EInvalidMapping,
			[]string{"mapped to first_name"}},
		{"bad match_on", Mapping{"Mobile": Phone}, "phone", contactd.EInvalid,
			[]string{`match_on is "phone"; use phone_e164 or email`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Check(tt.m, headers, tt.matchOn)
			if err == nil {
				t.Fatalf("Check(%v, %q) = %v, want an error", tt.m, tt.matchOn, got)
			}
			var e *contactd.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("Check(%v, %q) error %#v, want code %s", tt.m, tt.matchOn, err, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("Check(%v, %q) message %q, want it to contain %q", tt.m, tt.matchOn, e.Message, w)
				}
			}
		})
	}
}

// Check must not change the caller's mapping while canonicalizing targets.
func TestCheckLeavesInputAlone(t *testing.T) {
	m := Mapping{"mobile": " PHONE_E164 "}
	if _, err := Check(m, []string{"Mobile"}, ""); err != nil {
		t.Fatal(err)
	}
	if got, want := m["mobile"], " PHONE_E164 "; got != want {
		t.Errorf("after Check, m[mobile] = %q, want %q", got, want)
	}
}

// A long header list is cut short in the message.
func TestCheckListsAtMostSomeHeaders(t *testing.T) {
	headers := make([]string, 200)
	for i := range headers {
		headers[i] = "Column " + strings.Repeat("x", i%7) + string(rune('A'+i%26))
	}
	headers[0] = "Phone"
	_, err := Check(Mapping{"Phone": Phone, "Nope": Ignore}, headers, "")
	if err == nil || !strings.Contains(err.Error(), "and 140 more") {
		t.Errorf("error %v, want the header list cut after %d", err, maxListedHeaders)
	}
}
