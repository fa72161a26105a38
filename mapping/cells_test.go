package mapping

import "testing"

func TestRepairPhoneCell(t *testing.T) {
	tests := []struct {
		name, in                string
		clean, warning, errCode string
	}{
		// Scientific notation that shows every digit is exact.
		{"exact scientific", "9.19900000001E+11", "919900000001", WarnScientificNotation, ""},
		{"lower-case e", "9.19900000001e+11", "919900000001", WarnScientificNotation, ""},
		{"exponent without +", "9.19900000001E11", "919900000001", WarnScientificNotation, ""},
		{"European decimal comma", "9,19900000001E+11", "919900000001", WarnScientificNotation, ""},
		{"exponent with leading zero", "9.19900000001E+011", "919900000001", WarnScientificNotation, ""},
		{"trailing zeros shown", "9.19900000010E+11", "919900000010", WarnScientificNotation, ""},
		{"15 digits, all shown", "4.47400123456789E+14", "447400123456789", WarnScientificNotation, ""},
		{"padded with spaces", " 9.19900000001E+11\u00a0", "919900000001", WarnScientificNotation, ""},
		{"inside a text marker", `="9.19900000001E+11"`, "919900000001", WarnScientificNotation, ""},
		// Scientific notation that hides digits is refused.
		{"6 of 12 digits", "9.19877E+11", "", "", ErrPrecisionLost},
		{"small number", "1.2E+3", "", "", ErrPrecisionLost},
		{"small number, lower case", "1.2e3", "", "", ErrPrecisionLost},
		{"no fraction", "9E+11", "", "", ErrPrecisionLost},
		{"comma, digits hidden", "9,19877E+11", "", "", ErrPrecisionLost},
		{"15 digits shown of 17", "1.23456789012345E+16", "", "", ErrPrecisionLost},
		{"fraction longer than exponent", "1.2345E+2", "", "", ErrPrecisionLost},
		{"negative exponent", "9.1E-11", "", "", ErrPrecisionLost},
		{"signed mantissa", "-9.19900000001E+11", "", "", ErrPrecisionLost},
		{"plus-signed mantissa", "+9.19900000001E+11", "", "", ErrPrecisionLost},
		{"leading zero", "0.919900000001E+12", "", "", ErrPrecisionLost},
		{"huge exponent", "9.1E+999", "", "", ErrPrecisionLost},
		{"spaced exponent", "9.19877 E+11", "", "", ErrPrecisionLost},
		// A zero decimal part is dropped.
		{"decimal suffix", "919900000002.0", "919900000002", WarnDecimalSuffix, ""},
		{"two zeros", "919900000002.00", "919900000002", WarnDecimalSuffix, ""},
		{"decimal comma", "919900000002,0", "919900000002", WarnDecimalSuffix, ""},
		{"decimal suffix with spaces", "  919900000002.0 ", "919900000002", WarnDecimalSuffix, ""},
		// Text markers are removed.
		{"apostrophe", "'+919900000003", "+919900000003", "", ""},
		{"apostrophe and national form", "'09876543210", "09876543210", "", ""},
		{"formula text", `="09876543210"`, "09876543210", "", ""},
		{"formula text with spaces", `="+91 98765 43210"`, "+91 98765 43210", "", ""},
		// Everything else passes through, trimmed.
		{"plain international", "+91 99000 00001", "+91 99000 00001", "", ""},
		{"NBSP and spaces trimmed", "\u00a0 +91 99000 00001\t", "+91 99000 00001", "", ""},
		{"plain digits", "919900000004", "919900000004", "", ""},
		{"national form", "09900000001", "09900000001", "", ""},
		{"IDD prefix is the normalizer's", "0091 99000 00001", "0091 99000 00001", "", ""},
		{"thousands group", "919,000", "919,000", "", ""},
		{"non-zero decimal", "919900000002.5", "919900000002.5", "", ""},
		{"three zeros", "919900000002.000", "919900000002.000", "", ""},
		{"words", "phone work", "phone work", "", ""},
		{"vanity", "1-800-FLOWERS", "1-800-FLOWERS", "", ""},
		{"extension", "+91 99000 00001 ext. 12", "+91 99000 00001 ext. 12", "", ""},
		{"lone apostrophe", "'", "'", "", ""},
		{"unclosed formula", `="0987`, `="0987`, "", ""},
		{"formula, not text", "=A1+1", "=A1+1", "", ""},
		{"empty", "", "", "", ""},
		{"only spaces", " \u00a0 ", "", "", ""},
		{"E alone", "E", "E", "", ""},
		{"ends in E", "9E", "9E", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, warning, errCode := RepairPhoneCell(tt.in)
			if clean != tt.clean || warning != tt.warning || errCode != tt.errCode {
				t.Errorf("RepairPhoneCell(%q) = %q, %q, %q; want %q, %q, %q",
					tt.in, clean, warning, errCode, tt.clean, tt.warning, tt.errCode)
			}
		})
	}
}

func TestRepairMessage(t *testing.T) {
	for _, code := range []string{WarnScientificNotation, WarnDecimalSuffix, ErrPrecisionLost} {
		if RepairMessage(code) == "" {
			t.Errorf("RepairMessage(%q) is empty", code)
		}
	}
	if got := RepairMessage("nope"); got != "" {
		t.Errorf("RepairMessage(unknown) = %q, want \"\"", got)
	}
}
