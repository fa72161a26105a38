package phone

import "testing"

func TestValidRegion(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"IN", "IN", true},
		{"in", "IN", true},
		{"gB", "GB", true},
		{" us ", "US", true},
		{"", "", false},
		{"XX", "XX", false},
		{"zz", "ZZ", false},   // libphonenumber's "unknown region"
		{"001", "001", false}, // libphonenumber's "non-geographic region"
		{"IND", "IND", false},
		{"ın", "IN", false}, // dotless i upper-cases to I but is not ASCII
	}
	for _, tt := range tests {
		got, ok := ValidRegion(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ValidRegion(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
