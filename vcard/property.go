package vcard

import (
	"bytes"
	"strconv"
)

// kind is what a property is to the row. Everything the row has no column
// for is other, and its value is skipped unread.
type kind uint8

const (
	kindNone kind = iota // no property yet in the card
	kindOther
	kindBegin
	kindEnd
	kindAgent // a 2.1 AGENT may hold a whole vCard on the lines after it
	kindFN
	kindN
	kindNickname
	kindOrg
	kindTitle
	kindTel
	kindEmail
	kindAdr
	kindCategories
	kindNote
	kindBday
	kindURL
	kindLabel // X-ABLabel: Apple's and Google's label for an item group
)

// kindOf returns the kind of a property name, in any case.
func kindOf(name []byte) kind {
	var up [len("CATEGORIES")]byte // the longest name known
	if len(name) > len(up) {
		return kindOther
	}
	for i, c := range name {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	switch string(up[:len(name)]) { // no allocation: the compiler sees through it
	case "BEGIN":
		return kindBegin
	case "END":
		return kindEnd
	case "AGENT":
		return kindAgent
	case "FN":
		return kindFN
	case "N":
		return kindN
	case "NICKNAME":
		return kindNickname
	case "ORG":
		return kindOrg
	case "TITLE":
		return kindTitle
	case "TEL":
		return kindTel
	case "EMAIL":
		return kindEmail
	case "ADR":
		return kindAdr
	case "CATEGORIES":
		return kindCategories
	case "NOTE":
		return kindNote
	case "BDAY":
		return kindBday
	case "URL":
		return kindURL
	case "X-ABLABEL":
		return kindLabel
	}
	return kindOther
}

// kept reports whether the value of a property of kind k is read.
func (k kind) kept() bool { return k >= kindFN }

// head is the part of a property line before the value:
// [group "."] name *(";" param) ":".
type head struct {
	kind    kind
	group   string // only for TEL and X-ABLabel, which pair up by group
	colon   int    // index of the colon that starts the value
	qp      bool   // ENCODING=QUOTED-PRINTABLE: a line ending in "=" goes on
	base64  bool   // ENCODING=BASE64 or B
	mobile  bool   // TYPE says cell or mobile
	pref    int    // 1 (most preferred) to 100, or 0 when not preferred
	charset string // CHARSET as written, "" when absent
}

// parseHead reads line as a property line. ok is false when it is not one:
// no colon, or something before it that cannot be a property name. Such a
// line inside a card is taken as part of the value before it (see Reader).
func parseHead(line []byte) (h head, ok bool) {
	i := 0
	dot := -1
	for i < len(line) && isNameByte(line[i]) {
		if line[i] == '.' {
			dot = i
		}
		i++
	}
	if i == 0 || i == dot+1 || i == len(line) || line[i] != ':' && line[i] != ';' {
		return head{}, false
	}
	h.kind = kindOf(line[dot+1 : i])
	if dot > 0 && (h.kind == kindTel || h.kind == kindLabel) {
		h.group = string(bytes.ToLower(line[:dot]))
	}
	if line[i] == ':' {
		h.colon = i
		return h, true
	}
	h.colon = valueColon(line, i)
	if h.colon < 0 {
		return head{}, false
	}
	h.params(line[i+1 : h.colon])
	return h, true
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}

// valueColon returns the index of the colon that ends the parameters which
// start at from: the first one outside double quotes (4.0 quotes values
// such as TYPE="work,voice" and a quoted value may hold a colon). With
// unbalanced quotes it falls back to the first colon, as other readers do.
func valueColon(line []byte, from int) int {
	quoted := false
	for j := from; j < len(line); j++ {
		switch line[j] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return j
			}
		}
	}
	if j := bytes.IndexByte(line[from:], ':'); j >= 0 {
		return from + j
	}
	return -1
}

// params reads the parameters between the name and the colon. 2.1 writes
// bare values (TEL;CELL;PREF, N;QUOTED-PRINTABLE); 3.0 writes TYPE=CELL,
// repeated or comma-joined; 4.0 quotes lists and numbers PREF.
func (h *head) params(p []byte) {
	for len(p) > 0 {
		var param []byte
		param, p = cutUnquoted(p, ';')
		key, val, hasVal := bytes.Cut(param, []byte("="))
		key = bytes.TrimSpace(key)
		if !hasVal {
			h.value(key)
			continue
		}
		val = bytes.Trim(bytes.TrimSpace(val), `"`)
		switch {
		case bytes.EqualFold(key, []byte("TYPE")):
			for len(val) > 0 {
				var t []byte
				t, val = cutUnquoted(val, ',')
				h.value(bytes.Trim(bytes.TrimSpace(t), `"`))
			}
		case bytes.EqualFold(key, []byte("ENCODING")):
			h.value(val)
		case bytes.EqualFold(key, []byte("CHARSET")):
			h.charset = string(val)
		case bytes.EqualFold(key, []byte("PREF")):
			n, err := strconv.Atoi(string(val))
			if err != nil || n < 1 || n > 100 {
				n = 1 // PREF=yes and the like still say "preferred"
			}
			h.pref = n
		}
	}
}

// value takes one TYPE or ENCODING value, or a bare 2.1 parameter.
func (h *head) value(v []byte) {
	switch {
	case eqFold(v, "QUOTED-PRINTABLE"), eqFold(v, "QP"):
		h.qp = true
	case eqFold(v, "BASE64"), eqFold(v, "B"):
		h.base64 = true
	case eqFold(v, "PREF"):
		if h.pref == 0 {
			h.pref = 1
		}
	case eqFold(v, "CELL"), eqFold(v, "MOBILE"), eqFold(v, "CELLULAR"), eqFold(v, "IPHONE"):
		h.mobile = true
	}
}

// cutUnquoted splits p at the first sep outside double quotes.
func cutUnquoted(p []byte, sep byte) (before, after []byte) {
	quoted := false
	for i, c := range p {
		switch {
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			return p[:i], p[i+1:]
		}
	}
	return p, nil
}

func eqFold(p []byte, s string) bool {
	return len(p) == len(s) && bytes.EqualFold(p, []byte(s))
}
