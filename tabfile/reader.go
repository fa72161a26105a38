package tabfile

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/contactd/contactd/vcard"
)

// Format is how a file stores its table.
type Format string

const (
	FormatCSV  Format = "csv" // delimited text, whatever the delimiter
	FormatXLSX Format = "xlsx"
)

// Info is what sniffing found; the import preview shows it to the operator,
// who can tell at a glance when a file was read wrongly.
type Info struct {
	Format Format
	// Encoding is "utf-8", "utf-8-bom", "utf-16le", "utf-16be" or
	// "windows-1252"; "" for xlsx.
	Encoding string
	// Delimiter is ",", ";", "\t" or "|", or what an Excel "sep=" line
	// names; "" for xlsx. A single-column file reports ",".
	Delimiter string
	// Sheet is the name of the sheet read from an xlsx: the first one.
	Sheet string
	// HeaderLine is the line (sheet row) of the header: the first line
	// that is not blank, after any "sep=" line.
	HeaderLine int
	// Headers are the header cells cleaned for display: trimmed of spaces
	// (non-breaking ones too) and BOM remnants, inner whitespace made one
	// space, an empty one named "Column N" (N from 1), and a repeated one
	// numbered by position ("Phone", "Phone (2)", "Phone (3)"). They are
	// unique by HeaderKey and as many as the header row's cells.
	Headers []string
	// RawHeaders are the header cells as in the file (decoded).
	RawHeaders []string
}

// Row is one record of the file.
type Row struct {
	// Line is the physical line the row starts on, counting every line
	// break (LF, CR LF or CR) including those inside quoted cells, so it
	// is the line an editor shows. For xlsx it is the sheet row number.
	Line int
	// Fields has exactly one value per header, "" where the row is short.
	Fields []string
	// Extra holds the fields past the last header. Trailing empty ones are
	// common (a stray delimiter at the end of a line); the importer fails
	// the row with column_count_mismatch when any of them is not empty.
	Extra []string
	// Short reports that the row had fewer fields than the header. Never
	// set for xlsx, where a sheet does not keep trailing empty cells.
	Short bool
	// Recoded reports that the file was read as UTF-8 but this row held
	// bytes that are not (past the first megabyte, which sniffing saw).
	// Each such byte was read as Windows-1252 and the UTF-8 around it kept,
	// so "Zo\xEB" reads "Zoë"; the importer may warn that accents in the
	// row are a guess.
	Recoded bool
}

// source yields a file's records. fields is valid until the next call.
type source interface {
	next() (line int, fields []string, recoded bool, err error)
	close() error
}

// Reader reads the rows of one file, after its header.
type Reader struct {
	info Info
	src  source
	err  error // sticky: once reading failed, it fails the same way
}

// sniffRead reads the first sniffSize bytes of r.
func sniffRead(r io.ReaderAt, size int64) ([]byte, error) {
	head := make([]byte, min(size, sniffSize))
	n, err := r.ReadAt(head, 0)
	if n < len(head) && err != nil {
		return nil, fmt.Errorf("tabfile: reading the start of the file: %w", err)
	}
	return head[:n], nil
}

// Open reads the start of r, a file of the given size, to tell its format,
// encoding and delimiter, and reads its header: the first line that is not
// blank. The format is told by content, never by file name. An *os.File
// is an io.ReaderAt: pass it with its Stat().Size(). r must stay open, and
// unchanged, until Close; the caller closes it after that.
//
// Returns an *Error coded empty_file (no bytes, or only whitespace, BOMs
// and empty cells), binary_file (NUL bytes, or a binary format that is not
// xlsx), xlsx_invalid (a damaged workbook, or one that unpacks to more
// than Options.MaxXLSXBytes), or for the header line malformed_csv,
// cell_too_large or too_many_columns. A file with a header and no rows is
// not an error: Next returns io.EOF at once. Errors reading r are returned
// wrapped, not as *Error.
func Open(r io.ReaderAt, size int64, opts Options) (*Reader, error) {
	if size < 0 {
		return nil, fmt.Errorf("tabfile: file size %d is negative", size)
	}
	opts = opts.withDefaults()
	head, err := sniffRead(r, size)
	if err != nil {
		return nil, err
	}
	if vcard.Sniff(head) {
		src, enc, err := openVCard(r, size)
		if err != nil {
			return nil, err
		}
		rd := &Reader{info: Info{Format: FormatVCard, Encoding: enc}, src: src}
		if err := rd.readHeader(); err != nil {
			return nil, err
		}
		return rd, nil
	}
	sn, err := sniff(head, size)
	if err != nil {
		return nil, err
	}
	rd := &Reader{info: Info{Format: sn.format}}
	switch sn.format {
	case FormatXLSX:
		x, sheet, err := openXLSX(r, size, opts)
		if err != nil {
			return nil, err
		}
		rd.src, rd.info.Sheet = x, sheet
	default:
		t, delim, err := openText(r, size, sn, opts)
		if err != nil {
			return nil, err
		}
		rd.src, rd.info.Encoding, rd.info.Delimiter = t, sn.encoding, delim
	}
	if err := rd.readHeader(); err != nil {
		_ = rd.src.close()
		return nil, err
	}
	return rd, nil
}

func (r *Reader) readHeader() error {
	for {
		line, fields, _, err := r.src.next()
		if err == io.EOF {
			if r.info.Format == FormatXLSX {
				return newError(CodeEmptyFile, 0, "the sheet "+strconv.Quote(r.info.Sheet)+
					" has no filled cells; put the contacts on the first sheet, with the header row first")
			}
			return errEmpty()
		}
		if err != nil {
			return err
		}
		if blank(fields) {
			continue
		}
		r.info.HeaderLine = line
		r.info.RawHeaders = append([]string(nil), fields...)
		r.info.Headers = cleanHeaders(r.info.RawHeaders)
		return nil
	}
}

// Info returns what Open found. The slices are shared: do not change them.
func (r *Reader) Info() Info { return r.info }

// Next returns the next row that is not blank (a row is blank when every
// field is empty or whitespace), or io.EOF after the last. Row.Fields and
// Row.Extra are the caller's to keep.
//
// Returns an *Error coded malformed_csv, cell_too_large, too_many_columns,
// binary_file (a NUL byte) or xlsx_invalid, with Line set. Any error ends
// the reading: later calls return it again.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	for {
		line, fields, recoded, err := r.src.next()
		if err != nil {
			r.err = err
			return Row{}, err
		}
		if blank(fields) {
			continue
		}
		return r.row(line, fields, recoded), nil
	}
}

// row copies fields into a Row of exactly one field per header, both
// slices carved from one allocation.
func (r *Reader) row(line int, fields []string, recoded bool) Row {
	n := len(r.info.Headers)
	all := make([]string, max(n, len(fields)))
	copy(all, fields)
	row := Row{Line: line, Fields: all[:n:n], Recoded: recoded}
	if len(fields) > n {
		row.Extra = all[n:]
	}
	if len(fields) < n && r.info.Format == FormatCSV {
		row.Short = true
	}
	return row
}

// Close releases what reading holds (excelize's temporary files for a
// large sheet). It does not close the file given to Open.
func (r *Reader) Close() error {
	return r.src.close()
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// OpenFile opens f, a file on disk, with its size: what callers that hold
// an *os.File need.
func OpenFile(f *os.File, opts Options) (*Reader, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return Open(f, st.Size(), opts)
}
