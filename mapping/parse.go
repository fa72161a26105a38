package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
)

// MaxEntries caps the entries of a mapping. It matches the file reader's
// default column limit (tabfile, 500), so any file it reads can be mapped in
// full.
const MaxEntries = 500

// maxRawBytes bounds the JSON Parse reads: 500 entries of long headers fit
// many times over, and nothing bigger is a mapping someone wrote.
const maxRawBytes = 256 << 10

// Parse reads the multipart field column_mapping: a JSON object from header
// to target, such as {"Mobile":"phone_e164","Name":"full_name"}.
//
// Returns a *contactd.Error with code EInvalidMapping when raw is empty, not
// a JSON object, names a header twice, has a value that is not a string, has
// more than MaxEntries entries, or when validate finds a problem (unknown
// target, bad custom name, two columns for a single-valued target). Every
// problem found is listed in the error's Fields. Headers are kept as written;
// Check matches them to the file.
func Parse(raw string) (Mapping, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, newError(EInvalidMapping,
			`column_mapping is empty; send a JSON object such as {"Phone":"phone_e164"}, or leave the field out to use the suggested mapping`)
	}
	if len(raw) > maxRawBytes {
		return nil, newError(EInvalidMapping, "column_mapping is %d bytes, more than the %d a mapping can be; map only the columns you need", len(raw), maxRawBytes)
	}
	m, p, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	p = append(p, validate(m)...)
	if err := p.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeObject reads raw as one JSON object of strings. It walks the object
// token by token rather than unmarshalling into a map because a map would
// silently keep only the last of two entries for one header, and would stop
// at the first non-string value instead of naming every bad header. err is
// set when raw is not a JSON object at all; p lists the entries that were
// left out of m (repeated headers, values that are not strings).
func decodeObject(raw string) (m Mapping, p problems, err error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, syntaxError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, newError(EInvalidMapping,
			`column_mapping must be a JSON object from header to field, such as {"Phone":"phone_e164"}; got %s`, jsonKind(tok))
	}
	m = Mapping{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, syntaxError(err)
		}
		header := tok.(string) // the decoder guarantees object keys are strings
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, nil, syntaxError(err)
		}
		if seen[header] {
			p.add(EInvalidMapping, "header %s appears twice in column_mapping; keep one entry", quote(header))
			delete(m, header) // neither entry can be trusted to be the meant one
			continue
		}
		seen[header] = true
		if len(seen) > MaxEntries {
			return nil, nil, newError(EInvalidMapping, "column_mapping has more than %d entries; map only the columns you need", MaxEntries)
		}
		var target string
		if bytes.HasPrefix(value, []byte(`"`)) && json.Unmarshal(value, &target) == nil {
			m[header] = target
			continue
		}
		p.add(EInvalidMapping, `header %s maps to %s; the value must be a field name string such as "phone_e164"`,
			quote(header), jsonKindRaw(value))
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, nil, syntaxError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, newError(EInvalidMapping, "column_mapping has more after its JSON object; send exactly one object")
	}
	return m, p, nil
}

func syntaxError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return newError(EInvalidMapping, "column_mapping is cut short; send a complete JSON object")
	}
	return newError(EInvalidMapping, `column_mapping is not valid JSON (%v); send an object such as {"Phone":"phone_e164"}`, err)
}

// jsonKind names the kind of a JSON token for an error message.
func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	default:
		return "null"
	}
}

func jsonKindRaw(v json.RawMessage) string {
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '{':
		return "an object"
	case v[0] == '[':
		return "an array"
	case v[0] == 't' || v[0] == 'f':
		return "a boolean"
	case v[0] == 'n':
		return "null"
	default:
		return "a number"
	}
}

// validate canonicalizes m's targets in place (see canonicalTarget) and
// reports every unknown target, bad custom name and single-valued target fed
// by more than one column. Check runs it too, so that a Mapping built in code
// gets the same checks as one parsed from a request.
func validate(m Mapping) problems {
	var p problems
	if len(m) > MaxEntries {
		p.add(EInvalidMapping, "column_mapping has %d entries, more than %d; map only the columns you need", len(m), MaxEntries)
		return p
	}
	headers := sortedKeys(m)
	byTarget := map[string][]string{}
	for _, h := range headers {
		target, ok, why := canonicalTarget(m[h])
		if !ok {
			if why == "" {
				why = "unknown field " + quote(m[h]) + didYouMean(m[h]) + "; valid fields are " + validTargetsText
			}
			p.add(EInvalidMapping, "header %s: %s", quote(h), why)
			continue
		}
		m[h] = target
		byTarget[target] = append(byTarget[target], h)
	}
	for _, target := range sortedKeys(byTarget) {
		if hs := byTarget[target]; len(hs) > 1 && !multiColumn[target] {
			p.add(EInvalidMapping, "%s are all mapped to %s, which takes one column; map the others to custom.<name> or ignore",
				quoteList(hs, 10), target)
		}
	}
	return p
}

// didYouMean suggests the target a mistaken one probably meant, using the
// same synonyms Suggest knows: "phone" -> phone_e164, "First Name" ->
// first_name.
func didYouMean(t string) string {
	c := classify(HeaderKey(t))
	switch c.target {
	case "", Ignore:
		return ""
	}
	return " (did you mean " + quote(c.target) + "?)"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
