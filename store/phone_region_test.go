package store

import "testing"

func TestAmbiguousNANP(t *testing.T) {
	cases := []struct {
		raw, region string
		want        bool
	}{
		{"(212) 555-1234", "IN", true},
		{"212-555-1234", "GB", true},
		{"1-212-555-1234", "IN", true},
		{"905.555.1234", "IN", true},
		{"(212) 555-1234", "US", false},
		{"212-555-1234", "CA", false},
		{"+1 (212) 555-1234", "IN", false},
		{"001 212 555 1234", "IN", false},
		{"99000 00001", "IN", false},
		{"099000-00001", "IN", false},
		{"9900000001", "IN", false},
		{"020 7946 0958", "GB", false},
	}
	for _, c := range cases {
		if got := ambiguousNANP(c.raw, c.region); got != c.want {
			t.Errorf("ambiguousNANP(%q, %s) = %v, want %v", c.raw, c.region, got, c.want)
		}
	}
}
