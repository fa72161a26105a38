package exporter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// The lean read hands over lists and custom fields as the JSON text the
// database stores (PostgreSQL's jsonb output has spaces after ':' and ',',
// SQLite's is what encoding/json wrote). These helpers walk that text in
// place, without decoding it into maps and slices, which would cost several
// allocations a contact on a million-row export.

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value that starts at b[i],
// or -1 when the text is malformed.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// stringEnd returns the index just past the JSON string that starts at
// b[i] (a quote), or -1.
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// eachItem calls fn with the raw text of each item of a JSON array.
func eachItem(b []byte, fn func(item []byte) error) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return fmt.Errorf("stored list %.40q is not a JSON array", b)
	}
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] != ']' {
		end := valueEnd(b, i)
		if end < 0 {
			return fmt.Errorf("stored list %.40q is malformed JSON", b)
		}
		if err := fn(b[i:end]); err != nil {
			return err
		}
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}

// member returns the raw value of key in a JSON object (the last one, as
// encoding/json would keep), and whether it is there.
func member(b []byte, key string) ([]byte, bool, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false, fmt.Errorf("stored custom fields %.40q are not a JSON object", b)
	}
	var val []byte
	found := false
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] != '}' {
		kEnd := valueEnd(b, i)
		if kEnd < 0 || b[i] != '"' {
			return nil, false, fmt.Errorf("stored custom fields %.40q are malformed JSON", b)
		}
		k := b[i:kEnd]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return nil, false, fmt.Errorf("stored custom fields %.40q are malformed JSON", b)
		}
		i = skipSpace(b, i+1)
		vEnd := valueEnd(b, i)
		if vEnd < 0 {
			return nil, false, fmt.Errorf("stored custom fields %.40q are malformed JSON", b)
		}
		if keyIs(k, key) {
			val, found = b[i:vEnd], true
		}
		i = skipSpace(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return val, found, nil
}

// keyIs compares a quoted JSON key with name.
func keyIs(quoted []byte, name string) bool {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner) == name
	}
	var s string
	return json.Unmarshal(quoted, &s) == nil && s == name
}

// appendUnquoted appends the text of a quoted JSON string.
func appendUnquoted(dst, quoted []byte) ([]byte, error) {
	if len(quoted) < 2 || quoted[0] != '"' {
		return dst, fmt.Errorf("stored value %.40q is not a JSON string", quoted)
	}
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return append(dst, inner...), nil
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return dst, fmt.Errorf("stored value %.40q: %w", quoted, err)
	}
	return append(dst, s...), nil
}

// appendList appends the strings of a JSON array joined by sep.
func appendList(dst, list []byte, sep string) ([]byte, error) {
	n := 0
	err := eachItem(list, func(item []byte) error {
		if n > 0 {
			dst = append(dst, sep...)
		}
		n++
		var err error
		dst, err = appendUnquoted(dst, item)
		return err
	})
	return dst, err
}

// appendJSONList appends a JSON array of strings as compact JSON, each
// string encoded as encoding/json would.
func appendJSONList(dst, list []byte) ([]byte, error) {
	dst = append(dst, '[')
	n := 0
	var scratch []byte
	err := eachItem(list, func(item []byte) error {
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		var err error
		if scratch, err = appendUnquoted(scratch[:0], item); err != nil {
			return err
		}
		dst = appendJSONString(dst, scratch)
		return nil
	})
	return append(dst, ']'), err
}

// appendJSONString appends s as a JSON string exactly as an
// encoding/json Encoder with SetEscapeHTML(false) writes it. Plain text
// (no quotes, backslashes, control characters, U+2028/U+2029 or invalid
// UTF-8) is copied; anything else goes through encoding/json.
func appendJSONString(dst, s []byte) []byte {
	plain, ascii := true, true
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' {
			plain = false
			break
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if plain && !ascii && (!utf8.Valid(s) || bytes.Contains(s, []byte("\u2028")) || bytes.Contains(s, []byte("\u2029"))) {
		plain = false
	}
	if plain {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(string(s)) // a string always encodes
	return append(dst, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}

// decodeJSON decodes stored JSON as the full read did: numbers kept as
// written.
func decodeJSON(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("stored value %.40q: %w", raw, err)
	}
	return v, nil
}

// appendCompactJSON appends stored JSON re-encoded as encoding/json writes
// it (keys sorted, no spaces, no HTML escaping), as the export always has.
func appendCompactJSON(dst, raw []byte) ([]byte, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return dst, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...), nil
}
