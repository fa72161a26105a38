package vcard

import "strconv"

// Error codes. They are stable: the importer stores them in its reports and
// clients branch on them. empty_file and cell_too_large mean what they mean
// for tabfile, so one import report reads the same for every format.
const (
	// CodeEmptyFile: no bytes, or only whitespace and byte-order marks.
	CodeEmptyFile = "empty_file"
	// CodeMalformed: the card structure is broken: the file does not start
	// with BEGIN:VCARD, text or an END:VCARD outside a card, a card that
	// never ends (the file stops inside it, or the next card begins), or a
	// first line in a card that is not a property.
	CodeMalformed = "malformed_vcard"
	// CodeCellTooLarge: a value that lands in a column is over 64 KiB, or
	// the phones or emails past the last column together are. Skipped
	// properties (PHOTO and the like) are never too large.
	CodeCellTooLarge = "cell_too_large"
)

// Error says why a file, or a card of it, cannot be read. Message is meant
// for the operator who uploaded the file and never quotes values (they are
// personal data and errors end up in logs).
//
// Errors reading the underlying file are not *Error: they are wrapped as
// they come, so the caller reports them as internal.
type Error struct {
	Code    string
	Message string
	Line    int // the physical line of the problem; 0 when it is the whole file
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return "vcard: line " + strconv.Itoa(e.Line) + ": " + e.Code + ": " + e.Message
	}
	return "vcard: " + e.Code + ": " + e.Message
}

func newError(code string, line int, msg string) *Error {
	return &Error{Code: code, Message: msg, Line: line}
}
