package rules

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/contactd/contactd"
)

// Target is what Compile needs from the store: the SQL of its engine for
// the things rules look at. Every expression is about one contact row
// (aliased c in the store's queries); Compile only joins them with AND, OR,
// NOT, comparisons, IN and LIKE, which both engines read alike.
type Target interface {
	// Arg adds a query argument and returns its placeholder ($3).
	Arg(v any) string
	// Time adds a time argument in the engine's time form.
	Time(t time.Time) string
	// Column is the expression of a plain contact field (a NOT NULL column).
	Column(field string) string
	// Fold lower-cases a text expression in ASCII only and compares in byte
	// order, so that both engines fold and sort exactly alike.
	Fold(expr string) string
	// CustomText is custom.<name> as text: strings as they are, numbers and
	// booleans as JSON writes them; NULL when the contact lacks it.
	CustomText(name string) string
	// CustomNumber is custom.<name> as a number when it is a JSON number or
	// a string holding a plain decimal number (-12.5), else NULL.
	CustomNumber(name string) string
	// HasTag is the condition that the contact has one of tags (already
	// lower-cased), or with want false that it has none of them; no tags
	// means any tag at all.
	HasTag(tags []string, want bool) string
	// InSegment is the condition that the contact is (want) or is not a
	// member of segment id. It fails for a segment that is not the
	// workspace's.
	InSegment(id int64, want bool) (string, error)
	// Now is the time relative values ("now-7d") count from.
	Now() time.Time
}

// Compile turns a checked tree into one SQL condition on a contact. It
// returns an error only when t does (an unknown segment).
func Compile(r *contactd.Rule, t Target) (string, error) {
	switch {
	case r.All != nil:
		return group(r.All, " AND ", t)
	case r.Any != nil:
		return group(r.Any, " OR ", t)
	}
	k, _ := fieldKind(r.Field)
	switch k {
	case kindTags:
		return tagCond(r, t), nil
	case kindSegments:
		return segmentCond(r, t)
	case kindBool:
		want := r.Value.(bool)
		if r.Op == OpNeq {
			want = !want
		}
		return t.Column(r.Field) + " = " + t.Arg(want), nil
	case kindTime:
		return timeCond(r, t), nil
	case kindCustom:
		return customCond(r, t), nil
	}
	expr := t.Column(r.Field)
	fold := func(s string) string { return s }
	if k == kindText {
		expr, fold = t.Fold(expr), asciiLower
	}
	return textCond(r.Op, r.Value, expr, fold, t), nil
}

func group(children []*contactd.Rule, sep string, t Target) (string, error) {
	parts := make([]string, len(children))
	for i, c := range children {
		s, err := Compile(c, t)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, sep) + ")", nil
}

// textCond compares the text expression expr (never NULL for plain
// columns) with a string value, folded by fold first.
func textCond(op string, v any, expr string, fold func(string) string, t Target) string {
	switch op {
	case OpExists:
		if v.(bool) {
			return expr + " <> ''"
		}
		return expr + " = ''"
	case OpIn:
		list := v.([]any)
		marks := make([]string, len(list))
		for i, x := range list {
			marks[i] = t.Arg(fold(x.(string)))
		}
		return expr + " IN (" + strings.Join(marks, ", ") + ")"
	}
	s := fold(v.(string))
	switch op {
	case OpEq:
		return expr + " = " + t.Arg(s)
	case OpNeq:
		return expr + " <> " + t.Arg(s)
	case OpGte:
		return expr + " >= " + t.Arg(s)
	case OpLte:
		return expr + " <= " + t.Arg(s)
	case OpContains:
		return expr + " LIKE " + t.Arg("%"+escapeLike(s)+"%") + ` ESCAPE '\'`
	case OpStartsWith:
		// A range on the value itself, so an index on expr serves it; in
		// byte order every string starting with s lies in [s, succ(s)).
		if hi, ok := successor(s); ok {
			return "(" + expr + " >= " + t.Arg(s) + " AND " + expr + " < " + t.Arg(hi) + ")"
		}
		return expr + " >= " + t.Arg(s)
	}
	panic("rules: unchecked operator " + op)
}

