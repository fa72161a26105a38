package tabfile

import (
	"bytes"
	"unicode/utf8"
)

// sniffSize is how much of the file decides its format and encoding. A
// megabyte holds thousands of rows, enough to meet the accented names that
// tell Windows-1252 from UTF-8; bytes past it are handled row by row (see
// appendRepairedUTF8).
const sniffSize = 1 << 20

// sniffed is what the first bytes of a file say about it.
type sniffed struct {
	format   Format
	encoding string // text only
	bomLen   int    // bytes of byte-order mark to skip
}

// magics are the binary formats operators upload by mistake, named so the
// error can say what the file is. Detection is by content: a CSV saved as
// .xlsx, or an xlsx renamed .csv, is read for what it is.
var magics = []struct {
	prefix string
	what   string
}{
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an old Excel .xls workbook or a password-protected workbook; remove the password and save it as .xlsx or CSV (UTF-8)"},
	{"%PDF-", "a PDF document; export the contacts as CSV or xlsx instead"},
	{"\x1F\x8B", "a gzip archive; unpack it and upload the CSV or xlsx inside"},
	{"Rar!", "a RAR archive; unpack it and upload the CSV or xlsx inside"},
	{"7z\xBC\xAF\x27\x1C", "a 7-Zip archive; unpack it and upload the CSV or xlsx inside"},
	{"\x89PNG", "a PNG image; upload the contact list as CSV or xlsx"},
	{"\xFF\xD8\xFF", "a JPEG image; upload the contact list as CSV or xlsx"},
	{"GIF8", "a GIF image; upload the contact list as CSV or xlsx"},
}

// sniff tells the format and text encoding from head, the first sniffSize
// bytes of a file of the given size.
func sniff(head []byte, size int64) (sniffed, error) {
	if size == 0 {
		return sniffed{}, errEmpty()
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		return textSniffed(head, size, encUTF8BOM, 3)
	case bytes.HasPrefix(head, []byte("\xFF\xFE")):
		return textSniffed(head, size, encUTF16LE, 2)
	case bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return textSniffed(head, size, encUTF16BE, 2)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return sniffed{format: FormatXLSX}, nil
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return sniffed{}, newError(CodeBinaryFile, 0, "this is "+m.what)
		}
	}
	if bytes.IndexByte(head, 0) >= 0 {
		// Windows' "Unicode text" is UTF-16 with a BOM, but some tools
		// write it without one; its ASCII is then every other byte NUL.
		if enc := utf16WithoutBOM(head); enc != "" {
			return sniffed{format: FormatCSV, encoding: enc}, nil
		}
		return sniffed{}, errNUL()
	}
	return sniffed{format: FormatCSV, encoding: textEncoding(head, int64(len(head)) == size)}, nil
}

func textSniffed(head []byte, size int64, enc string, bomLen int) (sniffed, error) {
	if size == int64(bomLen) {
		return sniffed{}, errEmpty()
	}
	if enc == encUTF8BOM && bytes.IndexByte(head, 0) >= 0 {
		return sniffed{}, errNUL()
	}
	return sniffed{format: FormatCSV, encoding: enc, bomLen: bomLen}, nil
}

// utf16WithoutBOM reports "utf-16le" or "utf-16be" when the NUL bytes of
// head sit almost all on odd or almost all on even offsets, as they do in
// UTF-16 text that is mostly ASCII (delimiters, digits, e-mail addresses),
// and "" otherwise.
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

// textEncoding tells UTF-8 from Windows-1252 by the prefix p (the whole
// file when whole is true). Windows-1252 accents are almost never valid
// UTF-8, so p is UTF-8 unless it holds bytes that are not. Then it is
// Windows-1252, except when well-formed multi-byte UTF-8 characters
// outnumber the stray bytes: that is a UTF-8 file with a few cells pasted
// from an old Windows program, and reading it all as Windows-1252 would
// garble every other accent ("JosÃ©", "â€™"). Such a file stays UTF-8 and
// each stray byte is read as Windows-1252 (appendRepairedUTF8).
func textEncoding(p []byte, whole bool) string {
	var multi, stray int
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			i++
			continue
		}
		if !whole && !utf8.FullRune(p[i:]) {
			break // a character cut by the end of the prefix
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

func errEmpty() *Error {
	return newError(CodeEmptyFile, 0, "the file is empty; export the contacts again, with a header row and at least one contact")
}

func errNUL() *Error {
	return newError(CodeBinaryFile, 0, "the file holds NUL bytes, so it is not a CSV or text file; export the contacts as CSV or xlsx")
}
