package tabfile

import (
	"errors"
	"io"
	"strconv"
)

// scanner splits UTF-8 (or single-byte) text into CSV records, RFC 4180
// with the leniencies real exports need. It is ours rather than
// encoding/csv because that reader neither ends lines on a bare CR (old Mac
// exports, and Thunderbird writes bare CRs inside cells) nor keeps a count
// of physical lines that survives them, and the import must name the line a
// person can find in their editor.
//
// Rules:
//   - A record ends at LF, CR LF or a bare CR outside quotes, or at the end
//     of the input (a final line needs no newline). Each of those line
//     breaks, inside quotes or not, counts as one physical line.
//   - A field that starts with a quote runs to the next lone quote; a
//     doubled quote inside it is one literal quote. Line breaks inside it
//     are kept as they are.
//   - A quote anywhere else is an ordinary character (encoding/csv's
//     LazyQuotes). So is a quote that closes a quoted field but is followed
//     by more text before the delimiter: `"ab"c` reads as `ab"c`. Going on
//     as unquoted text, rather than staying inside the quotes as LazyQuotes
//     does, keeps one stray quote from swallowing the rows after it.
//   - A NUL byte is an error: text exports never hold one, and a file that
//     does is damaged or not text at all.
//
// A record's fields are left in record, back to back, with ends[i] the end
// of field i; the caller turns them into strings in one allocation.
type scanner struct {
	src    io.Reader
	srcErr error // first error from src; io.EOF at the end
	buf    []byte
	pos    int // next unread byte in buf
	end    int // end of valid bytes in buf

	line    int // physical line of buf[pos]
	delim   byte
	maxCell int
	maxCols int

	// stopUnquoted and stopQuoted mark the bytes where a run of plain
	// field text ends, so the inner loops test one table entry per byte.
	stopUnquoted [256]bool
	stopQuoted   [256]bool

	record []byte
	ends   []int

	// strays counts quotes closed early (text after the closing quote),
	// which is what quoted cells look like when split on the wrong
	// delimiter; sniffDelimiter uses it.
	strays int
}

const scanBufSize = 64 << 10

func newScanner(src io.Reader, delim byte, maxCell, maxCols int) *scanner {
	return newScannerSize(src, scanBufSize, delim, maxCell, maxCols)
}

// newScannerSize is newScanner with a read buffer of bufSize bytes, for
// inputs known to be small.
func newScannerSize(src io.Reader, bufSize int, delim byte, maxCell, maxCols int) *scanner {
	s := &scanner{
		src:     src,
		buf:     make([]byte, max(bufSize, 1)),
		line:    1,
		delim:   delim,
		maxCell: maxCell,
		maxCols: maxCols,
	}
	for _, b := range []byte{delim, '\r', '\n', 0} {
		s.stopUnquoted[b] = true
	}
	for _, b := range []byte{'"', '\r', '\n', 0} {
		s.stopQuoted[b] = true
	}
	return s
}

// fill makes sure buf[pos] is a byte to read, reading more from src when
// everything buffered is consumed. It reports false at the end of input or
// on a read error (kept in srcErr).
func (s *scanner) fill() bool {
	if s.pos < s.end {
		return true
	}
	// Every byte before pos was already copied into record, so the buffer
	// can be reused from the start.
	s.pos, s.end = 0, 0
	for tries := 0; s.srcErr == nil && tries < 100; tries++ {
		n, err := s.src.Read(s.buf)
		s.end = n
		if err != nil {
			s.srcErr = err
		}
		if n > 0 {
			return true
		}
	}
	if s.srcErr == nil {
		s.srcErr = io.ErrNoProgress
	}
	return false
}

// endErr is what reaching the end of input means: nil for a clean end,
// otherwise the read error.
func (s *scanner) endErr() error {
	if errors.Is(s.srcErr, io.EOF) {
		return nil
	}
	return s.srcErr
}

