package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
)

func TestParseAcceptsTheContractForm(t *testing.T) {
	raw := `{"all":[{"field":"city","op":"eq","value":"Pune"},{"any":[{"field":"tags","op":"has","value":"vip"}]}]}`
	r, err := Parse([]byte(raw), "rules")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != raw {
		t.Errorf("round trip:\n got %s\nwant %s", b, raw)
	}
	// false and 0 values survive a round trip; exists without a value means true.
	for _, tc := range []struct{ in, out string }{
		{`{"field":"dnc","op":"eq","value":false}`, `{"field":"dnc","op":"eq","value":false}`},
		{`{"field":"custom.n","op":"gte","value":0}`, `{"field":"custom.n","op":"gte","value":0}`},
		{`{"field":"email","op":"exists"}`, `{"field":"email","op":"exists","value":true}`},
		{`{"field":"segments","op":"in","value":[3,4]}`, `{"field":"segments","op":"in","value":[3,4]}`},
	} {
		r, err := Parse([]byte(tc.in), "rules")
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if b, _ := json.Marshal(r); string(b) != tc.out {
			t.Errorf("%s -> %s, want %s", tc.in, b, tc.out)
		}
	}
}

// Every malformed tree is refused with invalid_rule naming the bad node.
func TestParseNamesTheBadNode(t *testing.T) {
	deep := strings.Repeat(`{"all":[`, MaxDepth+1) + `{"field":"city","op":"eq","value":"x"}` + strings.Repeat(`]}`, MaxDepth+1)
	many := `{"any":[` + strings.TrimSuffix(strings.Repeat(`{"field":"city","op":"eq","value":"x"},`, MaxNodes+1), ",") + `]}`
	bigIn := `{"field":"city","op":"in","value":[` + strings.TrimSuffix(strings.Repeat(`"x",`, MaxInValues+1), ",") + `]}`
	cases := []struct{ raw, field, msg string }{
		{``, "rules", "must be an object"},
		{`null`, "rules", "must be an object"},
		{`[1]`, "rules", "must be an object"},
		{`{"all":[`, "rules", "malformed JSON"},
		{`{"all":[]} {}`, "rules", "data after"},
		{`{"all":[]}`, "rules.all", "at least one rule"},
		{`{"field":"city","op":"eq","value":"x","value":"y"}`, "rules", "appears twice"},
		{`{"any":[{"field":"city","op":"eq","value":"x"},{"field":"city","field":"dnc","op":"eq","value":true}]}`, "rules", "appears twice"},
		{`{"all":{}}`, "rules.all", "array"},
		{`{"all":[{"field":"city","op":"eq","value":"x"}],"any":[]}`, "rules", "not both"},
		{`{"all":[{"field":"city","op":"eq","value":"x"}],"field":"city"}`, "rules", "cannot also have"},
		{`{"all":[{"field":"city","op":"eq","value":"x"},{"any":[{"field":"nope","op":"eq","value":"x"}]}]}`, "rules.all[1].any[0].field", `unknown field "nope"`},
		{`{"all":[{"field":"city","op":"like","value":"x"}]}`, "rules.all[0].op", `unknown operator "like"`},
		{`{"all":[{"field":"city","op":"eq","value":"x","extra":1}]}`, "rules.all[0].extra", "unknown key"},
		{`{"field":"city","value":"x"}`, "rules.op", "must be one of"},
		{`{"op":"eq","value":"x"}`, "rules", "needs field, op and value"},
		{`{"field":5,"op":"eq","value":"x"}`, "rules.field", "must be a string"},
		{`{"field":"tags","op":"contains","value":"v"}`, "rules.op", "contains does not apply to tags; use has, in, neq, exists"},
		{`{"field":"created_at","op":"eq","value":"2026-01-01"}`, "rules.op", "does not apply to created_at"},
		{`{"field":"dnc","op":"eq","value":"yes"}`, "rules.value", "true or false"},
		{`{"field":"city","op":"eq","value":5}`, "rules.value", "must be a string"},
		{`{"field":"city","op":"contains","value":""}`, "rules.value", "non-empty"},
		{`{"field":"city","op":"in","value":"pune"}`, "rules.value", "non-empty array"},
		{`{"field":"city","op":"in","value":[]}`, "rules.value", "non-empty array"},
		{`{"field":"city","op":"in","value":["a",3]}`, "rules.value[1]", "must be a string"},
		{`{"field":"city","op":"exists","value":"yes"}`, "rules.value", "true or false"},
		{`{"field":"tags","op":"has","value":""}`, "rules.value", "non-empty"},
		{`{"field":"segments","op":"has","value":"19"}`, "rules.value", "segment id"},
		{`{"field":"segments","op":"has","value":-1}`, "rules.value", "segment id"},
		{`{"field":"segments","op":"has","value":1.5}`, "rules.value", "segment id"},
		{`{"field":"created_at","op":"gte","value":"yesterday"}`, "rules.value", "must be a time"},
		{`{"field":"created_at","op":"gte","value":"now-7y"}`, "rules.value", "must be a time"},
		{`{"field":"created_at","op":"gte","value":"now-999999999d"}`, "rules.value", "100 years"},
		{`{"field":"custom.","op":"eq","value":"x"}`, "rules.field", "custom field name"},
		{`{"field":"custom.a b","op":"eq","value":"x"}`, "rules.field", "custom field name"},
		{`{"field":"custom.x","op":"contains","value":5}`, "rules.value", "takes a string"},
		{`{"field":"custom.x","op":"gte","value":true}`, "rules.value", "does not take true or false"},
		{`{"field":"custom.x","op":"eq","value":{"a":1}}`, "rules.value", "string, a number"},
		{`{"field":"city","op":"eq","value":"` + strings.Repeat("x", MaxValueLen+1) + `"}`, "rules.value", "at most"},
		{deep, "rules" + strings.Repeat(".all[0]", MaxDepth), "deeper than"},
		{many, "rules.any[500]", "more than 500 nodes"},
		{bigIn, "rules.value", "at most 1000"},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.raw), "rules")
		var e *contactd.Error
		if !errors.As(err, &e) {
			t.Errorf("%.80s: got %v, want invalid_rule", tc.raw, err)
			continue
		}
		if e.Code != contactd.EInvalidRule || len(e.Fields) != 1 || e.Fields[0].Field != tc.field || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%.80s:\n got %s %+v\nwant field %s, message containing %q", tc.raw, e.Code, e.Fields, tc.field, tc.msg)
		}
		if !strings.HasPrefix(e.Message, tc.field+": ") {
			t.Errorf("message %q does not start with the node's path", e.Message)
		}
	}
}

