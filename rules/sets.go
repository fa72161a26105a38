package rules

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/contactd/contactd"
)

// SetTarget is a Target that can also read sets of contacts as SELECTs of
// one column, id, that the engine reads in id order: the contacts with a
// tag, the members of a static segment, and the active contacts whose
// field equals a value where an index holds them in id order. An engine
// without merge joins (SQLite) counts an intersection of big sets fastest
// as a compound SELECT, which it runs as a merge of the ordered lists; its
// own plan for a condition looks every contact of one set up in the index
// of the other, which costs several times as much per contact as stepping
// through both lists.
type SetTarget interface {
	Target
	// Indexed reports whether FieldSet can read the contacts whose field
	// equals a value.
	Indexed(field string) bool
	// FieldSet is the SELECT of the active contacts meeting cond, an
	// equality on an Indexed field compiled by this target.
	FieldSet(cond string) string
	// ManyTagged reports whether so many contacts have one of tags (nil:
	// any tag) that merging their list costs less than looking each up.
	ManyTagged(tags []string) (bool, error)
	// TagSet is the SELECT of the contacts with tag, active or not.
	TagSet(tag string) string
	// AnyTagSet is the SELECT of the contacts with any tag, active or not.
	AnyTagSet() string
	// SegmentRules returns the rules of segment id when it is dynamic, and
	// nil when it is static. depth is how many segments the condition is
	// reached through; it fails as InSegment does, and past the nesting the
	// store allows.
	SegmentRules(id int64, depth int) (*contactd.Rule, error)
	// ManyMembers reports whether static segment id has so many members
	// that merging their list costs less than looking each up.
	ManyMembers(id int64) (bool, error)
	// MemberSet is the SELECT of the contacts listed in static segment
	// id, active or not.
	MemberSet(id int64) string
}

// SetPlan is a tree as a merge of sets, for counting its contacts.
type SetPlan struct {
	// Set is a compound SELECT of contact ids (arms joined by INTERSECT
	// and UNION, left to right, without ORDER BY), to be read in id order.
	Set string
	// Exact is true when Set holds only the workspace's active contacts:
	// one of the sets it intersects reads them from the contacts' index.
	Exact bool
	// Cond is a condition each contact c of Set must meet too ("" when
	// none).
	Cond string
}

// PlanSets plans r as a merge of sets. It returns nil when r merges
// nothing (fewer than two big sets), and the caller compiles r as a
// condition instead. Conditions that no set serves (neq, contains, custom
// fields, times, small tags and segments) stay conditions on each contact
// of the merged set, or make their whole any group a condition.
func PlanSets(r *contactd.Rule, t SetTarget) (*SetPlan, error) {
	n, err := classify(r, t, 0)
	if err != nil || n.kind != setMember || n.arms < 2 {
		return nil, err
	}
	c, conds, err := n.emit(t)
	if err != nil {
		return nil, err
	}
	return &SetPlan{Set: c.sql, Exact: c.exact, Cond: strings.Join(conds, " AND ")}, nil
}

type setKind int

const (
	setCond   setKind = iota // a condition on each contact
	setField                 // an equality on an indexed field: a set, or a condition
	setMember                // sets of memberships, with conditions (pure when none)
)

// setNode is a node of a tree classified for PlanSets, before any SQL is
// written: a condition that a merge turns out not to need would leave
// arguments behind that no placeholder names.
type setNode struct {
	r    *contactd.Rule // the node as Compile reads it, for a condition
	kind setKind
	pure bool // setMember: no condition besides the sets
	arms int  // SELECTs of the set when pure, or of its sets
	kids []*setNode
	// leaves
	field  string
	values []string // setField: the values, as written
	tags   []string // a tag leaf; nil with tag true means any tag
	tag    bool
	seg    int64 // a static segment leaf
}

func classify(r *contactd.Rule, t SetTarget, depth int) (*setNode, error) {
	switch {
	case r.All != nil:
		return classifyGroup(r, r.All, true, t, depth)
	case r.Any != nil:
		return classifyGroup(r, r.Any, false, t, depth)
	}
	cond := &setNode{r: r, kind: setCond}
	k, _ := fieldKind(r.Field)
	switch {
	case k == kindTags && (r.Op == OpHas || r.Op == OpIn || r.Op == OpExists && r.Value.(bool)):
		var tags []string
		switch r.Op {
		case OpHas:
			tags = []string{tagKey(r.Value.(string))}
		case OpIn:
			for _, x := range r.Value.([]any) {
				tags = appendNew(tags, tagKey(x.(string)))
			}
		}
		many, err := t.ManyTagged(tags)
		if err != nil || !many {
			return cond, err
		}
		arms := max(1, len(tags))
		return &setNode{r: r, kind: setMember, pure: true, arms: arms, tags: tags, tag: true}, nil
	case k == kindSegments && r.Op != OpNeq:
		ids := segmentIDs(r.Value)
		kids := make([]*setNode, len(ids))
		for i, id := range ids {
			n, err := classifySegment(id, t, depth)
			if err != nil {
				return nil, err
			}
			kids[i] = n
		}
		if len(kids) == 1 {
			return kids[0], nil
		}
		any := &contactd.Rule{Any: make([]*contactd.Rule, len(kids))}
		for i, n := range kids {
			any.Any[i] = n.r
		}
		return union(any, kids), nil
	case k == kindText && (r.Op == OpEq || r.Op == OpIn) && t.Indexed(r.Field):
		var values []string
		if r.Op == OpEq {
			values = []string{asciiLower(r.Value.(string))}
		} else {
			for _, x := range r.Value.([]any) {
				values = appendNew(values, asciiLower(x.(string)))
			}
		}
		return &setNode{r: r, kind: setField, arms: len(values), field: r.Field, values: values}, nil
	}
	return cond, nil
}

