package vcard

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Reader reads the cards of one vCard file as rows. It holds one card and
// one line buffer, whatever the size of the file.
type Reader struct {
	lr       *lineReader
	encoding string
	repair   bool  // the file is UTF-8: stray bytes are read one by one
	err      error // sticky: once reading failed, it fails the same way
	begin    int   // line of the BEGIN:VCARD found and not yet read from

	card card
	prop prop   // the property being read
	qp   []byte // scratch for decoding quoted-printable
	head []byte // scratch for a property name and parameters split by folding
}

// Open reads r, which must hold a vCard file (see Sniff), and finds its
// first card. The start of the file (up to a megabyte) tells its
// encoding; after that cards are read one at a time as Next is called, so
// a file of any size is read in constant memory.
//
// Returns an *Error coded empty_file (no bytes, or only whitespace and
// byte-order marks) or malformed_vcard (the file does not start with
// BEGIN:VCARD). Errors reading r are returned wrapped, not as *Error.
func Open(r io.Reader) (*Reader, error) {
	// ReadAll grows its buffer as it goes: a small file costs little.
	head, err := io.ReadAll(io.LimitReader(r, sniffSize))
	if err != nil {
		return nil, fmt.Errorf("vcard: reading the start of the file: %w", err)
	}
	enc, bom := detectEncoding(head)
	var src io.Reader = io.MultiReader(bytes.NewReader(head[bom:]), r)
	switch enc {
	case encUTF16LE:
		src = transform.NewReader(src, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	case encUTF16BE:
		src = transform.NewReader(src, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder())
	}
	max := 0 // unknown
	if len(head) < sniffSize {
		// The whole file; UTF-16 takes up to 3 bytes a character as UTF-8.
		max = len(head)*3/2 + 4
	}
	rd := &Reader{
		lr:       newLineReader(src, max),
		encoding: enc,
		repair:   enc != encWindows1252,
	}
	begin, err := rd.findBegin()
	switch {
	case err == io.EOF:
		return nil, newError(CodeEmptyFile, 0, "the file is empty; export the contacts again")
	case err != nil:
		var e *Error
		if errors.As(err, &e) {
			e.Message = "the file does not start with BEGIN:VCARD, so it is not a vCard file; export the contacts as vCard (.vcf) or CSV"
		}
		return nil, err
	}
	rd.begin = begin
	return rd, nil
}

// Encoding returns how the file's bytes are read: "utf-8", "utf-8-bom",
// "utf-16le", "utf-16be" or "windows-1252". A CHARSET parameter overrides
// it for one value, and a value that is valid UTF-8 is read as UTF-8 in any
// file (see decodeText).
func (r *Reader) Encoding() string { return r.encoding }

// Next returns the next card as a row: line is the physical line of its
// BEGIN:VCARD (1-based, counting each CR, LF or CR LF as an editor does),
// fields has one value per Headers entry and is the caller's to keep. A
// card with nothing in it is returned too: the importer reports it. Next
// returns io.EOF after the last card.
//
// Returns an *Error coded malformed_vcard or cell_too_large, with Line
// set. Any error ends the reading: later calls return it again.
func (r *Reader) Next() (line int, fields []string, err error) {
	if r.err != nil {
		return 0, nil, r.err
	}
	line, fields, err = r.next()
	if err != nil {
		r.err = err
		return 0, nil, err
	}
	return line, fields, nil
}

func (r *Reader) next() (int, []string, error) {
	if r.begin == 0 {
		begin, err := r.findBegin()
		if err != nil {
			return 0, nil, err
		}
		r.begin = begin
	}
	r.card.reset(r.begin)
	r.prop = prop{}
	r.begin = 0
	if err := r.readCard(); err != nil {
		return 0, nil, err
	}
	fields, err := r.card.row()
	return r.card.line, fields, err
}

// findBegin skips to the next BEGIN:VCARD and returns its line. Between
// cards only blank lines may stand; a BOM or Ctrl-Z there is taken as
// blank, since files joined with cat or Windows' copy carry them.
func (r *Reader) findBegin() (int, error) {
	for {
		line := r.lr.line
		seg, complete, ok := r.lr.next()
		if !ok {
			return 0, r.endErr(io.EOF)
		}
		t := bytes.Trim(seg, " \t\x00\x1a\ufeff")
		switch {
		case len(t) == 0:
			continue
		case complete && bytes.EqualFold(t, beginVCard):
			return line, nil
		case len(t) >= 9 && bytes.EqualFold(t[:9], []byte("END:VCARD")):
			return 0, newError(CodeMalformed, line, "END:VCARD without a BEGIN:VCARD before it; the file may have been cut or pasted together: export it again")
		}
		return 0, newError(CodeMalformed, line, "text outside a card: every card must start with BEGIN:VCARD and end with END:VCARD; the file may have been cut or pasted together: export it again")
	}
}

// endErr returns err, or the read error that ended the input.
func (r *Reader) endErr(err error) error {
	if r.lr.err != nil {
		return fmt.Errorf("vcard: reading the file: %w", r.lr.err)
	}
	return err
}
