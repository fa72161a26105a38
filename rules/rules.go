// Package rules reads, checks and compiles the rule trees that select
// contacts: the rules of dynamic segments, and the rules filter of exports.
//
// A tree is the API contract's: {"all":[...]} or {"any":[...]} groups, nested
// freely, around conditions {"field":"city","op":"eq","value":"Pune"}. Parse
// reads one from JSON and Check validates one built in Go; both answer an
// EInvalidRule error naming the bad node ("rules.all[1].any[0].op"). Compile
// turns a checked tree into one SQL condition through a Target, which the
// store implements for its engine, so that the database does the filtering.
// PlanSets turns it into a merge of ordered sets of contacts instead, for
// counting on an engine without merge joins (SQLite).
//
// Fields and the operators each takes:
//
//	first_name last_name email company city country timezone phone_country
//	phone_type                  eq neq contains starts_with in gte lte exists
//	phone_e164                  the same, compared exactly as stored (E.164)
//	custom.<name>               the same; a number value compares numerically
//	tags                        has in neq exists
//	segments                    has in neq (value: segment ids)
//	dnc                         eq neq (value: true or false)
//	created_at updated_at       gte lte (RFC 3339 time, date, or now-7d)
//
// Text compares without regard to ASCII case ("pune" matches "Pune") and in
// byte order, identically on SQLite and PostgreSQL. neq also matches
// contacts that have no value at all; for tags and segments it means "does
// not have". exists takes true (has a non-empty value) or false; without a
// value it means true. A date compared with lte includes that whole day.
package rules

import (
	"regexp"
	"sort"
	"strings"

	"github.com/contactd/contactd"
)

// Operators.
const (
	OpEq         = "eq"
	OpNeq        = "neq"
	OpContains   = "contains"
	OpStartsWith = "starts_with"
	OpIn         = "in"
	OpHas        = "has"
	OpGte        = "gte"
	OpLte        = "lte"
	OpExists     = "exists"
)

// Limits that keep a tree something a person wrote, and its SQL small.
const (
	MaxDepth    = 10   // nesting of groups
	MaxNodes    = 500  // nodes in one tree
	MaxInValues = 1000 // values of one "in"
	MaxValueLen = 500  // characters of one text value
	maxRawBytes = 256 << 10
)

// CustomPrefix starts a custom field name: custom.budget.
const CustomPrefix = "custom."

type kind int

const (
	kindText     kind = iota // case-insensitive text
	kindExact                // text compared as stored (phone_e164)
	kindBool                 // dnc
	kindTime                 // created_at, updated_at
	kindTags                 // tags
	kindSegments             // segment membership
	kindCustom               // custom.<name>
)

var fieldKinds = map[string]kind{
	"first_name": kindText, "last_name": kindText, "email": kindText, "company": kindText,
	"city": kindText, "country": kindText, "timezone": kindText, "phone_country": kindText,
	"phone_type": kindText, "phone_e164": kindExact, "dnc": kindBool,
	"created_at": kindTime, "updated_at": kindTime, "tags": kindTags, "segments": kindSegments,
}

var textOps = []string{OpEq, OpNeq, OpContains, OpStartsWith, OpIn, OpGte, OpLte, OpExists}

var kindOps = map[kind][]string{
	kindText:     textOps,
	kindExact:    textOps,
	kindCustom:   textOps,
	kindBool:     {OpEq, OpNeq},
	kindTime:     {OpGte, OpLte},
	kindTags:     {OpHas, OpIn, OpNeq, OpExists},
	kindSegments: {OpHas, OpIn, OpNeq},
}

var allOps = map[string]bool{OpEq: true, OpNeq: true, OpContains: true, OpStartsWith: true, OpIn: true, OpHas: true, OpGte: true, OpLte: true, OpExists: true}

// customName is the rule for custom field names, as the store keeps them.
var customName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$`)

// fieldKind returns the kind of field, and false for an unknown field.
func fieldKind(field string) (kind, bool) {
	if name, ok := strings.CutPrefix(field, CustomPrefix); ok {
		return kindCustom, customName.MatchString(name)
	}
	k, ok := fieldKinds[field]
	return k, ok
}

func fieldList() string {
	names := make([]string, 0, len(fieldKinds)+1)
	for f := range fieldKinds {
		names = append(names, f)
	}
	sort.Strings(names)
	return strings.Join(append(names, "custom.<name>"), ", ")
}

func opAllowed(k kind, op string) bool {
	for _, o := range kindOps[k] {
		if o == op {
			return true
		}
	}
	return false
}

// invalid is the error of the node at path.
func invalid(path, format string, args ...any) *contactd.Error {
	e := contactd.Errorf(contactd.EInvalidRule, format, args...)
	e.Fields = []contactd.FieldError{{Field: path, Code: contactd.EInvalidRule, Message: e.Message}}
	e.Message = path + ": " + e.Message
	return e
}

// SegmentRefs lists the segment ids that r's segments conditions name, each
// once, in the order they first appear.
func SegmentRefs(r *contactd.Rule) []int64 {
	var out []int64
	seen := map[int64]bool{}
	var walk func(r *contactd.Rule)
	walk = func(r *contactd.Rule) {
		if r == nil {
			return
		}
		for _, c := range append(append([]*contactd.Rule{}, r.All...), r.Any...) {
			walk(c)
		}
		if r.Field != "segments" {
			return
		}
		for _, id := range segmentIDs(r.Value) {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	walk(r)
	return out
}
