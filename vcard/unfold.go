package vcard

import "bytes"

// maxRaw caps a kept value as read, before decoding. Quoted-printable
// takes at most three bytes per byte it decodes to, so a value longer than
// this decodes to more than maxValue whatever it holds.
const maxRaw = 3*maxValue + 3

// prop is the property being read. Its value is decoded when the next
// property starts, because the lines up to then can still belong to it.
type prop struct {
	head
	line int
	raw  []byte // unfolded value, for kept kinds only
}

// readCard reads the properties of the card begun at r.card.line, up to
// its END:VCARD.
func (r *Reader) readCard() error {
	for {
		line := r.lr.line
		seg, complete, ok := r.lr.next()
		if !ok {
			return r.endErr(r.unended())
		}
		if complete && isBlank(seg) {
			continue // blank lines: between properties, after a 2.1 base64 block
		}
		if complete && bytes.IndexByte(seg, ':') < 0 {
			seg, complete = r.unfoldHead(seg)
		}
		h, isProp := parseHead(seg)
		if !isProp {
			if r.prop.kind == kindNone {
				return newError(CodeMalformed, line, "this line of a card is not a property (NAME:value); the file may be damaged: export it again")
			}
			// A line break written raw inside a value: Thunderbird writes
			// a bare CR in one, some exporters raw newlines in a NOTE, old
			// phones 2.1 base64 without indenting. It goes on the value.
			if err := r.prop.add(lineBreak); err != nil {
				return err
			}
			end, err := r.readValue(seg, complete)
			if err != nil || end {
				return r.finish(err)
			}
			continue
		}
		value := seg[h.colon+1:]
		switch h.kind {
		case kindEnd:
			if complete && isVCard(value) {
				return r.finish(nil)
			}
		case kindBegin:
			if complete && isVCard(value) {
				if r.prop.kind != kindAgent {
					return r.unended()
				}
				if err := r.skipAgent(); err != nil {
					return err
				}
				continue
			}
		}
		if err := r.finish(nil); err != nil {
			return err
		}
		r.prop = prop{head: h, line: line, raw: r.prop.raw[:0]}
		end, err := r.readValue(value, complete)
		if err != nil || end {
			return r.finish(err)
		}
	}
}

// unfoldHead joins the folded lines after seg, a whole line without a
// colon, until one holds a colon: folding may split a property anywhere,
// and Apple's long PHOTO parameters get split before the colon. It stops
// at chunkSize, past which no head is real, and returns the joined text
// and whether its last line was read whole.
func (r *Reader) unfoldHead(seg []byte) ([]byte, bool) {
	r.head = append(r.head[:0], seg...)
	complete, colon := true, false
	for complete && !colon && len(r.head) < chunkSize {
		if c, ok := r.lr.peek(); !ok || c != ' ' && c != '\t' {
			break
		}
		r.lr.skip()
		var ok bool
		if seg, complete, ok = r.lr.next(); !ok {
			break
		}
		r.head = append(r.head, seg...)
		colon = bytes.IndexByte(seg, ':') >= 0 // only the new part: no rescans
	}
	return r.head, complete
}

func isBlank(p []byte) bool {
	for _, c := range p {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func isVCard(v []byte) bool {
	return bytes.EqualFold(bytes.TrimSpace(v), []byte("VCARD"))
}

var lineBreak = []byte("\n")

func (r *Reader) unended() error {
	return newError(CodeMalformed, r.card.line, "this card has no END:VCARD; the file may have been cut short: export it again")
}

// readValue reads the value of r.prop from seg, the rest of its first
// line, through its continuation lines: folded lines (starting with a space
// or tab, which goes) and, in quoted-printable, lines after one that ends
// in a soft line break "=". end reports that the END:VCARD of the card was
// read instead of a continuation, after a soft break that was a last "=".
func (r *Reader) readValue(seg []byte, complete bool) (end bool, err error) {
	p := &r.prop
	for {
		var last byte // of the physical line
		for {
			if len(seg) > 0 {
				last = seg[len(seg)-1]
			}
			if err := p.add(seg); err != nil {
				return false, err
			}
			if complete {
				break
			}
			var ok bool
			if seg, complete, ok = r.lr.next(); !ok {
				return false, nil
			}
		}
		if p.qp && last == '=' {
			p.dropLast()
			var ok bool
			if seg, complete, ok = r.lr.next(); !ok {
				return false, nil
			}
			if complete && bytes.EqualFold(bytes.TrimSpace(seg), []byte("END:VCARD")) {
				return true, nil
			}
			continue
		}
		if c, ok := r.lr.peek(); !ok || c != ' ' && c != '\t' {
			return false, nil
		}
		r.lr.skip()
		var ok bool
		if seg, complete, ok = r.lr.next(); !ok {
			return false, nil
		}
	}
}

// add appends to a kept value; a skipped one (PHOTO and all the columns do
// not want) streams past whatever its size.
func (p *prop) add(seg []byte) error {
	if !p.kind.kept() {
		return nil
	}
	if len(p.raw)+len(seg) > maxRaw {
		if p.kind == kindLabel {
			p.kind = kindOther // no column; too long to say "mobile" anyway
			return nil
		}
		return valueTooLarge(p.line)
	}
	p.raw = append(p.raw, seg...)
	return nil
}

func (p *prop) dropLast() {
	if len(p.raw) > 0 {
		p.raw = p.raw[:len(p.raw)-1]
	}
}

// finish decodes the property read so far into the card, then returns err.
func (r *Reader) finish(err error) error {
	p := &r.prop
	if err != nil || !p.kind.kept() {
		return err
	}
	raw := p.raw
	if p.base64 {
		raw = decodeBase64(raw)
	}
	if p.qp {
		r.qp = decodeQP(r.qp[:0], raw)
		raw = r.qp
	}
	v := decodeText(raw, p.charset, r.repair)
	if len(v) > maxValue {
		return valueTooLarge(p.line)
	}
	kind := p.kind
	p.kind = kindOther // decoded once, even if finish runs again
	h := p.head
	h.kind = kind
	return r.card.add(&h, p.line, v)
}

// skipAgent skips a vCard nested in a 2.1 AGENT property, up to its
// END:VCARD, counting nested ones.
func (r *Reader) skipAgent() error {
	depth := 1
	for depth > 0 {
		seg, complete, ok := r.lr.next()
		if !ok {
			return r.endErr(r.unended())
		}
		if !complete {
			continue
		}
		t := bytes.TrimSpace(seg)
		switch {
		case bytes.EqualFold(t, beginVCard):
			depth++
		case bytes.EqualFold(t, []byte("END:VCARD")):
			depth--
		}
	}
	r.prop.kind = kindOther
	return nil
}

func valueTooLarge(line int) *Error {
	return newError(CodeCellTooLarge, line, "a value in this card is over 64 KiB; shorten it in the address book and export again")
}