func TestCheckNormalizesGoValues(t *testing.T) {
	r := &contactd.Rule{Any: []*contactd.Rule{
		{Field: "custom.age", Op: OpGte, Value: 30},
		{Field: "segments", Op: OpIn, Value: []int64{4, 5}},
		{Field: "city", Op: OpIn, Value: []string{"Pune"}},
	}}
	if err := Check(r, "rules"); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	want := `{"any":[{"field":"custom.age","op":"gte","value":30},{"field":"segments","op":"in","value":[4,5]},{"field":"city","op":"in","value":["Pune"]}]}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	if got := SegmentRefs(r); fmt.Sprint(got) != "[4 5]" {
		t.Errorf("SegmentRefs = %v", got)
	}
	if err := Check(&contactd.Rule{Field: "city", Op: OpEq, Value: 3.5}, "filters.rules"); err == nil || !strings.Contains(err.Error(), "filters.rules.value") {
		t.Errorf("got %v", err)
	}
	if err := Check(&contactd.Rule{All: []*contactd.Rule{nil}}, "rules"); err == nil {
		t.Error("a nil child was accepted")
	}
}

func TestSuccessor(t *testing.T) {
	for in, want := range map[string]string{
		"abc": "abd", "a": "b", "é": "ê", "a\U0010FFFF": "b", "\uD7FF": "\uE000",
	} {
		got, ok := successor(in)
		if !ok || got != want {
			t.Errorf("successor(%q) = %q, %v; want %q", in, got, ok, want)
		}
		// Every string that starts with in sorts before got.
		if !(in < got) || !(in+"\U0010FFFF\U0010FFFF" < got) {
			t.Errorf("successor(%q) = %q does not bound the strings it prefixes", in, got)
		}
	}
	if _, ok := successor("\U0010FFFF"); ok {
		t.Error("the greatest string has no successor")
	}
}

// fakeTarget writes SQL the way a store would, to show what Compile emits.
type fakeTarget struct{ args []any }

func (f *fakeTarget) Arg(v any) string {
	f.args = append(f.args, v)
	return fmt.Sprintf("$%d", len(f.args))
}
func (f *fakeTarget) Time(at time.Time) string   { return f.Arg(at.Format(time.RFC3339)) }
func (f *fakeTarget) Column(field string) string { return "c." + field }
func (f *fakeTarget) Fold(expr string) string    { return "lower(" + expr + ")" }
func (f *fakeTarget) CustomText(n string) string { return "text(" + n + ")" }
func (f *fakeTarget) CustomNumber(n string) string {
	return "num(" + n + ")"
}
func (f *fakeTarget) HasTag(tags []string, want bool) string {
	return fmt.Sprintf("tag(%v,%v)", tags, want)
}
func (f *fakeTarget) InSegment(id int64, want bool) (string, error) {
	if id == 99 {
		return "", errors.New("no segment 99")
	}
	return fmt.Sprintf("seg(%d,%v)", id, want), nil
}
func (f *fakeTarget) Now() time.Time { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) }

func TestCompile(t *testing.T) {
	cases := []struct{ rule, sql, args string }{
		{`{"field":"city","op":"eq","value":"PUNE"}`, `lower(c.city) = $1`, `[pune]`},
		{`{"field":"city","op":"starts_with","value":"Pu"}`, `(lower(c.city) >= $1 AND lower(c.city) < $2)`, `[pu pv]`},
		{`{"field":"city","op":"contains","value":"a_b%"}`, `lower(c.city) LIKE $1 ESCAPE '\'`, `[%a\_b\%%]`},
		{`{"field":"phone_e164","op":"eq","value":"+91"}`, `c.phone_e164 = $1`, `[+91]`},
		{`{"field":"dnc","op":"neq","value":true}`, `c.dnc = $1`, `[false]`},
		{`{"field":"created_at","op":"gte","value":"now-2d"}`, `c.created_at >= $1`, `[2026-01-08T00:00:00Z]`},
		{`{"field":"created_at","op":"lte","value":"2026-01-05"}`, `c.created_at < $1`, `[2026-01-06T00:00:00Z]`},
		{`{"field":"tags","op":"neq","value":" VIP"}`, `tag([vip],false)`, `[]`},
		{`{"field":"custom.n","op":"neq","value":3}`, `NOT COALESCE(num(n) = $1, FALSE)`, `[3]`},
		{`{"any":[{"field":"segments","op":"in","value":[1,2]},{"field":"custom.x","op":"exists","value":false}]}`,
			`((seg(1,true) OR seg(2,true)) OR COALESCE(text(x), '') = '')`, `[]`},
	}
	for _, tc := range cases {
		r, err := Parse([]byte(tc.rule), "rules")
		if err != nil {
			t.Fatal(err)
		}
		f := &fakeTarget{}
		got, err := Compile(r, f)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.sql || fmt.Sprint(f.args) != tc.args {
			t.Errorf("%s:\n got %s %v\nwant %s %s", tc.rule, got, f.args, tc.sql, tc.args)
		}
	}
	r, _ := Parse([]byte(`{"all":[{"field":"segments","op":"has","value":99}]}`), "rules")
	if _, err := Compile(r, &fakeTarget{}); err == nil {
		t.Error("the target's error was lost")
	}
}
