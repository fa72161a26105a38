package mapping

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/contactd/contactd"
)

// FuzzParse feeds Parse arbitrary input; seeds live in
// testdata/fuzz/FuzzParse. It checks that Parse never panics, that every
// refusal is an invalid_mapping *contactd.Error with a message, and that
// every accepted mapping has only valid, canonical targets, at most one
// column per single-valued target, and passes Check against its own headers
// (failing at most for want of a phone column).
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := Parse(raw)
		if err != nil {
			var e *contactd.Error
			if !errors.As(err, &e) || e.Code != EInvalidMapping || e.Message == "" || len(e.Fields) == 0 {
				t.Fatalf("Parse(%q) error %#v, want an invalid_mapping *contactd.Error with a message", raw, err)
			}
			return
		}
		if len(m) > MaxEntries {
			t.Fatalf("Parse(%q) gave %d entries, more than %d", raw, len(m), MaxEntries)
		}
		count := map[string]int{}
		for h, target := range m {
			canon, ok, _ := canonicalTarget(target)
			if !ok || canon != target {
				t.Fatalf("Parse(%q)[%q] = %q, not a canonical target", raw, h, target)
			}
			if name, custom := strings.CutPrefix(target, CustomPrefix); custom && !customName.MatchString(name) {
				t.Fatalf("Parse(%q)[%q] = %q, a bad custom name", raw, h, target)
			}
			count[target]++
			if count[target] > 1 && !multiColumn[target] {
				t.Fatalf("Parse(%q) maps several headers to %q", raw, target)
			}
		}
		if _, err := Check(maps.Clone(m), sortedKeys(m), ""); err != nil && contactd.ErrorCode(err) != ENoPhoneColumn {
			t.Fatalf("Check(Parse(%q), its own headers) error %v", raw, err)
		}
	})
}

// FuzzSuggest checks that Suggest maps every header and always gives a
// mapping that Parse's checks accept. Headers are the input split at "|".
func FuzzSuggest(f *testing.F) {
	f.Add("Name|Given Name|Family Name|Phone 1 - Type|Phone 1 - Value|E-mail 1 - Value")
	f.Add("Mobile|Phone|Phone (2)|Email|Email|Notes|notes|NOTES|||電話")
	f.Fuzz(func(t *testing.T, joined string) {
		headers := strings.Split(joined, "|")
		m := Suggest(headers)
		for _, h := range headers {
			if _, ok := m[h]; !ok {
				t.Fatalf("Suggest(%q) left out %q", headers, h)
			}
		}
		if p := validate(maps.Clone(m)); len(p) > 0 {
			t.Fatalf("Suggest(%q) = %v, an invalid mapping: %v", headers, m, p.err())
		}
	})
}

// FuzzRepairPhoneCell checks that RepairPhoneCell never invents a digit:
// whatever it repairs is the leading digits of the cell, and whatever it
// refuses comes back empty.
func FuzzRepairPhoneCell(f *testing.F) {
	for _, s := range []string{"9.19900000001E+11", "9.19877E+11", "919900000002.0", "'+919900000003", `="09876543210"`, "+91 99000 00001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		clean, warning, errCode := RepairPhoneCell(in)
		switch {
		case errCode != "":
			if errCode != ErrPrecisionLost || clean != "" || warning != "" {
				t.Fatalf("RepairPhoneCell(%q) = %q, %q, %q", in, clean, warning, errCode)
			}
		case warning != "":
			if !allDigits(clean) || !strings.HasPrefix(asciiDigits(in), clean) {
				t.Fatalf("RepairPhoneCell(%q) = %q with %s, not the cell's own leading digits", in, clean, warning)
			}
		}
	})
}

func asciiDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
