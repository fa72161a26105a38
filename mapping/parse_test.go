package mapping

import (
	"errors"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/contactd/contactd"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want Mapping
	}{
		{"the API example", `{"Phone":"phone_e164","First Name":"first_name"}`,
			Mapping{"Phone": Phone, "First Name": FirstName}},
		{"empty object", `{}`, Mapping{}},
		{"every fixed target", `{"a":"phone_e164","b":"first_name","c":"last_name","d":"full_name","e":"email",
			"f":"company","g":"city","h":"country","i":"timezone","j":"tags","k":"alt_phones","l":"alt_emails","m":"dnc","n":"ignore"}`,
			Mapping{"a": Phone, "b": FirstName, "c": LastName, "d": FullName, "e": Email, "f": Company, "g": City,
				"h": Country, "i": Timezone, "j": Tags, "k": AltPhones, "l": AltEmails, "m": DNC, "n": Ignore}},
		{"target case and spaces forgiven", `{"Phone":" Phone_E164 ","Name":"FIRST_NAME"}`,
			Mapping{"Phone": Phone, "Name": FirstName}},
		{"empty target is ignore", `{"Photo":""}`, Mapping{"Photo": Ignore}},
		{"custom keeps its name's case", `{"Budget":"custom.Budget_2cr","Notes":"CUSTOM.notes"}`,
			Mapping{"Budget": "custom.Budget_2cr", "Notes": "custom.notes"}},
		{"custom name of 64 characters", `{"x":"custom.` + strings.Repeat("a", 64) + `"}`,
			Mapping{"x": "custom." + strings.Repeat("a", 64)}},
		{"several phones, emails and tags", `{"Mobile":"phone_e164","Phone":"phone_e164","Home":"alt_phones",
			"Work":"alt_phones","E-mail":"email","Email 2":"email","Labels":"tags","Groups":"tags","x":"ignore","y":"ignore"}`,
			Mapping{"Mobile": Phone, "Phone": Phone, "Home": AltPhones, "Work": AltPhones, "E-mail": Email,
				"Email 2": Email, "Labels": Tags, "Groups": Tags, "x": Ignore, "y": Ignore}},
		{"headers kept as written", `{" Mobile  Number ":"phone_e164","":"ignore","名前":"full_name"}`,
			Mapping{" Mobile  Number ": Phone, "": Ignore, "名前": FullName}},
		{"surrounding white space", " \n{\"Phone\":\"phone_e164\"}\n ", Mapping{"Phone": Phone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.raw)
			if err != nil {
				t.Fatalf("Parse(%q) error %v", tt.raw, err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("Parse(%q) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	many := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"h` + strconv.Itoa(i) + `":"ignore"`)
		}
		return b.String() + "}"
	}
	tests := []struct {
		name string
		raw  string
		want []string // substrings of the message, in any order
	}{
		{"empty", "", []string{"column_mapping is empty", "leave the field out"}},
		{"blank", "  \n", []string{"column_mapping is empty"}},
		{"not JSON", `Phone=phone_e164`, []string{"not valid JSON", `{"Phone":"phone_e164"}`}},
		{"cut short", `{"Phone":"phone_e164"`, []string{"cut short"}},
		{"array", `["Phone","phone_e164"]`, []string{"must be a JSON object", "got an array"}},
		{"string", `"phone_e164"`, []string{"must be a JSON object", "got a string"}},
		{"null", `null`, []string{"got null"}},
		{"trailing data", `{"Phone":"phone_e164"} {}`, []string{"more after its JSON object"}},
		{"number value", `{"Phone":1}`, []string{`header "Phone" maps to a number`}},
		{"object value", `{"Phone":{"to":"phone_e164"}}`, []string{`"Phone" maps to an object`}},
		{"array value", `{"Tags":["tags"]}`, []string{`"Tags" maps to an array`}},
		{"null value", `{"Phone":null}`, []string{`"Phone" maps to null`}},
		{"bool value", `{"DNC":true}`, []string{`"DNC" maps to a boolean`}},
		{"duplicate header", `{"Phone":"phone_e164","Phone":"email"}`, []string{`"Phone" appears twice`}},
		{"unknown target", `{"Mobile":"mobile"}`,
			[]string{`header "Mobile": unknown field "mobile"`, `did you mean "phone_e164"?`, "valid fields are phone_e164, first_name", "custom.<name>"}},
		{"unknown target without a guess", `{"X":"budget"}`, []string{`unknown field "budget"; valid fields are`}},
		{"target with a space", `{"First":"first name"}`, []string{`did you mean "first_name"?`}},
		{"custom without a name", `{"X":"custom."}`, []string{`custom field name ""`}},
		{"custom with a space", `{"X":"custom.my budget"}`, []string{`custom field name "my budget" must be`}},
		{"custom starting with -", `{"X":"custom.-x"}`, []string{`custom field name "-x"`}},
		{"custom too long", `{"X":"custom.` + strings.Repeat("a", 65) + `"}`, []string{"must be 1-64 characters"}},
		{"custom with a dot", `{"X":"custom.a.b"}`, []string{`custom field name "a.b"`}},
		{"two first names", `{"First":"first_name","Given":"first_name"}`,
			[]string{`"First", "Given" are all mapped to first_name, which takes one column`}},
		{"two custom fields of one name", `{"A":"custom.x","B":"custom.x"}`, []string{"mapped to custom.x"}},
		{"two full names", `{"Name":"full_name","Display Name":"full_name"}`, []string{"mapped to full_name"}},
		{"two DNC columns", `{"DNC":"dnc","Do Not Call":"dnc"}`, []string{"mapped to dnc"}},
		{"too many entries", many(MaxEntries + 1), []string{"more than 500 entries"}},
		{"too long", `{"` + strings.Repeat("x", maxRawBytes) + `":"ignore"}`, []string{"bytes, more than"}},
		{"every problem at once", `{"A":1,"B":"nope","C":"custom.?","D":"city","E":"city"}`,
			[]string{`"A" maps to a number`, `unknown field "nope"`, `custom field name "?"`, `"D", "E" are all mapped to city`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.raw)
			if err == nil {
				t.Fatalf("Parse(%.80q) = %v, want an error", tt.raw, m)
			}
			var e *contactd.Error
			if !errors.As(err, &e) || e.Code != EInvalidMapping {
				t.Fatalf("Parse(%.80q) error %#v, want a *contactd.Error with code %s", tt.raw, err, EInvalidMapping)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("Parse(%.80q) message %q, want it to contain %q", tt.raw, e.Message, w)
				}
			}
			if len(e.Fields) == 0 || e.Fields[0].Field != "column_mapping" {
				t.Errorf("Parse(%.80q) fields %v, want column_mapping problems", tt.raw, e.Fields)
			}
		})
	}
}

func TestParseAcceptsMaxEntries(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Phone":"phone_e164"`)
	for i := 1; i < MaxEntries; i++ {
		b.WriteString(`,"h` + strconv.Itoa(i) + `":"custom.h` + strconv.Itoa(i) + `"`)
	}
	b.WriteString("}")
	m, err := Parse(b.String())
	if err != nil {
		t.Fatalf("Parse of %d entries: %v", MaxEntries, err)
	}
	if got, want := len(m), MaxEntries; got != want {
		t.Errorf("len(Parse(...)) = %d, want %d", got, want)
	}
}

// The message lists at most maxShownProblems problems; Fields has them all.
func TestParseManyProblems(t *testing.T) {
	_, err := Parse(`{"a":"x1","b":"x2","c":"x3","d":"x4","e":"x5","f":"x6","g":"x7"}`)
	var e *contactd.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want *contactd.Error", err)
	}
	if got, want := len(e.Fields), 7; got != want {
		t.Errorf("len(Fields) = %d, want %d", got, want)
	}
	if !strings.HasSuffix(e.Message, "and 2 more problems") {
		t.Errorf("message %q, want it to end with the count of problems left out", e.Message)
	}
}
