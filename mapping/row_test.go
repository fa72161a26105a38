package mapping

import (
	"reflect"
	"slices"
	"testing"
)

func TestColumnsRow(t *testing.T) {
	headers := []string{"Name", "First Name", "Last Name", "Mobile", "Phone", "Home Phone", "Email", "Email 2",
		"Labels", "Categories", "Company", "City", "Country", "Time Zone", "DNC", "Notes", "Photo", "Unmapped"}
	m := Mapping{
		"Name": FullName, "First Name": FirstName, "Last Name": LastName,
		"Mobile": Phone, "Phone": Phone, "Home Phone": AltPhones,
		"Email": Email, "Email 2": AltEmails, "Labels": Tags, "Categories": Tags,
		"Company": Company, "City": City, "Country": Country, "Time Zone": Timezone, "DNC": DNC,
		"Notes": "custom.notes", "Photo": Ignore,
	}
	cols := m.Columns(headers)
	tests := []struct {
		name  string
		cells []string
		want  Row
	}{
		{"every field",
			[]string{"Rahul Sharma", "Rahul", "Sharma", "+91 99000 00001", "020 1234 5678", "020 8765 4321", "r@example.com",
				"r2@example.com", "* myContacts ::: VIP", "Pune;vip", "Acme Realty", "Pune", "IN", "Asia/Kolkata", "no",
				"call after 6", "https://photo", "x"},
			Row{Phone: "+91 99000 00001", AltPhones: []string{"020 1234 5678", "020 8765 4321"},
				Email: "r@example.com", AltEmails: []string{"r2@example.com"},
				FirstName: "Rahul", LastName: "Sharma", Company: "Acme Realty", City: "Pune", Country: "IN",
				Timezone: "Asia/Kolkata", DNC: "no", Tags: []string{"VIP", "Pune"},
				Custom: map[string]string{"notes": "call after 6"}}},
		{"first non-empty phone_e164 column is primary",
			[]string{"", "", "", "", "020 1234 5678", "020 8765 4321", "", "", "", "", "", "", "", "", "", "", "", ""},
			Row{Phone: "020 1234 5678", AltPhones: []string{"020 8765 4321"}}},
		{"alt phone promoted when every phone_e164 cell is empty",
			[]string{"", "", "", " ", "", "020 8765 4321", "", "r2@example.com", "", "", "", "", "", "", "", "", "", ""},
			Row{Phone: "020 8765 4321", Email: "r2@example.com"}},
		{"Google's ::: multi-values",
			[]string{"", "", "", "+91 99000 00001 ::: +91 99000 00002", "", "", "a@example.com ::: b@example.com", "c@example.com; d@example.com",
				"", "", "", "", "", "", "", "", "", ""},
			Row{Phone: "+91 99000 00001", AltPhones: []string{"+91 99000 00002"}, Email: "a@example.com",
				AltEmails: []string{"b@example.com", "c@example.com", "d@example.com"}}},
		{"phones are not split on commas or semicolons",
			[]string{"", "", "", "9,19900000001E+11", "+919900000001;ext=12", "", "", "", "", "", "", "", "", "", "", "", "", ""},
			Row{Phone: "9,19900000001E+11", AltPhones: []string{"+919900000001;ext=12"}}},
		{"full name fills rows without first and last",
			[]string{"Rahul Kumar Sharma", "", "", "+91 99000 00001"},
			Row{Phone: "+91 99000 00001", FirstName: "Rahul Kumar", LastName: "Sharma"}},
		{"full name changes nothing when first name is set",
			[]string{"Rahul Kumar Sharma", "Rahul", "", "+91 99000 00001"},
			Row{Phone: "+91 99000 00001", FirstName: "Rahul"}},
		{"full name changes nothing when only last name is set",
			[]string{"Rahul Kumar Sharma", "", "Sharma"},
			Row{LastName: "Sharma"}},
		{"short row", []string{"Asha"}, Row{FirstName: "Asha"}},
		{"empty row", nil, Row{}},
		{"cells trimmed, NBSP too",
			[]string{"", "\u00a0Asha ", "", " +91 99000 00001\t"},
			Row{FirstName: "Asha", Phone: "+91 99000 00001"}},
		{"extra cells ignored",
			[]string{"", "Asha", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "extra", "more"},
			Row{FirstName: "Asha"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cols.Row(tt.cells)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Row(%q) =\n%#v\nwant\n%#v", tt.cells, got, tt.want)
			}
		})
	}
}

// Columns works on the mapping Check returns, whatever spelling the
// operator used.
func TestColumnsAfterCheck(t *testing.T) {
	headers := []string{"Mobile Number", "E-mail"}
	m, err := Check(Mapping{"mobile_number": Phone, "e mail": Email}, headers, "")
	if err != nil {
		t.Fatal(err)
	}
	got := m.Columns(headers).Row([]string{"+91 99000 00001", "a@example.com"})
	if want := (Row{Phone: "+91 99000 00001", Email: "a@example.com"}); !reflect.DeepEqual(got, want) {
		t.Errorf("Row = %#v, want %#v", got, want)
	}
}

func TestSplitFullName(t *testing.T) {
	tests := []struct{ in, first, last string }{
		{"Rahul Sharma", "Rahul", "Sharma"},
		{"Rahul Kumar Sharma", "Rahul Kumar", "Sharma"},
		{"  Rahul \u00a0 Sharma ", "Rahul", "Sharma"},
		{"Rahul", "Rahul", ""},
		{"Sharma, Rahul", "Rahul", "Sharma"},
		{"Sharma,Rahul Kumar", "Rahul Kumar", "Sharma"},
		{"Rahul Sharma, MD", "Rahul", "Sharma, MD"},
		{"Rahul,", "Rahul", ""},
		{", Rahul", "Rahul", ""},
		{"Ludwig van Beethoven", "Ludwig van", "Beethoven"},
		{"", "", ""},
		{" , ", "", ""},
	}
	for _, tt := range tests {
		first, last := SplitFullName(tt.in)
		if first != tt.first || last != tt.last {
			t.Errorf("SplitFullName(%q) = %q, %q; want %q, %q", tt.in, first, last, tt.first, tt.last)
		}
	}
}

func TestSplitTags(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"vip", []string{"vip"}},
		{"* myContacts ::: Clients", []string{"Clients"}},
		{"* My Contacts ::: Test", []string{"Test"}},
		{"* starred ::: Family", []string{"starred", "Family"}},
		{"Friends;Work", []string{"Friends", "Work"}},
		{`"VIP","Pune"`, []string{"VIP", "Pune"}},
		{"a, b | c", []string{"a", "b", "c"}},
		{"VIP;vip; Vip", []string{"VIP"}},
		{" ; ,, ", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := SplitTags(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