// readRecord reads the next record into record and ends and returns the
// line it starts on. At the end of input it returns io.EOF. Errors are
// *Error for bad content; a read error from src is returned as it is.
func (s *scanner) readRecord() (line int, err error) {
	s.record = s.record[:0]
	s.ends = s.ends[:0]
	if !s.fill() {
		if err := s.endErr(); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	line = s.line
	for {
		cellLine := s.line
		start := len(s.record)
		var last bool
		switch {
		case !s.fill():
			// The input ended right after a delimiter: a last, empty field.
			if err := s.endErr(); err != nil {
				return line, err
			}
			last = true
		case s.buf[s.pos] == '"':
			s.pos++
			last, err = s.quoted(cellLine, start)
		default:
			last, err = s.unquoted(cellLine, start)
		}
		if err != nil {
			return line, err
		}
		s.ends = append(s.ends, len(s.record))
		if len(s.ends) > s.maxCols {
			return line, newError(CodeTooManyColumns, line,
				"this row has more than "+strconv.Itoa(s.maxCols)+" columns; remove the empty or unused columns, or split the file")
		}
		if last {
			return line, nil
		}
	}
}

// unquoted reads the rest of a field not in quotes. It reports whether the
// field ended its record.
func (s *scanner) unquoted(cellLine, start int) (last bool, err error) {
	for {
		if !s.fill() {
			return true, s.endErr()
		}
		buf := s.buf[s.pos:s.end]
		i := 0
		for i < len(buf) && !s.stopUnquoted[buf[i]] {
			i++
		}
		s.record = append(s.record, buf[:i]...)
		s.pos += i
		if len(s.record)-start > s.maxCell {
			return false, s.cellTooLarge(cellLine, false)
		}
		if i == len(buf) {
			continue
		}
		switch buf[i] {
		case s.delim:
			s.pos++
			return false, nil
		case '\n':
			s.pos++
			s.line++
			return true, nil
		case '\r':
			s.pos++
			s.line++
			if s.fill() && s.buf[s.pos] == '\n' {
				s.pos++
			}
			return true, nil
		default: // NUL
			return false, s.nulByte()
		}
	}
}

// quoted reads a quoted field after its opening quote. It reports whether
// the field ended its record.
func (s *scanner) quoted(cellLine, start int) (last bool, err error) {
	for {
		if !s.fill() {
			if err := s.endErr(); err != nil {
				return false, err
			}
			return false, newError(CodeMalformedCSV, cellLine,
				"a quote opened on this line never closes; add the closing quote (\") or remove the opening one")
		}
		buf := s.buf[s.pos:s.end]
		i := 0
		for i < len(buf) && !s.stopQuoted[buf[i]] {
			i++
		}
		s.record = append(s.record, buf[:i]...)
		s.pos += i
		if len(s.record)-start > s.maxCell {
			return false, s.cellTooLarge(cellLine, true)
		}
		if i == len(buf) {
			continue
		}
		switch buf[i] {
		case '"':
			s.pos++
			if !s.fill() {
				return true, s.endErr()
			}
			switch c := s.buf[s.pos]; c {
			case '"': // "" is one literal quote
				s.record = append(s.record, '"')
				s.pos++
			case s.delim:
				s.pos++
				return false, nil
			case '\n':
				s.pos++
				s.line++
				return true, nil
			case '\r':
				s.pos++
				s.line++
				if s.fill() && s.buf[s.pos] == '\n' {
					s.pos++
				}
				return true, nil
			default: // text after the closing quote: see the type comment
				s.strays++
				s.record = append(s.record, '"')
				return s.unquoted(cellLine, start)
			}
		case '\n':
			s.record = append(s.record, '\n')
			s.pos++
			s.line++
		case '\r':
			s.record = append(s.record, '\r')
			s.pos++
			s.line++
			if s.fill() && s.buf[s.pos] == '\n' {
				s.record = append(s.record, '\n')
				s.pos++
			}
		default: // NUL
			return false, s.nulByte()
		}
	}
}

func (s *scanner) cellTooLarge(cellLine int, quoted bool) *Error {
	msg := "a cell starting on this line is over " + strconv.Itoa(s.maxCell) + " bytes"
	if quoted {
		msg += "; most likely its opening quote (\") never closes, so add the closing quote"
	} else {
		msg += "; shorten it"
	}
	return newError(CodeCellTooLarge, cellLine, msg)
}

func (s *scanner) nulByte() *Error {
	return newError(CodeBinaryFile, s.line,
		"this line holds NUL bytes, so the file is damaged or not a text file; export it again as CSV")
}
