package phone

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestTypeName(t *testing.T) {
	tests := []struct {
		in   phonenumbers.PhoneNumberType
		want string
	}{
		{phonenumbers.FIXED_LINE, "fixed_line"},
		{phonenumbers.MOBILE, "mobile"},
		{phonenumbers.FIXED_LINE_OR_MOBILE, "fixed_line_or_mobile"},
		{phonenumbers.TOLL_FREE, "toll_free"},
		{phonenumbers.PREMIUM_RATE, "premium_rate"},
		{phonenumbers.SHARED_COST, "shared_cost"},
		{phonenumbers.VOIP, "voip"},
		{phonenumbers.PERSONAL_NUMBER, "personal_number"},
		{phonenumbers.PAGER, "pager"},
		{phonenumbers.UAN, "uan"},
		{phonenumbers.VOICEMAIL, "voicemail"},
		{phonenumbers.UNKNOWN, "unknown"},
		{phonenumbers.UNKNOWN + 1, "unknown"}, // a type a future library adds
		{-1, "unknown"},
	}
	for _, tt := range tests {
		if got := typeName(tt.in); got != tt.want {
			t.Errorf("typeName(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
