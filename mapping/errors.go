package mapping

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/contactd/contactd"
)

// Error codes of this package, carried by *contactd.Error. Clients branch on
// them, so they never change. They are request errors: the upload is refused
// before any row is read.
const (
	// EInvalidMapping: column_mapping is not a valid mapping (bad JSON, a
	// value that is not a string, an unknown target, a bad custom name, two
	// columns for a single-valued field, too many entries).
	EInvalidMapping = "invalid_mapping"
	// EUnknownHeader: the mapping names a header the file does not have.
	EUnknownHeader = "unknown_header"
	// ENoPhoneColumn: nothing is mapped to phone_e164 (or, with
	// match_on=email, to email), so no row could be matched or created.
	ENoPhoneColumn = "no_phone_column"
)

// field is the request field the errors of this package are about.
const field = "column_mapping"

// maxShownProblems bounds the message of an error that gathers many
// problems; every problem stays in Fields.
const maxShownProblems = 5

// problems gathers the field errors of one call so that the operator sees
// every mistake of a mapping at once, not one per upload.
type problems []contactd.FieldError

func (p *problems) add(code, format string, args ...any) {
	*p = append(*p, contactd.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when there are no problems, else one *contactd.Error whose
// code is that of the first problem (the checks of one call share a code).
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	msgs := make([]string, 0, min(len(p), maxShownProblems))
	for _, f := range p[:min(len(p), maxShownProblems)] {
		msgs = append(msgs, f.Message)
	}
	msg := strings.Join(msgs, "; ")
	if len(p) > maxShownProblems {
		msg += "; and " + strconv.Itoa(len(p)-maxShownProblems) + " more problems"
	}
	return &contactd.Error{Code: p[0].Code, Message: msg, Fields: p}
}

// newError is a single-problem error.
func newError(code, format string, args ...any) error {
	var p problems
	p.add(code, format, args...)
	return p.err()
}

func quote(s string) string { return strconv.Quote(s) }

// quoteList quotes names for a message, at most max of them, so that a file
// with 182 columns gives a readable error.
func quoteList(names []string, max int) string {
	var b strings.Builder
	for i, n := range names {
		if i == max {
			b.WriteString(", and " + strconv.Itoa(len(names)-max) + " more")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(n))
	}
	return b.String()
}
