package jsonkeys

import (
	"strings"
	"testing"
)

func TestRepeated(t *testing.T) {
	for _, c := range []struct {
		doc  string
		fold bool
		key  string
	}{
		{`{"a":1,"b":2}`, false, ""},
		{`{"a":1,"a":2}`, false, "a"},
		{`{"a":{"b":1},"b":2}`, false, ""},              // same key at two levels
		{`{"a":[{"b":1},{"b":2}]}`, false, ""},          // in two objects of an array
		{`{"a":[{"b":1,"c":[1,2],"b":3}]}`, false, "b"}, // deep, after an array value
		{`{"x":{"y":1},"x":2}`, false, "x"},             // after a nested object closed
		{`{"Phone":1,"phone":2}`, false, ""},
		{`{"Phone":1,"phone":2}`, true, "phone"},
		{`[1,{"k":1,"k":2}]`, false, "k"},
	} {
		var fold func(string) string
		if c.fold {
			fold = strings.ToLower
		}
		key, found := Repeated([]byte(c.doc), fold)
		if found != (c.key != "") || key != c.key {
			t.Errorf("%s (fold %v): %q, %v; want %q", c.doc, c.fold, key, found, c.key)
		}
	}
}