// customCond compares custom.<name>. A contact without the field matches
// neq and exists=false, and nothing else.
func customCond(r *contactd.Rule, t Target) string {
	name := strings.TrimPrefix(r.Field, CustomPrefix)
	text := func() string { return t.Fold(t.CustomText(name)) }
	eq := func(v any) string {
		switch x := v.(type) {
		case json.Number:
			f, _ := x.Float64()
			return t.CustomNumber(name) + " = " + t.Arg(f)
		case bool:
			b := "false"
			if x {
				b = "true"
			}
			return t.CustomText(name) + " = " + t.Arg(b)
		}
		return text() + " = " + t.Arg(asciiLower(v.(string)))
	}
	switch r.Op {
	case OpExists:
		if r.Value.(bool) {
			return "COALESCE(" + t.CustomText(name) + ", '') <> ''"
		}
		return "COALESCE(" + t.CustomText(name) + ", '') = ''"
	case OpEq:
		return eq(r.Value)
	case OpNeq:
		return "NOT COALESCE(" + eq(r.Value) + ", FALSE)"
	case OpIn:
		list := r.Value.([]any)
		parts := make([]string, len(list))
		for i, x := range list {
			parts[i] = eq(x)
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	case OpGte, OpLte:
		cmp := " >= "
		if r.Op == OpLte {
			cmp = " <= "
		}
		if n, ok := r.Value.(json.Number); ok {
			f, _ := n.Float64()
			return t.CustomNumber(name) + cmp + t.Arg(f)
		}
		return text() + cmp + t.Arg(asciiLower(r.Value.(string)))
	}
	return textCond(r.Op, r.Value, text(), asciiLower, t)
}

func tagCond(r *contactd.Rule, t Target) string {
	switch r.Op {
	case OpExists:
		return t.HasTag(nil, r.Value.(bool))
	case OpIn:
		list := r.Value.([]any)
		tags := make([]string, len(list))
		for i, x := range list {
			tags[i] = tagKey(x.(string))
		}
		return t.HasTag(tags, true)
	case OpNeq:
		return t.HasTag([]string{tagKey(r.Value.(string))}, false)
	}
	return t.HasTag([]string{tagKey(r.Value.(string))}, true)
}

// tagKey is how the store indexes a tag: trimmed and lower-cased.
func tagKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func segmentCond(r *contactd.Rule, t Target) (string, error) {
	ids := segmentIDs(r.Value)
	parts := make([]string, len(ids))
	for i, id := range ids {
		s, err := t.InSegment(id, r.Op != OpNeq)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

func timeCond(r *contactd.Rule, t Target) string {
	v, _ := parseTime(r.Value.(string))
	at := v.resolve(t.Now())
	col := t.Column(r.Field)
	if r.Op == OpGte {
		return col + " >= " + t.Time(at)
	}
	if v.date {
		return col + " < " + t.Time(at.AddDate(0, 0, 1))
	}
	return col + " <= " + t.Time(at)
}

// asciiLower lower-cases ASCII letters only, as the store's Fold does in SQL.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// successor returns the least string greater than every string that starts
// with s, in byte order (which for UTF-8 is code point order): s with its
// last character incremented, skipping the surrogates. ok is false when
// every character of s is the greatest (U+10FFFF).
func successor(s string) (string, bool) {
	runes := []rune(s)
	for i := len(runes) - 1; i >= 0; i-- {
		r := runes[i] + 1
		if r == 0xD800 {
			r = 0xE000
		}
		if r <= utf8.MaxRune {
			runes[i] = r
			return string(runes[:i+1]), true
		}
	}
	return "", false
}
