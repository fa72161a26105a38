package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/jsonkeys"
)

// Parse reads a rule tree from JSON and checks it. path names the tree in
// errors ("rules", "filters.rules"). Returns an EInvalidRule error naming the
// first bad node: malformed JSON, a node that is not exactly one group or one
// condition, an unknown field or operator, an operator the field does not
// take, a value of the wrong type, or a tree over the limits.
func Parse(raw []byte, path string) (*contactd.Rule, error) {
	if len(raw) > maxRawBytes {
		return nil, invalid(path, "the rules are %d bytes; at most %d", len(raw), maxRawBytes)
	}
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, invalid(path, `must be an object such as {"all":[{"field":"city","op":"eq","value":"Pune"}]}`)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, invalid(path, "malformed JSON: %s", err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalid(path, "data after the rules object")
	}
	if key, ok := jsonkeys.Repeated(raw, nil); ok {
		return nil, invalid(path, "the key %q appears twice in one object; send each key once", truncate(key, 40))
	}
	p := parser{}
	r, err := p.node(v, path, 1)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Check validates a tree built in Go (or read back from storage) the way
// Parse does, and normalizes its values in place: numbers become json.Number.
func Check(r *contactd.Rule, path string) error {
	if r == nil {
		return invalid(path, "no rules")
	}
	p := parser{}
	return p.check(r, path, 1)
}

type parser struct{ nodes int }

// node reads one decoded JSON value as a node.
func (p *parser) node(v any, path string, depth int) (*contactd.Rule, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, invalid(path, "must be an object: a group {\"all\":[...]} or {\"any\":[...]}, or a condition {\"field\",\"op\",\"value\"}")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "all", "any", "field", "op", "value":
		default:
			return nil, invalid(path+"."+k, "unknown key; a node has all, any, or field, op and value")
		}
	}
	_, all := obj["all"]
	_, anyOf := obj["any"]
	_, field := obj["field"]
	switch {
	case all && anyOf:
		return nil, invalid(path, "a node is either all or any, not both: nest one inside the other")
	case (all || anyOf) && (field || obj["op"] != nil || obj["value"] != nil):
		return nil, invalid(path, "a group (all, any) cannot also have field, op or value")
	case all || anyOf:
		// Refuse a tree that nests too deep before reading its children:
		// a 256 KB body holds groups 20,000 deep.
		if depth > MaxDepth {
			return nil, invalid(path, "groups nest deeper than %d levels", MaxDepth)
		}
		key := "all"
		if anyOf {
			key = "any"
		}
		list, ok := obj[key].([]any)
		if !ok {
			return nil, invalid(path+"."+key, "must be an array of rules")
		}
		r := &contactd.Rule{}
		children := make([]*contactd.Rule, 0, len(list))
		for i, c := range list {
			child, err := p.node(c, fmt.Sprintf("%s.%s[%d]", path, key, i), depth+1)
			if err != nil {
				return nil, err
			}
			children = append(children, child)
		}
		if key == "all" {
			r.All = children
		} else {
			r.Any = children
		}
		return r, p.checkGroup(r, path, depth)
	}
	f, ok := obj["field"].(string)
	if !ok {
		if !field {
			return nil, invalid(path, "a condition needs field, op and value (or a group: all, any)")
		}
		return nil, invalid(path+".field", "must be a string")
	}
	op, ok := obj["op"].(string)
	if !ok {
		return nil, invalid(path+".op", "must be one of eq, neq, contains, starts_with, in, has, gte, lte, exists")
	}
	r := &contactd.Rule{Field: f, Op: op, Value: obj["value"]}
	return r, p.check(r, path, depth)
}

func (p *parser) checkGroup(r *contactd.Rule, path string, depth int) error {
	p.nodes++
	if p.nodes > MaxNodes {
		return invalid(path, "the rules have more than %d nodes", MaxNodes)
	}
	if depth > MaxDepth {
		return invalid(path, "groups nest deeper than %d levels", MaxDepth)
	}
	key, list := "all", r.All
	if r.All == nil {
		key, list = "any", r.Any
	}
	if len(list) == 0 {
		return invalid(path+"."+key, "must hold at least one rule")
	}
	return nil
}

