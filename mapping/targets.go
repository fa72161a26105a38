package mapping

import (
	"regexp"
	"strings"
)

// Mapping maps source headers, as the file reader returns them (trimmed,
// duplicates renamed "Phone (2)"), to targets. Parse keeps the operator's
// spellings, which may differ from the file's in anything HeaderKey folds;
// Check re-keys them to the file's exact spellings, which is what Columns
// needs. Suggest uses the exact spellings from the start.
type Mapping map[string]string

// Targets a header can map to.
const (
	Phone     = "phone_e164"
	FirstName = "first_name"
	LastName  = "last_name"
	Email     = "email"
	Company   = "company"
	City      = "city"
	Country   = "country"
	Timezone  = "timezone"
	Tags      = "tags"
	AltPhones = "alt_phones"
	AltEmails = "alt_emails"
	DNC       = "dnc"
	// FullName is split into first and last name for rows that have neither.
	FullName = "full_name"
	// Ignore drops the column.
	Ignore = "ignore"
	// CustomPrefix starts a custom field target: "custom.budget".
	CustomPrefix = "custom."
)

// fixedTargets lists the targets other than custom.<name>, in the order error
// messages show them.
var fixedTargets = []string{
	Phone, FirstName, LastName, FullName, Email, Company, City, Country,
	Timezone, Tags, AltPhones, AltEmails, DNC, Ignore,
}

// multiColumn holds the targets that several columns may feed; see the
// package documentation for how their values combine.
var multiColumn = map[string]bool{
	Phone: true, AltPhones: true, Email: true, AltEmails: true, Tags: true, Ignore: true,
}

// customName is the rule for custom field names; the store keys custom
// fields by it, and the limit keeps names usable as JSON keys and in filters.
var customName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$`)

// validTargetsText is shown in errors so that the operator can fix a
// mapping without reading the documentation.
var validTargetsText = strings.Join(fixedTargets, ", ") + ", custom.<name>"

// canonicalTarget returns the target t names, forgiving case and surrounding
// spaces in the fixed names ("First_Name"), and "" as ignore because form
// builders send "" for a column left unmapped. The custom name keeps its
// case: it becomes a custom field key as written. ok is false when t names
// no target; problem then says why.
func canonicalTarget(t string) (target string, ok bool, problem string) {
	t = strings.TrimSpace(t)
	if t == "" {
		return Ignore, true, ""
	}
	if len(t) >= len(CustomPrefix) && strings.EqualFold(t[:len(CustomPrefix)], CustomPrefix) {
		name := t[len(CustomPrefix):]
		if !customName.MatchString(name) {
			return "", false, "custom field name " + quote(name) +
				" must be 1-64 characters of letters, digits, _ and -, not starting with -"
		}
		return CustomPrefix + name, true, ""
	}
	lower := strings.ToLower(t)
	for _, f := range fixedTargets {
		if lower == f {
			return f, true, ""
		}
	}
	return "", false, ""
}
