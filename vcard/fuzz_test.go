package vcard

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzVCard feeds Open and Next arbitrary files. Seeds live in
// testdata/fuzz/FuzzVCard (folding, soft line breaks, every line ending,
// UTF-16, Windows-1252, AGENT cards, broken structure) and the real exports
// are added when present. It checks that reading neither panics nor loops
// (every card costs at least one byte), that every error is an *Error with
// a documented code and sticks, that every row has one field per header,
// that lines strictly increase, and that no U+FFFD or NUL is made up.
func FuzzVCard(f *testing.F) {
	base64Param := regexp.MustCompile(`(?i)[;=,]\s*"?\s*(b|base64)\s*"?\s*[;:,"]`)
	f.Add([]byte("BEGIN:VCARD\nFN:a\nTEL;CELL:1\nEND:VCARD\n"))
	if files, _ := filepath.Glob(filepath.Join(exportsDir, "*.vcf")); len(files) > 0 {
		for _, path := range files {
			if data, err := os.ReadFile(path); err == nil {
				f.Add(data)
			}
		}
	}
	codes := map[string]bool{CodeEmptyFile: true, CodeMalformed: true, CodeCellTooLarge: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkErr := func(err error) {
			t.Helper()
			var e *Error
			if !errors.As(err, &e) || !codes[e.Code] || e.Line < 0 {
				t.Fatalf("error %v (%T), want an *Error with a documented code", err, err)
			}
		}
		r, err := Open(bytes.NewReader(data))
		if err != nil {
			checkErr(err)
			return
		}
		upper := bytes.ToUpper(data)
		// Quoted-printable, base64 and UTF-16 can spell U+FFFD.
		mayHoldFFFD := bytes.Contains(data, []byte("\uFFFD")) ||
			strings.HasPrefix(r.Encoding(), "utf-16") ||
			bytes.Contains(upper, []byte("=EF")) ||
			base64Param.Match(data)
		last := 0
		for n := 0; ; n++ {
			if n > len(data) {
				t.Fatalf("more cards than bytes: Next does not stop")
			}
			line, fields, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				checkErr(err)
				if _, _, again := r.Next(); again != err {
					t.Fatalf("Next after %v returned %v", err, again)
				}
				return
			}
			if len(fields) != len(Headers) {
				t.Fatalf("line %d: %d fields, want %d", line, len(fields), len(Headers))
			}
			if line <= last {
				t.Fatalf("card on line %d after one on line %d", line, last)
			}
			last = line
			for i, v := range fields {
				if strings.IndexByte(v, 0) >= 0 || !mayHoldFFFD && strings.ContainsRune(v, '\uFFFD') {
					t.Fatalf("line %d: %s = %q: NUL or U+FFFD not in the file", line, Headers[i], v)
				}
			}
		}
	})
}