// check validates r and, recursively, its children.
func (p *parser) check(r *contactd.Rule, path string, depth int) error {
	if r.All != nil || r.Any != nil {
		if r.All != nil && r.Any != nil {
			return invalid(path, "a node is either all or any, not both")
		}
		if r.Field != "" || r.Op != "" || r.Value != nil {
			return invalid(path, "a group (all, any) cannot also have field, op or value")
		}
		if err := p.checkGroup(r, path, depth); err != nil {
			return err
		}
		key, list := "all", r.All
		if r.All == nil {
			key, list = "any", r.Any
		}
		for i, c := range list {
			if c == nil {
				return invalid(fmt.Sprintf("%s.%s[%d]", path, key, i), "must be an object")
			}
			if err := p.check(c, fmt.Sprintf("%s.%s[%d]", path, key, i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	p.nodes++
	if p.nodes > MaxNodes {
		return invalid(path, "the rules have more than %d nodes", MaxNodes)
	}
	if r.Field == "" {
		return invalid(path, "a condition needs field, op and value (or a group: all, any)")
	}
	k, ok := fieldKind(r.Field)
	if !ok {
		if strings.HasPrefix(r.Field, CustomPrefix) {
			return invalid(path+".field", "custom field name %q must be 1-64 letters, digits, '_' or '-'", truncate(strings.TrimPrefix(r.Field, CustomPrefix), 70))
		}
		return invalid(path+".field", "unknown field %q; fields are %s", truncate(r.Field, 70), fieldList())
	}
	if !allOps[r.Op] {
		return invalid(path+".op", "unknown operator %q; operators are eq, neq, contains, starts_with, in, has, gte, lte, exists", truncate(r.Op, 40))
	}
	if !opAllowed(k, r.Op) {
		return invalid(path+".op", "%s does not apply to %s; use %s", r.Op, r.Field, strings.Join(kindOps[k], ", "))
	}
	v, err := checkValue(k, r.Op, r.Value, path+".value")
	if err != nil {
		return err
	}
	r.Value = v
	return nil
}

// checkValue checks the value of a condition on a field of kind k with op,
// and returns it normalized.
func checkValue(k kind, op string, v any, path string) (any, error) {
	v = normalizeNumber(v)
	if op == OpExists {
		switch x := v.(type) {
		case nil:
			return true, nil
		case bool:
			return x, nil
		}
		return nil, invalid(path, "exists takes true or false")
	}
	if op == OpIn {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, invalid(path, "in takes a non-empty array of values")
		}
		if len(list) > MaxInValues {
			return nil, invalid(path, "in takes at most %d values", MaxInValues)
		}
		out := make([]any, len(list))
		for i, item := range list {
			one := OpEq
			if k == kindTags || k == kindSegments {
				one = OpHas
			}
			x, err := checkValue(k, one, item, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	switch k {
	case kindBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, invalid(path, "must be true or false")
	case kindTime:
		s, ok := v.(string)
		if !ok {
			return nil, invalid(path, "must be a time: RFC 3339 (2026-01-31T09:00:00Z), a date (2026-01-31), or relative to now (now, now-7d, now-12h)")
		}
		if _, err := parseTime(s); err != nil {
			return nil, invalid(path, "%s", err.Error())
		}
		return s, nil
	case kindSegments:
		n, ok := v.(json.Number)
		id, err := strconv.ParseInt(string(n), 10, 64)
		if !ok || err != nil || id <= 0 {
			return nil, invalid(path, "must be a segment id (a positive integer)")
		}
		return n, nil
	case kindTags:
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return nil, invalid(path, "must be a tag (a non-empty string)")
		}
		return s, checkText(s, path)
	case kindCustom:
		switch x := v.(type) {
		case string:
			if (op == OpContains || op == OpStartsWith) && x == "" {
				return nil, invalid(path, "%s takes a non-empty string", op)
			}
			return x, checkText(x, path)
		case json.Number:
			if op == OpContains || op == OpStartsWith {
				return nil, invalid(path, "%s takes a string", op)
			}
			if _, err := x.Float64(); err != nil {
				return nil, invalid(path, "number out of range")
			}
			return x, nil
		case bool:
			if op == OpEq || op == OpNeq {
				return x, nil
			}
			return nil, invalid(path, "%s does not take true or false", op)
		}
		return nil, invalid(path, "must be a string, a number or true/false")
	}
	// kindText, kindExact
	s, ok := v.(string)
	if !ok {
		return nil, invalid(path, "must be a string")
	}
	if (op == OpContains || op == OpStartsWith) && s == "" {
		return nil, invalid(path, "%s takes a non-empty string", op)
	}
	return s, checkText(s, path)
}

func checkText(s, path string) error {
	if !utf8.ValidString(s) {
		return invalid(path, "is not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > MaxValueLen {
		return invalid(path, "at most %d characters", MaxValueLen)
	}
	if strings.ContainsRune(s, 0) {
		return invalid(path, "contains a NUL character")
	}
	return nil
}

// normalizeNumber turns the numbers Go code may put in a Rule into
// json.Number, the form Parse gives.
func normalizeNumber(v any) any {
	switch x := v.(type) {
	case int:
		return json.Number(strconv.Itoa(x))
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return v
		}
		return json.Number(strconv.FormatFloat(x, 'f', -1, 64))
	case []int64:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = json.Number(strconv.FormatInt(n, 10))
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return v
}

// segmentIDs reads the ids of a checked segments value.
func segmentIDs(v any) []int64 {
	var out []int64
	add := func(x any) {
		if n, ok := normalizeNumber(x).(json.Number); ok {
			if id, err := strconv.ParseInt(string(n), 10, 64); err == nil {
				out = append(out, id)
			}
		}
	}
	if list, ok := v.([]any); ok {
		for _, x := range list {
			add(x)
		}
	} else {
		add(v)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
