package tabfile

import "strconv"

// Error codes. They are stable: the importer stores them in its reports and
// clients branch on them.
const (
	// CodeEmptyFile: no bytes, or nothing but whitespace, BOMs and empty cells.
	CodeEmptyFile = "empty_file"
	// CodeBinaryFile: NUL bytes in text, or a binary format other than xlsx
	// (PDF, old .xls, a ZIP that is no workbook, an encrypted workbook).
	CodeBinaryFile = "binary_file"
	// CodeCellTooLarge: one cell is over Options.MaxCellBytes.
	CodeCellTooLarge = "cell_too_large"
	// CodeTooManyColumns: one row has more than Options.MaxColumns fields.
	CodeTooManyColumns = "too_many_columns"
	// CodeMalformedCSV: a quoted field that never closes.
	CodeMalformedCSV = "malformed_csv"
	// CodeXLSXInvalid: a damaged or oversized xlsx (a ZIP bomb is refused
	// before anything is unpacked).
	CodeXLSXInvalid = "xlsx_invalid"
)

// Error says why a file, or a line of it, cannot be read. Message is meant
// for the operator who uploaded the file: it says what is wrong and what to
// do, and never quotes cell contents (they are personal data and errors end
// up in logs).
//
// Errors reading the underlying file (disk or network) are not *Error: they
// are wrapped as they come, so the caller reports them as internal.
type Error struct {
	Code    string
	Message string
	Line    int // where the problem is (sheet row for xlsx); 0 when it is the whole file
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return "tabfile: line " + strconv.Itoa(e.Line) + ": " + e.Code + ": " + e.Message
	}
	return "tabfile: " + e.Code + ": " + e.Message
}

func newError(code string, line int, msg string) *Error {
	return &Error{Code: code, Message: msg, Line: line}
}
