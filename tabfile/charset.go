package tabfile

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings named in Info.Encoding.
const (
	encUTF8        = "utf-8"
	encUTF8BOM     = "utf-8-bom"
	encUTF16LE     = "utf-16le"
	encUTF16BE     = "utf-16be"
	encWindows1252 = "windows-1252"
)

// win1252 maps each byte of Windows-1252 to UTF-8. x/text decodes the five
// bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as
// U+FFFD; here they become the C1 controls of the same value, as in the
// WHATWG encoding standard browsers follow, so no byte is lost and no
// U+FFFD is made up.
var win1252 = func() (t [256]string) {
	for b := range 256 {
		r := charmap.Windows1252.DecodeByte(byte(b))
		if r == utf8.RuneError {
			r = rune(b)
		}
		t[b] = string(r)
	}
	return t
}()

// appendWindows1252 appends p, read as Windows-1252, to dst as UTF-8.
func appendWindows1252(dst, p []byte) []byte {
	for _, b := range p {
		if b < utf8.RuneSelf {
			dst = append(dst, b)
		} else {
			dst = append(dst, win1252[b]...)
		}
	}
	return dst
}

// appendRepairedUTF8 appends p to dst, keeping its valid UTF-8 as it is
// and reading each byte that is not valid UTF-8 as Windows-1252. That is
// how a file sniffed as UTF-8 treats a stray byte found past the sniffed
// prefix: such files are mostly UTF-8 with a few cells pasted from an old
// Windows program, so per byte is right for both kinds of cell, where
// decoding the whole cell as Windows-1252 would garble its UTF-8 ("ü"
// becoming "Ã¼") and the decoder's usual U+FFFD would lose the letter.
func appendRepairedUTF8(dst, p []byte) []byte {
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, win1252[p[0]]...)
		} else {
			dst = append(dst, p[:size]...)
		}
		p = p[size:]
	}
	return dst
}

func isASCII(p []byte) bool {
	for _, b := range p {
		if b >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
