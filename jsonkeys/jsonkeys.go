// Package jsonkeys finds a key named twice in one JSON object. Go's decoder
// keeps the last value of a repeated key and other parsers the first, so a
// document with both could pass a check in one place and mean something
// else in another: the API refuses request bodies, and the rules parser
// rule trees, that name a key twice.
package jsonkeys

import (
	"bytes"
	"encoding/json"
)

// Repeated returns the first key that one object of doc names twice, with
// keys compared after fold (nil compares them as written). doc must
// already have decoded without error: Repeated reports nothing for a
// syntax error, and it keeps its own stack rather than recursing, so the
// nesting the decoder bounded costs no Go stack.
func Repeated(doc []byte, fold func(string) string) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	type level struct {
		keys   map[string]bool // nil for an array
		expect bool            // the next token is a key
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // io.EOF, or a syntax error the decoder reported
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, level{keys: map[string]bool{}, expect: true})
			case '[':
				stack = append(stack, level{})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].keys != nil {
					stack[top-1].expect = true
				}
			}
			continue
		}
		if top < 0 || stack[top].keys == nil {
			continue
		}
		if stack[top].expect {
			key, _ := tok.(string)
			folded := key
			if fold != nil {
				folded = fold(key)
			}
			if stack[top].keys[folded] {
				return key, true
			}
			stack[top].keys[folded] = true
			stack[top].expect = false
			continue
		}
		stack[top].expect = true
	}
}
