package vcard

import (
	"bytes"
	"io"
)

// chunkSize is the line buffer. A line longer than this (an unfolded base64
// PHOTO can be megabytes) is handed out in chunks of this size, so the
// buffer never grows.
const chunkSize = 64 << 10

// lineReader splits a stream into physical lines. A line ends at LF, CR LF,
// a bare CR (classic Mac OS) or CR CR LF (a CR LF file passed through a
// converter that turned each LF into CR LF once more).
type lineReader struct {
	r    io.Reader
	buf  []byte
	pos  int   // first unread byte
	end  int   // end of the buffered bytes
	eof  bool  // r has nothing more
	err  error // a read error other than io.EOF; reading stops at it
	line int   // number of the physical line that begins at pos
}

// newLineReader reads r, which holds at most max bytes when max is
// positive: then the buffer need be no larger (a small upload costs a small
// buffer), as no line can outgrow it.
func newLineReader(r io.Reader, max int) *lineReader {
	size := chunkSize
	if max > 0 && max+1 < size {
		size = max + 1
	}
	return &lineReader{r: r, buf: make([]byte, size), line: 1}
}

// fill moves the unread bytes to the front and reads more after them.
func (l *lineReader) fill() {
	if l.pos > 0 {
		l.end = copy(l.buf, l.buf[l.pos:l.end])
		l.pos = 0
	}
	// An io.Reader may return 0, nil; give up after many such reads, as
	// bufio does, rather than spin.
	for range 100 {
		if l.eof || l.err != nil || l.end == len(l.buf) {
			return
		}
		n, err := l.r.Read(l.buf[l.end:])
		l.end += n
		switch {
		case err == io.EOF:
			l.eof = true
		case err != nil:
			l.err = err
		}
		if n > 0 {
			return
		}
	}
	l.err = io.ErrNoProgress
}

// more reports whether fill could read anything.
func (l *lineReader) more() bool {
	return !l.eof && l.err == nil
}

// next returns the next piece of the current physical line: the rest of it
// when its end is in the buffer (complete), else as much as the buffer
// holds. ok is false at the end of the input or at a read error (l.err).
// seg is valid until the next call of next or peek.
func (l *lineReader) next() (seg []byte, complete, ok bool) {
	// checked bytes after pos are known to hold no line break: a reader
	// that returns little at a time (UTF-16 decoding gives 4 KiB) must not
	// make a long line scanned again on every read.
	checked := 0
	for {
		data := l.buf[l.pos:l.end]
		i := indexEOL(data[checked:])
		if i >= 0 {
			i += checked
		}
		if i >= 0 && data[i] == '\r' && len(data)-i < 3 && l.more() {
			// What follows the CR decides between CR, CR LF and CR CR LF.
			if l.pos == 0 && l.end == len(l.buf) {
				// The buffer is full: the line is at least a chunk long,
				// so hand over what comes before the CR first.
				l.pos += i
				return data[:i], false, true
			}
			checked = i
			l.fill()
			continue
		}
		if i >= 0 {
			n, lines := eolLen(data[i:])
			l.pos += i + n
			l.line += lines
			return data[:i], true, true
		}
		if !l.more() {
			if len(data) == 0 {
				return nil, false, false
			}
			l.pos = l.end
			return data, true, true // the last line has no line break
		}
		if l.pos == 0 && l.end == len(l.buf) {
			l.pos = l.end
			return data, false, true
		}
		checked = len(data)
		l.fill()
	}
}

// peek returns the first byte of the next line without reading it, to
// tell a folded continuation (it starts with a space or tab).
func (l *lineReader) peek() (byte, bool) {
	if l.pos == l.end {
		l.fill()
		if l.pos == l.end {
			return 0, false
		}
	}
	return l.buf[l.pos], true
}

// skip drops the byte peek returned.
func (l *lineReader) skip() { l.pos++ }

// indexEOL returns the index of the first CR or LF in p, or -1. Two
// IndexByte calls beat one IndexAny: both run as vector code.
func indexEOL(p []byte) int {
	i := bytes.IndexByte(p, '\n')
	head := p
	if i >= 0 {
		head = p[:i]
	}
	if j := bytes.IndexByte(head, '\r'); j >= 0 {
		return j
	}
	return i
}

// eolLen returns how many bytes the line break at the start of p takes,
// and how many lines it ends as an editor counts them: CR CR LF shows as
// two (the CR, then the CR LF), and Line numbers should match what the
// operator sees when opening the file.
func eolLen(p []byte) (n, lines int) {
	switch {
	case p[0] == '\n':
		return 1, 1
	case len(p) >= 2 && p[1] == '\n':
		return 2, 1
	case len(p) >= 3 && p[1] == '\r' && p[2] == '\n':
		return 3, 2
	}
	return 1, 1
}
