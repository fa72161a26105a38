package exporter

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/contactd/contactd"
)

// MediaType is the Content-Type of a format's file.
func MediaType(format string) string {
	switch format {
	case contactd.ExportJSONL:
		return "application/x-ndjson; charset=utf-8"
	case contactd.ExportXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// rowWriter writes an export file: the header (if the format has one), one
// row per contact, then Close finishes the file, or Abort drops it. It
// writes as it goes: no format holds the rows in memory.
type rowWriter interface {
	Row(r row) error
	Close() error
	Abort()
}

func newRowWriter(w io.Writer, exp *contactd.ContactExport, cols []column, tempDir string) (rowWriter, error) {
	switch exp.Format {
	case contactd.ExportJSONL:
		return newJSONLWriter(w, cols), nil
	case contactd.ExportXLSX:
		return newXLSXWriter(w, cols, tempDir)
	}
	return newCSVWriter(w, cols, exp.BOM)
}

// csvWriter writes RFC 4180 CSV: comma-separated, CRLF line ends, quotes
// where needed, UTF-8 with an optional byte order mark (which Excel needs to
// read UTF-8). It writes what encoding/csv's Writer (UseCRLF) would, byte
// for byte, but appends each row's cells into one reused line instead of
// making a string of each: a million rows of a dozen cells.
type csvWriter struct {
	buf     *bufio.Writer
	cols    []column
	line    []byte
	scratch []byte
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func newCSVWriter(w io.Writer, cols []column, bom bool) (*csvWriter, error) {
	cw := &csvWriter{buf: bufio.NewWriterSize(w, 64<<10), cols: cols, line: make([]byte, 0, 1024)}
	if bom {
		cw.buf.Write(utf8BOM)
	}
	for i, c := range cols {
		if i > 0 {
			cw.line = append(cw.line, ',')
		}
		start := len(cw.line)
		cw.line = cw.finishCell(append(cw.line, c.name...), start, false)
	}
	cw.line = append(cw.line, '\r', '\n')
	_, err := cw.buf.Write(cw.line)
	return cw, err
}

// Row writes most rows in one pass: each cell as it is (behind an
// apostrophe when neutral), looking only at its first byte; then the whole
// line is looked over once for the bytes that make a cell quoted, and only
// a row that has one is written again cell by cell (finishCell). Looking at
// each cell's every byte in turn was a fifth of the writing.
func (w *csvWriter) Row(r row) error {
	line := w.line[:0]
	plain := true
	for i, col := range w.cols {
		if i > 0 {
			line = append(line, ',')
		}
		start := len(line)
		var err error
		if line, err = col.appendText(line, r); err != nil {
			return fmt.Errorf("export %s: %w", col.name, err)
		}
		if cell := line[start:]; isFormulaStart(cell) {
			line = append(line, 0)
			copy(line[start+1:], line[start:])
			line[start] = '\''
		} else if plain && len(cell) > 0 && csvNeedsQuotesAtStart(cell) {
			plain = false
		}
	}
	if !plain || bytes.Count(line, []byte{','}) != len(w.cols)-1 || bytes.IndexByte(line, '"') >= 0 ||
		bytes.IndexByte(line, '\n') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
		var err error
		if line, err = w.quotedRow(line[:0], r); err != nil {
			return err
		}
	}
	w.line = append(line, '\r', '\n')
	_, err := w.buf.Write(w.line)
	return err
}

// quotedRow appends the row cell by cell, each finished as finishCell does.
func (w *csvWriter) quotedRow(line []byte, r row) ([]byte, error) {
	for i, col := range w.cols {
		if i > 0 {
			line = append(line, ',')
		}
		start := len(line)
		var err error
		if line, err = col.appendText(line, r); err != nil {
			return line, fmt.Errorf("export %s: %w", col.name, err)
		}
		line = w.finishCell(line, start, isFormulaStart(line[start:]))
	}
	return line, nil
}

// finishCell makes line[start:], one cell's text, what encoding/csv writes
// of it behind an apostrophe when neutral (see Neutralise): quoted when it
// holds a comma, a quote or a line break, is `\.`, or starts with a space;
// inside quotes, a quote doubles, a CR is dropped and a LF becomes CRLF.
func (w *csvWriter) finishCell(line []byte, start int, neutral bool) []byte {
	cell := line[start:]
	if !csvNeedsQuotes(cell, neutral) {
		if neutral {
			line = append(line, 0)
			copy(line[start+1:], line[start:])
			line[start] = '\''
		}
		return line
	}
	w.scratch = append(w.scratch[:0], cell...)
	s := w.scratch
	line = append(line[:start], '"')
	if neutral {
		line = append(line, '\'')
	}
	for len(s) > 0 {
		i := bytes.IndexAny(s, "\"\r\n")
		if i < 0 {
			i = len(s)
		}
		line = append(line, s[:i]...)
		s = s[i:]
		if len(s) > 0 {
			switch s[0] {
			case '"':
				line = append(line, '"', '"')
			case '\n':
				line = append(line, '\r', '\n')
			}
			s = s[1:]
		}
	}
	return append(line, '"')
}

// csvSpecial are the bytes that make encoding/csv quote a cell.
var csvSpecial = [256]bool{'\n': true, '\r': true, '"': true, ',': true}

func csvNeedsQuotes(s []byte, neutral bool) bool {
	if len(s) == 0 {
		return false
	}
	for _, c := range s {
		if csvSpecial[c] {
			return true
		}
	}
	if neutral {
		return false // it starts with the apostrophe
	}
	return csvNeedsQuotesAtStart(s)
}

// csvNeedsQuotesAtStart reports whether encoding/csv quotes the non-empty
// cell s for how it starts: with a space, or being `\.`.
func csvNeedsQuotesAtStart(s []byte) bool {
	switch c := s[0]; {
	case c == '\\':
		return string(s) == `\.`
	case c < utf8.RuneSelf:
		return c == ' ' || c == '\t' || c == '\v' || c == '\f'
	}
	r, _ := utf8.DecodeRune(s)
	return unicode.IsSpace(r)
}

// isFormulaStart reports whether a spreadsheet would run the cell as a
// formula (see Neutralise).
func isFormulaStart(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

func (w *csvWriter) Abort() {}

func (w *csvWriter) Close() error { return w.buf.Flush() }

// Neutralise makes a cell that a spreadsheet would run as a formula plain
// text (OWASP's "CSV injection"): a cell starting with =, +, -, @, tab or
// carriage return gets a leading apostrophe, the mark Excel itself uses for
// "this is text". That includes E.164 phones: "+919900000001" opened in
// Excel is a formula, which turns into the number 919900000001 and, once
// saved, into 9.199E+11; as '+919900000001 it stays readable, and the
// importer strips the apostrophe from phone cells, so the file imports back
// as it went out.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// jsonlWriter writes one JSON object per line, fields in column order, with
// their JSON types (tags an array, dnc a boolean, a missing custom field
// null). JSON is no spreadsheet: nothing is escaped.
type jsonlWriter struct {
	buf  *bufio.Writer
	cols []column
	keys [][]byte
	line []byte
}

func newJSONLWriter(w io.Writer, cols []column) *jsonlWriter {
	j := &jsonlWriter{buf: bufio.NewWriterSize(w, 64<<10), cols: cols, keys: make([][]byte, len(cols)), line: make([]byte, 0, 1024)}
	for i, c := range cols {
		j.keys[i] = append(appendJSONString(nil, []byte(c.name)), ':')
	}
	return j
}

func (j *jsonlWriter) Row(r row) error {
	j.line = append(j.line[:0], '{')
	for i, col := range j.cols {
		if i > 0 {
			j.line = append(j.line, ',')
		}
		j.line = append(j.line, j.keys[i]...)
		var err error
		if j.line, err = col.appendJSON(j.line, r); err != nil {
			return fmt.Errorf("export %s: %w", col.name, err)
		}
	}
	j.line = append(j.line, '}', '\n')
	_, err := j.buf.Write(j.line)
	return err
}

func (j *jsonlWriter) Close() error { return j.buf.Flush() }

func (j *jsonlWriter) Abort() {}

// xlsxRowsPerSheet is Excel's limit of rows in a sheet, header included
// (a variable so that a test can roll sheets over without a million rows).
var xlsxRowsPerSheet = 1 << 20

// xlsxWriter streams rows into an XLSX workbook with excelize's
// StreamWriter, which keeps at most 16 MiB of a sheet in memory and spills
// the rest to a temporary file; Close zips the workbook into w. Every cell is
// a text cell, so nothing in it is ever run as a formula and phones keep
// their +. Past Excel's row limit the rows go on in a new sheet.
type xlsxWriter struct {
	w     io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	cols  []column
	row   int // rows written to the current sheet, header included
	sheet int
	cells []any
	text  []byte
}

func newXLSXWriter(w io.Writer, cols []column, tempDir string) (*xlsxWriter, error) {
	x := &xlsxWriter{w: w, f: excelize.NewFile(excelize.Options{TmpDir: tempDir}), cols: cols, cells: make([]any, len(cols))}
	if err := x.f.SetSheetName("Sheet1", "Contacts"); err != nil {
		x.f.Close()
		return nil, err
	}
	x.sheet = 1
	if err := x.startSheet("Contacts"); err != nil {
		x.f.Close()
		return nil, err
	}
	return x, nil
}

func (x *xlsxWriter) startSheet(name string) error {
	if x.sheet > 1 {
		if _, err := x.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	header := make([]any, len(x.cols))
	for i, c := range x.cols {
		header[i] = c.name
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	x.sw, x.row = sw, 1
	return nil
}

func (x *xlsxWriter) Row(r row) error {
	if x.row == xlsxRowsPerSheet {
		if err := x.sw.Flush(); err != nil {
			return err
		}
		x.sheet++
		if err := x.startSheet(fmt.Sprintf("Contacts %d", x.sheet)); err != nil {
			return err
		}
	}
	for i, col := range x.cols {
		var err error
		if x.text, err = col.appendText(x.text[:0], r); err != nil {
			return fmt.Errorf("export %s: %w", col.name, err)
		}
		x.cells[i] = string(x.text)
	}
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.cells)
}

func (x *xlsxWriter) Abort() { x.f.Close() }

func (x *xlsxWriter) Close() error {
	defer x.f.Close() // removes the temporary files
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}
