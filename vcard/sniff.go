package vcard

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// Encodings reported by Reader.Encoding, named as tabfile names them.
const (
	encUTF8        = "utf-8"
	encUTF8BOM     = "utf-8-bom"
	encUTF16LE     = "utf-16le"
	encUTF16BE     = "utf-16be"
	encWindows1252 = "windows-1252"
)

// sniffSize is how much of the file decides its encoding: enough to meet
// the accented names that tell Windows-1252 from UTF-8 in a file without
// CHARSET parameters.
const sniffSize = 1 << 20

var beginVCard = []byte("BEGIN:VCARD")

// Sniff reports whether the start of a file looks like vCard: optional
// byte-order mark and whitespace, then BEGIN:VCARD in any case, in UTF-8,
// Windows-1252 or UTF-16 (either byte order, with or without a BOM). A few
// hundred bytes are enough; the name of the file is not looked at.
func Sniff(head []byte) bool {
	enc, bom := detectEncoding(head)
	text := head[bom:]
	switch enc {
	case encUTF16LE, encUTF16BE:
		text = decodeUTF16(text[:min(len(text), 4096)&^1], enc)
	}
	text = bytes.TrimLeft(text, " \t\r\n\ufeff")
	if len(text) < len(beginVCard) || !bytes.EqualFold(text[:len(beginVCard)], beginVCard) {
		return false
	}
	rest := text[len(beginVCard):]
	return len(rest) == 0 || rest[0] == '\r' || rest[0] == '\n' || rest[0] == ' ' || rest[0] == '\t'
}

// detectEncoding tells the encoding of a file from its first bytes, and
// the length of its byte-order mark.
func detectEncoding(head []byte) (enc string, bomLen int) {
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		return encUTF8BOM, 3
	case bytes.HasPrefix(head, []byte("\xFF\xFE")):
		return encUTF16LE, 2
	case bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return encUTF16BE, 2
	}
	if enc := utf16WithoutBOM(head); enc != "" {
		return enc, 0
	}
	return textEncoding(head), 0
}

// utf16WithoutBOM reports "utf-16le" or "utf-16be" when the NUL bytes of
// head sit almost all on odd or almost all on even offsets, as they do in
// UTF-16 text that is mostly ASCII (a vCard's property names always are),
// and "" otherwise. Roundcube's utf-16_sample.vcf is UTF-16BE with no BOM.
func utf16WithoutBOM(head []byte) string {
	n := min(len(head), 4096) &^ 1
	if n < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*4 >= pairs && even*50 <= pairs:
		return encUTF16LE
	case even*4 >= pairs && odd*50 <= pairs:
		return encUTF16BE
	}
	return ""
}

// textEncoding tells UTF-8 from Windows-1252 by the prefix p, by tabfile's
// rule: p is UTF-8 unless it holds bytes that are not, and more of them
// than well-formed multi-byte characters (a UTF-8 file with a few values
// pasted from an old Windows program stays UTF-8, and those bytes are read
// one by one: see decodeText). A character cut by the end of p is not
// counted.
func textEncoding(p []byte) string {
	var multi, stray int
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			i++
			continue
		}
		if !utf8.FullRune(p[i:]) {
			break
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			stray++
		} else {
			multi++
		}
		i += size
	}
	if stray > 0 && stray >= multi {
		return encWindows1252
	}
	return encUTF8
}

// decodeUTF16 decodes a short prefix, for Sniff.
func decodeUTF16(p []byte, enc string) []byte {
	order := unicode.LittleEndian
	if enc == encUTF16BE {
		order = unicode.BigEndian
	}
	out, _ := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(p)
	return out
}
