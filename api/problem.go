package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/contactd/contactd"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	contactd.EBadRequest:           http.StatusBadRequest,
	contactd.EUnknownField:         http.StatusBadRequest,
	contactd.EInvalidID:            http.StatusBadRequest,
	contactd.EInvalidPagination:    http.StatusBadRequest,
	contactd.EInvalid:              http.StatusUnprocessableEntity,
	contactd.EInvalidPhone:         http.StatusUnprocessableEntity,
	contactd.EInvalidEmail:         http.StatusUnprocessableEntity,
	contactd.EBodyTooLarge:         http.StatusRequestEntityTooLarge,
	contactd.EUnsupportedMedia:     http.StatusUnsupportedMediaType,
	contactd.EUnauthorized:         http.StatusUnauthorized,
	contactd.EForbidden:            http.StatusForbidden,
	contactd.ENotFound:             http.StatusNotFound,
	contactd.EMethodNotAllowed:     http.StatusMethodNotAllowed,
	contactd.EConflict:             http.StatusConflict,
	contactd.EPreconditionFailed:   http.StatusPreconditionFailed,
	contactd.EPreconditionRequired: http.StatusPreconditionRequired,
	contactd.EInternal:             http.StatusInternalServerError,
	EFileMissing:                   http.StatusBadRequest,
	EFileCount:                     http.StatusBadRequest,
	"empty_file":                   http.StatusUnprocessableEntity,
	"binary_file":                  http.StatusUnprocessableEntity,
	"malformed_csv":                http.StatusUnprocessableEntity,
	"xlsx_invalid":                 http.StatusUnprocessableEntity,
	"cell_too_large":               http.StatusUnprocessableEntity,
	"too_many_columns":             http.StatusUnprocessableEntity,
	"invalid_mapping":              http.StatusUnprocessableEntity,
	"unknown_header":               http.StatusUnprocessableEntity,
	"no_phone_column":              http.StatusUnprocessableEntity,
}

// Codes of the upload endpoints. The file readers' own codes (empty_file,
// binary_file, ...) and the mapping's (invalid_mapping, unknown_header, ...)
// pass through as they are.
const (
	EFileMissing = "file_missing"
	EFileCount   = "too_many_files"
)

// Problem is an RFC 9457 problem document with contactd's extensions.
type Problem struct {
	Type       string                `json:"type"`
	Title      string                `json:"title"`
	Status     int                   `json:"status"`
	Detail     string                `json:"detail"`
	Code       string                `json:"code"`
	Errors     []contactd.FieldError `json:"errors,omitempty"`
	ExistingID int64                 `json:"existing_id,omitempty"`
	RequestID  string                `json:"request_id,omitempty"`
}

// statusClientClosed is the status recorded for a request whose client
// went away before the answer.
const statusClientClosed = 499

// writeError answers err as application/problem+json. Anything that is not a
// *contactd.Error is a bug or an outage: it is logged with the request id and
// the client sees only "internal error" and that id, never SQL or a trace.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *contactd.Error
	if !errors.As(err, &e) && errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client hung up: nobody will read an answer, and nothing went
		// wrong here. 499 (nginx's "client closed request") keeps it apart
		// from real errors in the metrics and the request log.
		s.log.InfoContext(r.Context(), "client closed the request", slog.String("request_id", requestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path))
		w.WriteHeader(statusClientClosed)
		return
	}
	if !errors.As(err, &e) {
		s.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
		e = &contactd.Error{Code: contactd.EInternal, Message: "internal error; quote the request id when you report it"}
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusBadRequest
	}
	p := Problem{
		Type:       "https://contactd.dev/problems/" + e.Code,
		Title:      http.StatusText(status),
		Status:     status,
		Detail:     e.Message,
		Code:       e.Code,
		Errors:     e.Fields,
		ExistingID: e.ExistingID,
		RequestID:  requestID(r.Context()),
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
