package country

import "testing"

func TestCode(t *testing.T) {
	cases := map[string]string{
		"IN": "IN", "in": "IN", "India": "IN", " INDIA ": "IN", "United States": "US", "U.S.A.": "US", "USA": "US",
		"United Kingdom": "GB", "UK": "GB", "gb": "GB", "Norway": "NO", "Deutschland": "DE", "Germany": "DE",
		"Côte d’Ivoire": "CI", "Bosnia & Herzegovina": "BA", "Australia": "AU", "Canada": "CA",
	}
	for in, want := range cases {
		if got, ok := Code(in); !ok || got != want {
			t.Errorf("Code(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "home_country", "XX", "Atlantis", "zz"} {
		if got, ok := Code(bad); ok {
			t.Errorf("Code(%q) = %q, want unknown", bad, got)
		}
	}
}
