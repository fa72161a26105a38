package store

import (
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/country"
	"github.com/contactd/contactd/phone"
)

// Limits on contact values. Generous for real people, small enough that a
// hostile request cannot bloat a row.
const (
	maxNameLen        = 200
	maxTextLen        = 200
	maxEmailLen       = 254
	maxTags           = 100
	maxTagLen         = 100
	maxCustomFields   = 100
	maxCustomValueLen = 2000
	maxAltValues      = 20
)

var customKeyRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$`)

// fieldErrors gathers the problems of one request so the caller hears about
// all of them at once.
type fieldErrors []contactd.FieldError

func (fe *fieldErrors) add(field, code, format string, args ...any) {
	*fe = append(*fe, contactd.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return contactd.ValidationError(fe)
}

// cleanText trims a one-line value. Line breaks and tabs (a name pasted
// from a spreadsheet cell) become spaces; other control characters (NUL
// breaks PostgreSQL text) and the bidirectional overrides that make a name
// display as something else are refused.
func cleanText(fe *fieldErrors, field, s string, maxLen int) string {
	if strings.ContainsAny(s, "\r\n\t") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return checkText(fe, field, strings.TrimSpace(s), maxLen)
}

// cleanMultiline trims a value that may span lines (notes, addresses in
// custom fields): line endings become \n, tabs stay.
func cleanMultiline(fe *fieldErrors, field, s string, maxLen int) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return checkText(fe, field, strings.TrimSpace(s), maxLen)
}

func checkText(fe *fieldErrors, field, s string, maxLen int) string {
	if utf8.RuneCountInString(s) > maxLen {
		fe.add(field, "too_long", "at most %d characters", maxLen)
		return s
	}
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == utf8.RuneError {
			fe.add(field, "invalid_character", "contains a control, bidirectional-override or invalid character (U+%04X)", r)
			return s
		}
	}
	return s
}

// NormalizeEmail trims an address and lower-cases its domain; the local part
// keeps its case because some mail servers honour it. Returns an error
// message for an address that is not a plain addr-spec.
func NormalizeEmail(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	if len(s) > maxEmailLen {
		return s, fmt.Sprintf("at most %d characters", maxEmailLen)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return s, "not an email address (expected name@domain)"
	}
	s = s[:at] + "@" + strings.ToLower(s[at+1:])
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return s, "not an email address (expected name@domain)"
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return s, "the domain of the address is not valid"
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return s, "not an email address (contains spaces or control characters)"
		}
	}
	return s, ""
}

func cleanEmail(fe *fieldErrors, field, s string) string {
	e, msg := NormalizeEmail(s)
	if msg != "" {
		fe.add(field, contactd.EInvalidEmail, "%s", msg)
	}
	return e
}

func cleanPhone(fe *fieldErrors, field, raw, region string) (phone.Number, bool) {
	if ambiguousNANP(raw, region) {
		fe.add(field, "ambiguous_region", "written like a North American number but read in region %s; add +1, or send default_region US (or the row's country)", region)
		return phone.Number{}, false
	}
	n, err := phone.Normalize(raw, region)
	if err != nil {
		msg := err.Error()
		if pe, ok := err.(*phone.Error); ok {
			msg = pe.Message
			if pe.Code == "no_region" {
				msg += "; write it with +country code or send default_region"
			}
		}
		fe.add(field, contactd.EInvalidPhone, "%s", msg)
		return n, false
	}
	return n, true
}

func cleanRegion(fe *fieldErrors, field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if r, ok := phone.ValidRegion(s); ok {
		return r
	}
	if r, ok := country.Code(s); ok {
		return r
	}
	fe.add(field, "invalid_region", "%q is neither an ISO 3166-1 alpha-2 code such as IN, US or GB nor a country name", truncate(s, 60))
	return s
}

func cleanTimezone(fe *fieldErrors, field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if s == "Local" || len(s) > 64 {
		fe.add(field, "invalid_timezone", "not an IANA time zone name such as Asia/Kolkata")
		return s
	}
	if _, err := time.LoadLocation(s); err != nil {
		fe.add(field, "invalid_timezone", "%q is not an IANA time zone name such as Asia/Kolkata", s)
	}
	return s
}

// cleanTags trims tags and drops repeats case-insensitively, keeping the
// first spelling and the order given.
func cleanTags(fe *fieldErrors, tags []string) []string {
	if len(tags) > maxTags {
		fe.add("tags", "too_many", "at most %d tags", maxTags)
		return nil
	}
	out := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for i, t := range tags {
		t = cleanText(fe, fmt.Sprintf("tags[%d]", i), t, maxTagLen)
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// cleanCustom checks custom field names and values. Values are strings,
// numbers or booleans; nested objects would not survive a CSV export.
// When patch is true a nil value means "remove this key" and is kept.
func cleanCustom(fe *fieldErrors, m map[string]any, patch bool) map[string]any {
	if len(m) > maxCustomFields {
		fe.add("custom_fields", "too_many", "at most %d custom fields", maxCustomFields)
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		field := "custom_fields." + k
		if !customKeyRE.MatchString(k) {
			fe.add("custom_fields", "invalid_key", "custom field name %q must be 1-64 letters, digits, '_' or '-'", truncate(k, 70))
			continue
		}
		switch x := v.(type) {
		case nil:
			if !patch {
				continue
			}
		case string:
			v = cleanMultiline(fe, field, x, maxCustomValueLen)
		case json.Number:
			if !portableNumber(x) {
				fe.add(field, "out_of_range", "the number %s is out of the range both databases keep alike; send it as a string to keep it as written", truncate(string(x), 40))
				continue
			}
		case bool:
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				fe.add(field, "out_of_range", "the number is out of range")
				continue
			}
		case int, int64:
		default:
			fe.add(field, "invalid_type", "custom field values must be strings, numbers or booleans")
			continue
		}
		out[k] = v
	}
	return out
}

// portableNumber reports whether both engines hold n alike: PostgreSQL
// keeps a jsonb number exactly (and refuses one with thousands of digits),
// SQLite as a float64, in which 1e400 is infinity and 1e-400 is zero.
func portableNumber(n json.Number) bool {
	if len(n) > 40 {
		return false
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return false
	}
	mantissa, _, _ := strings.Cut(strings.ToLower(string(n)), "e")
	return f != 0 || strings.Trim(mantissa, "-+0.") == ""
}

// searchDoc builds the text that search matches: folded names, company and
// emails, and each phone as E.164 digits and as dialled nationally, so that
// "+91 99000 00001", "09900000001" and "99000" all find the same person.
// nationals may hold the national forms already known; others are parsed.
func searchDoc(c *contactd.Contact, nationals map[string]string) string {
	var b strings.Builder
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	add(foldText(c.FirstName + " " + c.LastName))
	add(foldText(c.Company))
	add(strings.ToLower(c.Email))
	for _, e := range c.AltEmails {
		add(strings.ToLower(e))
	}
	for _, p := range append([]string{c.PhoneE164}, c.AltPhones...) {
		if len(p) < 2 {
			continue
		}
		add(p[1:])
		national, ok := nationals[p]
		if !ok {
			if n, err := phone.Normalize(p, ""); err == nil {
				national = n.National
			}
		}
		if national != "" && national != p[1:] {
			add(national)
		}
	}
	return b.String()
}
