package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/jsonkeys"
)

// decodeJSON reads exactly one JSON object from r's body into dst. It refuses
// other content types, unknown fields, trailing data and bodies over the
// server's limit, each with a 4xx that says what to fix.
func (s *Server) decodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		// curl -d sends form-urlencoded unless told otherwise; the body is
		// still parsed as JSON, so such clients work and bad JSON still fails.
		jsonish := mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "application/x-www-form-urlencoded" || mt == "text/plain"
		if err != nil || !jsonish {
			return contactd.Errorf(contactd.EUnsupportedMedia, "send the body as application/json (got %q)", truncate(ct, 80))
		}
	}
	body, err := io.ReadAll(r.Body) // r.Body is already capped by MaxBytesReader
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return contactd.Errorf(contactd.EBodyTooLarge, "the request body is larger than %d bytes", tooLarge.Limit)
		}
		return contactd.Errorf(contactd.EBadRequest, "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return contactd.Errorf(contactd.EBadRequest, "the request body is empty; send a JSON object")
	}
	// JSON is UTF-8 (RFC 8259); Go's decoder would quietly turn invalid
	// bytes into U+FFFD, storing something other than what was sent.
	if !utf8.Valid(body) {
		return contactd.Errorf(contactd.EBadRequest, "the request body is not valid UTF-8; send JSON encoded as UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return contactd.Errorf(contactd.EBadRequest, "the request body holds more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return contactd.Errorf(contactd.EBadRequest, "the request body has data after the JSON object")
	}
	return duplicateKeys(body)
}

// duplicateKeys refuses an object that names a key twice (see package
// jsonkeys). Keys are compared as Go matches them to fields, regardless of
// case ("phone_e164" and "PHONE_E164" are one field). It runs after
// Decode, which has bounded the nesting.
func duplicateKeys(body []byte) error {
	if key, ok := jsonkeys.Repeated(body, foldKey); ok {
		return contactd.Errorf(contactd.EBadRequest, "the key %q appears twice in one object (keys match regardless of case); send each key once", truncate(key, 80))
	}
	return nil
}

// foldKey maps every key that bytes.EqualFold (and so Go's field
// matching) takes as equal to one string: each rune becomes the least rune
// of its simple case-folding orbit.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var field *fieldError
	switch {
	case errors.As(err, &syn):
		return contactd.Errorf(contactd.EBadRequest, "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		name := typ.Field
		if name == "" {
			return contactd.Errorf(contactd.EBadRequest, "the request body must be a JSON object")
		}
		return contactd.ValidationError([]contactd.FieldError{{Field: name, Code: "invalid_type", Message: fmt.Sprintf("must be %s, not %s", jsonType(typ.Type.String()), typ.Value)}})
	case errors.As(err, &field):
		return contactd.ValidationError([]contactd.FieldError{{Field: field.field, Code: "invalid_type", Message: field.msg}})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return contactd.Errorf(contactd.EBadRequest, "malformed JSON: the body ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &contactd.Error{Code: contactd.EUnknownField, Message: fmt.Sprintf("unknown field %q; see GET /api/v1/openapi.json for the fields this endpoint takes", truncate(name, 80)),
			Fields: []contactd.FieldError{{Field: truncate(name, 80), Code: contactd.EUnknownField, Message: "not a field of this request (read-only fields cannot be sent)"}}}
	}
	return contactd.Errorf(contactd.EBadRequest, "malformed JSON: %s", truncate(err.Error(), 200))
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "map"):
		return "an object"
	case strings.HasPrefix(goType, "[]"), strings.Contains(goType, "[]"):
		return "an array"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "int"), strings.Contains(goType, "Number"), strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	}
	return "another type"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// fieldError reports a type problem found by an optional field.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// optional is a PATCH field: Set tells whether the client sent it at all,
// Null whether it sent null, so "leave alone" and "clear" stay apart.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// ptr returns nil when the field was not sent, a pointer to the zero value
// when it was null, else a pointer to the value.
func (o optional[T]) ptr() *T {
	if !o.Set {
		return nil
	}
	v := o.Value
	return &v
}
