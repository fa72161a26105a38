package contactd

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes are stable: clients branch on them, so never rename one.
// The HTTP layer maps each to a status in one table (api/errors.go).
const (
	EBadRequest           = "bad_request"            // malformed request (JSON syntax, wrong types)
	EUnknownField         = "unknown_field"          // a JSON field the endpoint does not know
	EInvalid              = "validation_failed"      // well-formed but invalid values; see Fields
	EInvalidPhone         = "invalid_phone"          // phone unparseable or not a valid number
	EInvalidEmail         = "invalid_email"          // email not a valid address
	EInvalidID            = "invalid_id"             // an id that is not a positive integer
	EInvalidPagination    = "invalid_pagination"     // page, per_page or cursor out of range
	EBodyTooLarge         = "body_too_large"         // request body over the limit
	EUnsupportedMedia     = "unsupported_media_type" // wrong Content-Type
	EUnauthorized         = "unauthorized"           // no key, unknown, revoked or expired key
	EForbidden            = "forbidden"              // key lacks the role
	ENotFound             = "not_found"              // no such thing in this workspace
	EConflict             = "conflict"               // unique rule broken (e.g. live phone taken)
	EPreconditionFailed   = "precondition_failed"    // If-Match / version is stale
	EPreconditionRequired = "precondition_required"  // a confirmation the action needs is missing
	EMethodNotAllowed     = "method_not_allowed"
	ERateLimited          = "rate_limited"            // too many requests for the key (or address); see Retry-After
	ETooManyImports       = "too_many_imports"        // the workspace has its limit of imports queued or running
	EIdempotencyKey       = "invalid_idempotency_key" // Idempotency-Key empty, too long or not printable ASCII
	EIdempotencyReused    = "idempotency_key_reused"  // the key was used for a different request
	EIdempotencyInFlight  = "idempotency_in_progress" // the first request with this key is still running
	ETimeout              = "request_timeout"         // the request ran past the server's deadline; retry
	EInternal             = "internal"                // a bug or an outage; details go to the log only
)

// FieldError names one invalid field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is the one error type the domain returns to callers. Message is safe
// to show to API users; it never carries SQL, stack traces or personal data
// beyond what the caller sent.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// ExistingID names the contact that a conflict collided with.
	ExistingID int64
}

func (e *Error) Error() string {
	if len(e.Fields) > 1 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s", e.Code, e.Message)
		for _, f := range e.Fields {
			fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
		}
		return b.String()
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or EInternal when err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// ValidationError gathers field errors into one EInvalid error. When every
// field error shares one code that has its own meaning (invalid_phone,
// invalid_email) that code is used, so clients can branch on it directly.
func ValidationError(fields []FieldError) *Error {
	code := EInvalid
	if len(fields) > 0 {
		code = fields[0].Code
		for _, f := range fields[1:] {
			if f.Code != code {
				code = EInvalid
				break
			}
		}
		if code != EInvalidPhone && code != EInvalidEmail {
			code = EInvalid
		}
	}
	msg := "the request has invalid fields"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: code, Message: msg, Fields: fields}
}
