package phone

import (
	"testing"
	"unicode"
)

func TestASCIIDigits(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii untouched", "+91 (990) 000-0001", "+91 (990) 000-0001"},
		{"devanagari", "+९१ ९९०००००००१", "+91 9900000001"},
		{"arabic-indic", "+٩١ ٩٩٠٠٠٠٠٠٠١", "+91 9900000001"},
		{"extended arabic-indic", "۰۹۹۰۰۰۰۰۰۰۱", "09900000001"},
		{"fullwidth digits, fullwidth plus kept", "＋９１", "＋91"},
		{"bengali", "০১২৩৪৫৬৭৮৯", "0123456789"},
		{"mathematical bold (32-bit range)", "𝟎𝟗", "09"},
		{"mathematical monospace nine", "𝟿", "9"},
		{"letters and symbols kept", "tel:+९१ ext. ४", "tel:+91 ext. 4"},
		{"non-decimal numerals kept", "Ⅻ ½ ²", "Ⅻ ½ ²"},
		{"invalid utf-8 kept byte for byte", "\xff९\xfe", "\xff9\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ASCIIDigits(tt.in); got != tt.want {
				t.Errorf("ASCIIDigits(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"919900000001", "919900000001"},
		{"+91 (990) 000-0001", "919900000001"},
		{"+९१ ९९०००००००१", "919900000001"},
		{"＋９１-९९", "9199"},
		{"abc", ""},
		{"1-800-FLOWERS", "1800"},
	}
	for _, tt := range tests {
		if got := Digits(tt.in); got != tt.want {
			t.Errorf("Digits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDigitValueCoversEveryNd checks the assumption digitValue rests on:
// every Unicode decimal digit sits in a run of ten, zero first, so the
// zero of each run maps to "0" and the next nine to "1".."9".
func TestDigitValueCoversEveryNd(t *testing.T) {
	count := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsDigit(r) {
			continue
		}
		count++
		got := ASCIIDigits(string(r))
		if len(got) != 1 || got[0] < '0' || got[0] > '9' {
			t.Fatalf("ASCIIDigits(%U) = %q, want one ASCII digit", r, got)
		}
		if got[0] == '0' {
			for k := rune(1); k <= 9; k++ {
				want := string(rune('0' + k))
				if g := ASCIIDigits(string(r + k)); g != want {
					t.Fatalf("ASCIIDigits(%U) = %q, want %q (run starting at %U)", r+k, g, want, r)
				}
			}
		}
	}
	if count%10 != 0 {
		t.Errorf("%d decimal digits in Unicode, want a multiple of ten", count)
	}
}
