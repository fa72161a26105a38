package tabfile

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxSource reads the rows of a workbook's first sheet with excelize's
// streaming Rows iterator: the sheet's XML is decoded as it is read (and
// excelize unpacks a sheet over 16 MB to a temporary file rather than to
// memory). Values are as Excel shows them, number formats applied, since
// that is what the operator saw when they checked the file; a phone number
// kept as a plain number comes out in full (919900000001), one formatted
// as scientific comes out as shown (9.20E+11).
type xlsxSource struct {
	wb      *excelize.File
	rows    *excelize.Rows
	row     int // sheet row number of the last row read
	maxCell int
	maxCols int
}

// openXLSX opens the workbook r and its first sheet, whose name it returns.
// The ZIP directory is checked first, so a ZIP bomb or a ZIP that is no
// workbook is refused before anything is unpacked.
func openXLSX(r io.ReaderAt, size int64, opts Options) (_ *xlsxSource, _ string, err error) {
	defer recoverXLSX(0, &err)
	if err := checkZip(r, size, opts.MaxXLSXBytes); err != nil {
		return nil, "", err
	}
	xo := excelize.Options{
		UnzipSizeLimit:    opts.MaxXLSXBytes,
		UnzipXMLSizeLimit: min(opts.MaxXLSXBytes, excelize.StreamChunkSize),
	}
	wb, err := openWorkbook(r, size, xo)
	if err != nil {
		return nil, "", xlsxInvalid(0, err)
	}
	for _, sheet := range wb.GetSheetList() {
		rows, err := wb.Rows(sheet)
		if err != nil {
			continue // a chart sheet, or a sheet part missing: try the next
		}
		return &xlsxSource{wb: wb, rows: rows, maxCell: opts.MaxCellBytes, maxCols: opts.MaxColumns}, sheet, nil
	}
	_ = wb.Close()
	return nil, "", newError(CodeXLSXInvalid, 0, "the workbook has no worksheet to read; open it in Excel, check that it has a sheet with contacts, and save it again")
}

// openWorkbook opens r with excelize. excelize reads a workbook given as an
// io.Reader wholly into memory, but one given by file name from disk, so a
// file on disk is opened again by name when that name is still the same
// file.
func openWorkbook(r io.ReaderAt, size int64, xo excelize.Options) (*excelize.File, error) {
	if f, ok := r.(*os.File); ok {
		open, err1 := f.Stat()
		named, err2 := os.Stat(f.Name())
		if err1 == nil && err2 == nil && os.SameFile(open, named) {
			return excelize.OpenFile(f.Name(), xo)
		}
	}
	return excelize.OpenReader(io.NewSectionReader(r, 0, size), xo)
}

// Limits on a workbook's ZIP directory, so that a ZIP bomb is refused
// before anything is unpacked. Real workbooks are far inside them: Excel
// and excelize write a few dozen parts, and sheet XML deflates about 10:1
// (20:1 for a sheet of one repeated value), where a bomb needs ~1000:1.
const (
	maxZipParts = 1000
	// maxZipRatio is the most a part over minRatioBytes may inflate by.
	maxZipRatio   = 100
	minRatioBytes = 1 << 20
	// maxInMemory caps the parts excelize unpacks into memory: all but
	// sheets and shared strings over its stream limit, which it unpacks to
	// temporary files.
	maxInMemory = 128 << 20
)

