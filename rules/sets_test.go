package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/contactd/contactd"
)

// fakeSets names sets the way a store would write them: F[cond] is the
// active contacts meeting an indexed equality, T[tag] a tag's contacts
// (T[*] any tag's), M[id] a static segment's. Tag "rare" and segment 7 are
// too small to merge; segment 5 is dynamic, its rules city = pune.
type fakeSets struct{ fakeTarget }

func (f *fakeSets) Indexed(field string) bool   { return field == "city" || field == "phone_country" }
func (f *fakeSets) FieldSet(cond string) string { return "F[" + cond + "]" }
func (f *fakeSets) TagSet(tag string) string    { return "T[" + tag + "]" }
func (f *fakeSets) AnyTagSet() string           { return "T[*]" }
func (f *fakeSets) MemberSet(id int64) string   { return fmt.Sprintf("M[%d]", id) }
func (f *fakeSets) ManyTagged(tags []string) (bool, error) {
	return !strings.Contains(fmt.Sprint(tags), "rare"), nil
}
func (f *fakeSets) ManyMembers(id int64) (bool, error) { return id != 7, nil }
func (f *fakeSets) SegmentRules(id int64, depth int) (*contactd.Rule, error) {
	if id == 5 {
		return &contactd.Rule{Field: "city", Op: OpEq, Value: "pune"}, nil
	}
	return nil, nil
}

func TestPlanSets(t *testing.T) {
	cases := []struct{ rule, set, cond string }{
		// Nothing to merge: the caller compiles a condition.
		{`{"field":"tags","op":"has","value":"vip"}`, "", ""},
		{`{"field":"city","op":"eq","value":"Pune"}`, "", ""},
		{`{"all":[{"field":"city","op":"eq","value":"pune"},{"field":"dnc","op":"eq","value":false}]}`, "", ""},
		{`{"all":[{"field":"city","op":"eq","value":"pune"},{"field":"tags","op":"has","value":"rare"}]}`, "", ""},
		{`{"any":[{"field":"tags","op":"has","value":"vip"},{"field":"dnc","op":"eq","value":true}]}`, "", ""},
		// Merges: the indexed equality is exact (active contacts only).
		{`{"all":[{"field":"phone_country","op":"eq","value":"IN"},{"field":"tags","op":"has","value":"vip"}]}`,
			"exact F[lower(c.phone_country) = $1] INTERSECT T[vip]", ""},
		{`{"all":[{"field":"tags","op":"in","value":["vip","hot","vip"]},{"field":"city","op":"eq","value":"pune"},{"field":"dnc","op":"eq","value":false}]}`,
			"exact T[vip] UNION T[hot] INTERSECT F[lower(c.city) = $1]", "c.dnc = $2"},
		{`{"any":[{"field":"tags","op":"exists"},{"field":"segments","op":"in","value":[3,5,7]}]}`, "", ""},
		{`{"any":[{"field":"tags","op":"exists"},{"field":"segments","op":"in","value":[3,5]}]}`,
			"M[3] UNION F[lower(c.city) = $1] UNION T[*]", ""},
		{`{"all":[{"any":[{"field":"tags","op":"has","value":"a"},{"field":"tags","op":"has","value":"b"}]},{"any":[{"field":"tags","op":"has","value":"c"},{"field":"tags","op":"has","value":"d"}]}]}`,
			"T[a] UNION T[b] INTERSECT SELECT id FROM (T[c] UNION T[d] ORDER BY 1)", ""},
		{`{"all":[{"field":"segments","op":"has","value":5},{"field":"segments","op":"has","value":3},{"field":"segments","op":"has","value":7},{"field":"tags","op":"neq","value":"x"}]}`,
			"exact F[lower(c.city) = $1] INTERSECT M[3]", "seg(7,true) AND tag([x],false)"},
	}
	for _, tc := range cases {
		r, err := Parse([]byte(tc.rule), "rules")
		if err != nil {
			t.Fatal(err)
		}
		f := &fakeSets{}
		p, err := PlanSets(r, f)
		if err != nil {
			t.Fatal(err)
		}
		set, cond := "", ""
		if p != nil {
			set, cond = p.Set, p.Cond
			if p.Exact {
				set = "exact " + set
			}
			if n := strings.Count(set+cond, "$"); n != len(f.args) {
				t.Errorf("%s: %d placeholders for %d arguments", tc.rule, n, len(f.args))
			}
		}
		if set != tc.set || cond != tc.cond {
			t.Errorf("%s:\n got  %q %q\n want %q %q", tc.rule, set, cond, tc.set, tc.cond)
		}
	}
}
