package phone

import "github.com/nyaruka/phonenumbers"

// typeNames gives Number.Type for each library type. It is indexed by the
// library's enum so a lookup costs nothing; a type added by a future library
// version falls outside it and reads as "unknown" (see typeName).
var typeNames = [...]string{
	phonenumbers.FIXED_LINE:           "fixed_line",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal_number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
	phonenumbers.UNKNOWN:              "unknown",
}

func typeName(t phonenumbers.PhoneNumberType) string {
	if t < 0 || int(t) >= len(typeNames) || typeNames[t] == "" {
		return "unknown"
	}
	return typeNames[t]
}