// checkZip reads the ZIP directory of r and refuses what is not a
// workbook, and a workbook that would unpack to more than limit bytes, to
// more than maxInMemory bytes held in memory, or that has too many parts or
// a part that inflates like a bomb. The sizes are those the directory
// declares; archive/zip stops reading any entry that inflates past its
// declared size, so they cannot lie.
func checkZip(r io.ReaderAt, size, limit int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return xlsxInvalid(0, err)
	}
	if len(zr.File) > maxZipParts {
		return newError(CodeXLSXInvalid, 0, fmt.Sprintf("the workbook has %d parts, more than %d; save the contacts sheet as CSV (UTF-8), or as a new .xlsx without images and extra sheets", len(zr.File), maxZipParts))
	}
	var total, inMemory uint64
	var bomb *zip.File
	var workbook, xlsb, odf, mimetype bool
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if bomb == nil && f.UncompressedSize64 > minRatioBytes && f.UncompressedSize64 > maxZipRatio*f.CompressedSize64 {
			bomb = f
		}
		name := strings.ToLower(f.Name)
		streamed := (strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml") && f.UncompressedSize64 > excelize.StreamChunkSize
		if !streamed {
			inMemory += f.UncompressedSize64
		}
		switch {
		case strings.HasSuffix(name, "workbook.xml"):
			workbook = true
		case strings.HasSuffix(name, "workbook.bin"):
			xlsb = true
		case name == "content.xml":
			odf = true
		case name == "mimetype":
			mimetype = true
		}
	}
	switch {
	case workbook:
	case xlsb:
		return newError(CodeBinaryFile, 0, "this is an Excel binary workbook (.xlsb); open it in Excel and save it as .xlsx or CSV (UTF-8)")
	case odf && mimetype:
		return newError(CodeBinaryFile, 0, "this is an OpenDocument file (.ods); save it as .xlsx or CSV (UTF-8)")
	default:
		return newError(CodeBinaryFile, 0, "this is a ZIP archive, not an Excel workbook; unpack it and upload the CSV or xlsx inside")
	}
	if total > uint64(limit) {
		return newError(CodeXLSXInvalid, 0, "the workbook unpacks to more than "+humanBytes(limit)+
			"; delete unused sheets, images and formatting, or save the contacts sheet as CSV (UTF-8)")
	}
	if bomb != nil {
		return newError(CodeXLSXInvalid, 0, fmt.Sprintf("the workbook part %q unpacks %d times larger than it is stored, as a ZIP bomb does; save the contacts sheet again as .xlsx or CSV (UTF-8)",
			truncateName(bomb.Name), bomb.UncompressedSize64/max(bomb.CompressedSize64, 1)))
	}
	if inMemory > maxInMemory {
		return newError(CodeXLSXInvalid, 0, "the workbook's images, styles and small sheets unpack in memory to more than "+humanBytes(maxInMemory)+
			"; delete images and unused sheets, or save the contacts sheet as CSV (UTF-8)")
	}
	return nil
}

func truncateName(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// next returns the next sheet row, with trailing empty cells dropped (a
// sheet does not keep them, so a short row means nothing there).
func (x *xlsxSource) next() (line int, fields []string, recoded bool, err error) {
	defer recoverXLSX(x.row, &err)
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return x.row + 1, nil, false, xlsxInvalid(x.row+1, err)
		}
		return 0, nil, false, io.EOF
	}
	x.row++
	cols, err := x.rows.Columns()
	if err != nil {
		return x.row, nil, false, xlsxInvalid(x.row, err)
	}
	for len(cols) > 0 && cols[len(cols)-1] == "" {
		cols = cols[:len(cols)-1]
	}
	if len(cols) > x.maxCols {
		return x.row, nil, false, newError(CodeTooManyColumns, x.row,
			"this row has cells beyond column "+strconv.Itoa(x.maxCols)+"; delete the columns you do not need, or split the sheet")
	}
	for _, c := range cols {
		if len(c) > x.maxCell {
			return x.row, nil, false, newError(CodeCellTooLarge, x.row,
				"a cell in this row is over "+strconv.Itoa(x.maxCell)+" bytes; shorten it")
		}
	}
	return x.row, cols, false, nil
}

func (x *xlsxSource) close() error {
	return errors.Join(x.rows.Close(), x.wb.Close())
}

// recoverXLSX turns a panic in excelize into xlsx_invalid. excelize parses
// whatever an operator uploads, and a parser bug on one odd workbook must
// fail that import, not take the server down with it.
func recoverXLSX(line int, err *error) {
	if p := recover(); p != nil {
		*err = xlsxInvalid(line, fmt.Errorf("excelize panicked: %v", p))
	}
}

// xlsxInvalid reports a workbook excelize or archive/zip could not read.
// Their messages are technical but name no cell contents, so they are kept
// as a hint for support.
func xlsxInvalid(line int, err error) *Error {
	return newError(CodeXLSXInvalid, line,
		"the workbook cannot be read ("+err.Error()+"); open it in Excel and save it again as .xlsx, or as CSV (UTF-8)")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
