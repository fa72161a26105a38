package tabfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sampleSize is how much decoded text votes on the delimiter.
const sampleSize = 64 << 10

// textSource reads the records of a delimited text file as UTF-8 fields.
type textSource struct {
	sc       *scanner
	encoding string
	fields   []string // reused: valid until the next call of next
	scratch  []byte   // recoded record
	ends     []int    // field ends in scratch
}

// openText prepares to read the text file r of the given size: it decodes
// UTF-16 on the fly (UTF-8 and Windows-1252 are split as bytes and decoded
// per record, which is faster and lets a stray byte be repaired in place),
// then settles the delimiter from an Excel "sep=" line or from a sample.
func openText(r io.ReaderAt, size int64, sn sniffed, opts Options) (*textSource, string, error) {
	var src io.Reader = io.NewSectionReader(r, int64(sn.bomLen), size-int64(sn.bomLen))
	switch sn.encoding {
	case encUTF16LE:
		src = transform.NewReader(src, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	case encUTF16BE:
		src = transform.NewReader(src, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder())
	}
	br := bufio.NewReaderSize(src, sampleSize)
	sample, err := br.Peek(sampleSize)
	whole := false
	switch {
	case errors.Is(err, io.EOF):
		whole = true
	case err != nil:
		return nil, "", fmt.Errorf("tabfile: reading the start of the file: %w", err)
	}

	delim, sep := sepLine(sample)
	if !sep {
		delim = sniffDelimiter(sample, whole)
	}
	t := &textSource{
		sc:       newScanner(br, delim, opts.MaxCellBytes, opts.MaxColumns),
		encoding: sn.encoding,
	}
	if sep {
		// Skipped, yet it is line 1: the header is then on line 2.
		if _, err := t.sc.readRecord(); err != nil && err != io.EOF {
			return nil, "", wrapRead(err)
		}
	}
	return t, string(delim), nil
}

// next returns the next record and the line it starts on. The fields are
// substrings of one string per record and the slice is reused, so a
// record costs two allocations however many fields it has. recoded
// reports that a file read as UTF-8 had bytes in this record that were not,
// and they were read as Windows-1252.
func (t *textSource) next() (line int, fields []string, recoded bool, err error) {
	line, err = t.sc.readRecord()
	if err != nil {
		return line, nil, false, wrapRead(err)
	}
	rec, ends := t.sc.record, t.sc.ends
	switch t.encoding {
	case encWindows1252:
		if !isASCII(rec) {
			rec, ends = t.recode(rec, ends, appendWindows1252)
		}
	default: // UTF-8, or UTF-16 already decoded to it
		if !utf8.Valid(rec) {
			rec, ends = t.recode(rec, ends, appendRepairedUTF8)
			recoded = true
		}
	}
	s := string(rec)
	t.fields = t.fields[:0]
	prev := 0
	for _, e := range ends {
		t.fields = append(t.fields, s[prev:e])
		prev = e
	}
	return line, t.fields, recoded, nil
}

// recode decodes each field of rec with decode, keeping fields apart.
func (t *textSource) recode(rec []byte, ends []int, decode func(dst, p []byte) []byte) ([]byte, []int) {
	t.scratch, t.ends = t.scratch[:0], t.ends[:0]
	prev := 0
	for _, e := range ends {
		t.scratch = decode(t.scratch, rec[prev:e])
		t.ends = append(t.ends, len(t.scratch))
		prev = e
	}
	return t.scratch, t.ends
}

func (t *textSource) close() error { return nil }

// wrapRead passes io.EOF and *Error through and names the file in a read
// error, which is the server's problem rather than the operator's.
func wrapRead(err error) error {
	var e *Error
	if err == io.EOF || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("tabfile: reading the file: %w", err)
}