// classifySegment is membership of segment id: a dynamic segment's own
// rules, or a static one's list of members.
func classifySegment(id int64, t SetTarget, depth int) (*setNode, error) {
	rule, err := t.SegmentRules(id, depth)
	if err != nil {
		return nil, err
	}
	if rule != nil {
		return classify(rule, t, depth+1)
	}
	leaf := &contactd.Rule{Field: "segments", Op: OpHas, Value: json.Number(strconv.FormatInt(id, 10))}
	many, err := t.ManyMembers(id)
	if err != nil || !many {
		return &setNode{r: leaf, kind: setCond}, err
	}
	return &setNode{r: leaf, kind: setMember, pure: true, arms: 1, seg: id}, nil
}

func classifyGroup(r *contactd.Rule, children []*contactd.Rule, all bool, t SetTarget, depth int) (*setNode, error) {
	kids := make([]*setNode, len(children))
	for i, c := range children {
		n, err := classify(c, t, depth)
		if err != nil {
			return nil, err
		}
		kids[i] = n
	}
	if !all {
		return union(r, kids), nil
	}
	// An intersection is a set when one of its parts is a set of
	// memberships; equalities on indexed fields join it as sets then, and
	// only then: alone, the index walk with a test of each contact serves
	// them better.
	n := &setNode{r: r, kind: setCond, pure: true, kids: kids}
	for _, k := range kids {
		switch k.kind {
		case setMember:
			n.kind = setMember
			n.arms += k.arms
			n.pure = n.pure && k.pure
		case setField:
			n.arms += k.arms
		default:
			n.pure = false
		}
	}
	return n, nil
}

// union is an any group: a set when every part is one and one of them is
// a set of memberships, else a condition.
func union(r *contactd.Rule, kids []*setNode) *setNode {
	n := &setNode{r: r, kind: setCond, kids: kids}
	member := false
	for _, k := range kids {
		switch {
		case k.kind == setMember && k.pure:
			member = true
		case k.kind == setField:
		default:
			return n
		}
		n.arms += k.arms
	}
	if member {
		n.kind, n.pure = setMember, true
	}
	return n
}

// setSQL is a compound SELECT: arms joined left to right.
type setSQL struct {
	sql   string
	arms  int
	exact bool
}

// emit writes a setMember or setField node as a set, and the conditions
// its contacts must also meet.
func (n *setNode) emit(t SetTarget) (setSQL, []string, error) {
	switch {
	case n.kind == setField:
		parts := make([]setSQL, len(n.values))
		for i, v := range n.values {
			cond, err := Compile(&contactd.Rule{Field: n.field, Op: OpEq, Value: v}, t)
			if err != nil {
				return setSQL{}, nil, err
			}
			parts[i] = setSQL{sql: t.FieldSet(cond), arms: 1, exact: true}
		}
		return combine(" UNION ", parts), nil, nil
	case n.tag:
		if n.tags == nil {
			return setSQL{sql: t.AnyTagSet(), arms: 1}, nil, nil
		}
		parts := make([]setSQL, len(n.tags))
		for i, tag := range n.tags {
			parts[i] = setSQL{sql: t.TagSet(tag), arms: 1}
		}
		return combine(" UNION ", parts), nil, nil
	case n.seg != 0:
		return setSQL{sql: t.MemberSet(n.seg), arms: 1}, nil, nil
	}
	all := n.r.All != nil
	var parts []setSQL
	var conds []string
	for _, k := range n.kids {
		if k.kind == setCond {
			cond, err := Compile(k.r, t)
			if err != nil {
				return setSQL{}, nil, err
			}
			conds = append(conds, cond)
			continue
		}
		s, c, err := k.emit(t)
		if err != nil {
			return setSQL{}, nil, err
		}
		parts, conds = append(parts, s), append(conds, c...)
	}
	if all {
		return combine(" INTERSECT ", parts), conds, nil
	}
	return combine(" UNION ", parts), conds, nil
}

// combine joins parts with op. Compound SELECTs take no parentheses, so
// one part of several arms leads the chain and any other is read through
// a subquery (which the engine sorts again).
func combine(op string, parts []setSQL) setSQL {
	for i, p := range parts {
		if p.arms > 1 {
			parts[0], parts[i] = parts[i], parts[0]
			break
		}
	}
	out := parts[0]
	for _, p := range parts[1:] {
		sql := p.sql
		if p.arms > 1 {
			sql = "SELECT id FROM (" + sql + " ORDER BY 1)"
		}
		out.sql += op + sql
		out.arms += p.arms
		if op == " INTERSECT " {
			out.exact = out.exact || p.exact
		} else {
			out.exact = out.exact && p.exact
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
