package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/contactd/contactd"
)

// pathID reads a positive integer id from the path.
func pathID(r *http.Request, name string) (int64, error) {
	raw := r.PathValue(name)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, contactd.Errorf(contactd.EInvalidID, "%s %q is not a positive integer id", name, truncate(raw, 40))
	}
	return id, nil
}

// queryID reads an optional positive integer id from the query string.
func queryID(r *http.Request, name string) (int64, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, contactd.Errorf(contactd.EInvalidID, "%s %q is not a positive integer id", name, truncate(raw, 40))
	}
	return id, nil
}

// queryBool reads an optional true/false query parameter; absent is nil.
func queryBool(r *http.Request, name string) (*bool, error) {
	switch raw := r.URL.Query().Get(name); raw {
	case "":
		return nil, nil
	case "true", "1":
		v := true
		return &v, nil
	case "false", "0":
		v := false
		return &v, nil
	default:
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: name, Code: "invalid", Message: fmt.Sprintf("%q is not true or false", truncate(raw, 40))}})
	}
}

// queryText reads an optional free-text query parameter: at most max
// characters of valid UTF-8 without control characters. A NUL or a stray
// byte could never match stored text, and PostgreSQL refuses both outright.
func queryText(r *http.Request, name string, max int) (string, error) {
	v := r.URL.Query().Get(name)
	bad := func(msg string) error {
		return contactd.ValidationError([]contactd.FieldError{{Field: name, Code: "invalid", Message: msg}})
	}
	switch {
	case !utf8.ValidString(v):
		return "", bad("is not valid UTF-8; percent-encode the text's UTF-8 bytes")
	case utf8.RuneCountInString(v) > max:
		return "", contactd.ValidationError([]contactd.FieldError{{Field: name, Code: "too_long", Message: fmt.Sprintf("at most %d characters", max)}})
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		return "", bad("contains a control character")
	}
	return v, nil
}

// maxPage bounds offset paging; past it a cursor is the way on.
const maxPage = 100000

// pageParams reads page, per_page and cursor.
func pageParams(r *http.Request) (contactd.Page, error) {
	q := r.URL.Query()
	p := contactd.Page{Page: 1, PerPage: contactd.DefaultPerPage}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			return p, contactd.Errorf(contactd.EInvalidPagination, "page must be an integer from 1 to %d (use cursor for deeper pages)", maxPage)
		}
		p.Page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > contactd.MaxPerPage {
			return p, contactd.Errorf(contactd.EInvalidPagination, "per_page must be an integer from 1 to %d", contactd.MaxPerPage)
		}
		p.PerPage = n
	}
	if v := q.Get("cursor"); v != "" {
		id, ok := decodeCursor(v)
		if !ok {
			return p, contactd.Errorf(contactd.EInvalidPagination, "cursor is not one this server gave out; start again without it")
		}
		p.AfterID, p.Page = id, 1
	}
	return p, nil
}

// Cursors are opaque to clients so that their form can change; today they
// carry the last id of the previous page.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "c1:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// listResponse is the envelope of every list.
type listResponse struct {
	Data        any    `json:"data"`
	Page        int    `json:"page"`
	PerPage     int    `json:"per_page"`
	Total       int64  `json:"total"`
	TotalCapped bool   `json:"total_capped"`
	NextCursor  string `json:"next_cursor,omitempty"`
}

func newList(data any, p contactd.Page, info contactd.PageInfo) listResponse {
	l := listResponse{Data: data, Page: p.Page, PerPage: p.PerPage, Total: info.Total, TotalCapped: info.TotalCapped}
	if info.NextAfterID > 0 {
		l.NextCursor = encodeCursor(info.NextAfterID)
	}
	return l
}

// queryTime reads an optional RFC 3339 time (a bare date means midnight UTC).
func queryTime(r *http.Request, name string) (*time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, contactd.ValidationError([]contactd.FieldError{{Field: name, Code: "invalid_time", Message: "must be an RFC 3339 time such as 2026-01-31T09:00:00Z, or a date"}})
}

// ifMatch reads the version a conditional request expects: If-Match takes an
// ETag ("3", W/"3") or a bare version; "*" and absence mean unconditional.
func ifMatch(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	v = strings.TrimPrefix(v, "W/")
	v = strings.Trim(v, `"`)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, contactd.Errorf(contactd.EBadRequest, "If-Match must be the contact's ETag or version, such as \"3\"")
	}
	return n, nil
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// servePage answers a list that takes nothing but paging parameters.
func servePage[T any](w http.ResponseWriter, r *http.Request, find func(context.Context, contactd.Page) (T, contactd.PageInfo, error)) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	list, info, err := find(r.Context(), page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, page, info))
	return nil
}
