package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
)

// dialectTarget writes SQL in the shape each store engine does (see
// store.ruleTarget): the same placeholders, folding and JSON access, with
// every value and every custom field name passed as an argument. It fails
// the test when Compile hands it something it should have checked.
type dialectTarget struct {
	t        *testing.T
	postgres bool
	args     []any
}

func (d *dialectTarget) Arg(v any) string {
	d.args = append(d.args, v)
	return fmt.Sprintf("$%d", len(d.args))
}
func (d *dialectTarget) Time(at time.Time) string { return d.Arg(at) }
func (d *dialectTarget) Now() time.Time           { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) }
func (d *dialectTarget) Column(field string) string {
	if _, ok := fieldKinds[field]; !ok {
		d.t.Fatalf("Compile asked for the column of unchecked field %q", field)
	}
	return "c." + field
}
func (d *dialectTarget) Fold(expr string) string {
	if d.postgres {
		return "lower((" + expr + `) COLLATE "C")`
	}
	return "lower(" + expr + ")"
}
func (d *dialectTarget) customName(name string) {
	if !customName.MatchString(name) {
		d.t.Fatalf("Compile passed unchecked custom field name %q", name)
	}
}
func (d *dialectTarget) CustomText(name string) string {
	d.customName(name)
	if d.postgres {
		return "(c.custom_fields ->> " + d.Arg(name) + "::text)"
	}
	return "json_extract(c.custom_fields, " + d.Arg(`$."`+name+`"`) + ")"
}
func (d *dialectTarget) CustomNumber(name string) string {
	d.customName(name)
	if d.postgres {
		return "(c.custom_fields ->> " + d.Arg(name) + "::text)::numeric"
	}
	return "CAST(json_extract(c.custom_fields, " + d.Arg(`$."`+name+`"`) + ") AS REAL)"
}
func (d *dialectTarget) HasTag(tags []string, want bool) string {
	marks := make([]string, len(tags))
	for i, tag := range tags {
		marks[i] = d.Arg(tag)
	}
	cond := "EXISTS (SELECT 1 FROM contact_tags WHERE contact_id = c.id AND tag IN (" + strings.Join(marks, ", ") + "))"
	if len(tags) == 0 {
		cond = "EXISTS (SELECT 1 FROM contact_tags WHERE contact_id = c.id)"
	}
	if !want {
		return "NOT " + cond
	}
	return cond
}
func (d *dialectTarget) InSegment(id int64, want bool) (string, error) {
	if id <= 0 {
		d.t.Fatalf("Compile passed segment id %d", id)
	}
	cond := "EXISTS (SELECT 1 FROM segment_members WHERE segment_id = " + d.Arg(id) + " AND contact_id = c.id)"
	if !want {
		return "NOT " + cond, nil
	}
	return cond, nil
}

var placeholder = regexp.MustCompile(`\$[0-9]+`)

// checkSQL checks what a sound condition looks like: parentheses that
// balance, placeholders $1..$n for exactly the n arguments, and no quoted
// text but the few literals Compile writes itself, so that no value of
// the rules ever reaches the SQL as text.
func checkSQL(t *testing.T, raw []byte, sql string, args int) {
	t.Helper()
	depth := 0
	for _, c := range sql {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth < 0 {
			t.Fatalf("%s: unbalanced parentheses in %s", raw, sql)
		}
	}
	if depth != 0 {
		t.Fatalf("%s: unbalanced parentheses in %s", raw, sql)
	}
	seen := map[string]bool{}
	for _, p := range placeholder.FindAllString(sql, -1) {
		seen[p] = true
	}
	for i := 1; i <= args; i++ {
		if !seen[fmt.Sprintf("$%d", i)] {
			t.Fatalf("%s: argument $%d is not used in %s", raw, i, sql)
		}
	}
	if len(seen) != args {
		t.Fatalf("%s: %d placeholders for %d arguments in %s", raw, len(seen), args, sql)
	}
	rest := strings.NewReplacer(`ESCAPE '\'`, "", "''", "", `"C"`, "").Replace(sql)
	if strings.ContainsAny(rest, `'";`) || strings.Contains(rest, "--") {
		t.Fatalf("%s: quoted text or a statement break reached the SQL: %s", raw, sql)
	}
}

// FuzzParse feeds Parse arbitrary bytes. Seeds live in
// testdata/fuzz/FuzzParse. Parse must never panic; what it refuses it
// refuses with invalid_rule naming a node under "rules"; what it accepts
// must pass Check, survive a JSON round trip unchanged, and compile on both
// engines' targets to SQL that carries every value as an argument.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := Parse(raw, "rules")
		if err != nil {
			var e *contactd.Error
			if !errors.As(err, &e) || e.Code != contactd.EInvalidRule {
				t.Fatalf("%s: error %T %v, want %s", raw, err, err, contactd.EInvalidRule)
			}
			if len(e.Fields) != 1 || !strings.HasPrefix(e.Fields[0].Field, "rules") {
				t.Fatalf("%s: error names no node under rules: %+v", raw, e.Fields)
			}
			return
		}
		if err := Check(r, "rules"); err != nil {
			t.Fatalf("%s: Parse accepted what Check refuses: %v", raw, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%s: marshal: %v", raw, err)
		}
		again, err := Parse(b, "rules")
		if err != nil {
			t.Fatalf("%s: its own JSON %s does not parse: %v", raw, b, err)
		}
		if b2, _ := json.Marshal(again); string(b2) != string(b) {
			t.Fatalf("%s: round trip changed the rules:\n%s\n%s", raw, b, b2)
		}
		for _, pg := range []bool{false, true} {
			d := &dialectTarget{t: t, postgres: pg}
			sql, err := Compile(r, d)
			if err != nil {
				t.Fatalf("%s: checked rules do not compile (postgres=%v): %v", raw, pg, err)
			}
			checkSQL(t, raw, sql, len(d.args))
		}
	})
}
