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
		"vindhya cements": {"vindhya", "cements"},
		"a.b.com":         {"com"},
		"ab cd":           nil,
		"x_c 100%":        {"100"},
		"мир abc":         {"abc"},
		"gmail.com":       {"gmail", "com"},
	} {
		if got := asciiAlnumRuns(in); !reflect.DeepEqual(got, want) {
			t.Errorf("asciiAlnumRuns(%q) = %q, want %q", in, got, want)
		}
	}
}
