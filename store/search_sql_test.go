package store

import (
	"reflect"
	"testing"
)

func TestTrigramCover(t *testing.T) {
	for in, want := range map[string][]string{
		"abc":       {"abc"},
		"abcd":      {"abc", "bcd"},
		"abcdef":    {"abc", "def"},
		"vindhya c": {"vin", "dhy", "a c"},
		"née ab":    {"née", " ab"},
		"ab":        nil,
	} {
		if got := trigramCover(in); !reflect.DeepEqual(got, want) {
			t.Errorf("trigramCover(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][]string{
		"919876543210": {"876", "543", "210"},
		"09876543210":  {"876", "543", "210"},
		"987654321":    {"987", "654", "321"},
		"p9876543210":  {"p98", "765", "432", "210"},
	} {
		if got := searchCover(in); !reflect.DeepEqual(got, want) {
			t.Errorf("searchCover(%q) = %q, want %q", in, got, want)
		}
	}
}
