package exporter

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
	Row(c *contactd.Contact) error
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
// read UTF-8).
type csvWriter struct {
	buf   *bufio.Writer
	csv   *csv.Writer
	cols  []column
	cells []string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func newCSVWriter(w io.Writer, cols []column, bom bool) (*csvWriter, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	if bom {
		if _, err := buf.Write(utf8BOM); err != nil {
			return nil, err
		}
	}
	cw := csv.NewWriter(buf)
	cw.UseCRLF = true
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &csvWriter{buf: buf, csv: cw, cols: cols, cells: make([]string, len(cols))}, nil
}

func (w *csvWriter) Row(c *contactd.Contact) error {
	for i, col := range w.cols {
		w.cells[i] = Neutralise(col.text(c))
	}
	return w.csv.Write(w.cells)
}

func (w *csvWriter) Abort() {}

func (w *csvWriter) Close() error {
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		return err
	}
	return w.buf.Flush()
}

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
	line bytes.Buffer
	enc  *json.Encoder
}

func newJSONLWriter(w io.Writer, cols []column) *jsonlWriter {
	j := &jsonlWriter{buf: bufio.NewWriterSize(w, 64<<10), cols: cols, keys: make([][]byte, len(cols))}
	for i, c := range cols {
		k, _ := json.Marshal(c.name)
		j.keys[i] = append(k, ':')
	}
	j.enc = json.NewEncoder(&j.line)
	j.enc.SetEscapeHTML(false)
	return j
}

func (j *jsonlWriter) Row(c *contactd.Contact) error {
	j.line.Reset()
	j.line.WriteByte('{')
	for i, col := range j.cols {
		if i > 0 {
			j.line.WriteByte(',')
		}
		j.line.Write(j.keys[i])
		if err := j.enc.Encode(col.value(c)); err != nil {
			return fmt.Errorf("encode %s of contact %d: %w", col.name, c.ID, err)
		}
		j.line.Truncate(j.line.Len() - 1) // the Encoder's newline
	}
	j.line.WriteString("}\n")
	_, err := j.buf.Write(j.line.Bytes())
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

func (x *xlsxWriter) Row(c *contactd.Contact) error {
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
		x.cells[i] = col.text(c)
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
