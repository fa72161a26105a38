package tabfile

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzReadCSV feeds Open and Next arbitrary files. Seeds live in
// testdata/fuzz/FuzzReadCSV (quotes that never close, bare CRs, sep=
// lines, UTF-16, Windows-1252, ragged rows, duplicate headers, a ZIP
// header). It checks that reading neither panics nor loops (every row
// costs at least one byte), that every error is an *Error with a
// documented code, that every row has one field per header, that lines
// strictly increase from the header's, that headers are unique and named,
// and that no U+FFFD is made up where the file had none.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("Name,Phone\nAnn,1\n"))
	f.Add([]byte("a;b\r\n\"x\r\ny\";\"\"\"\"\r\n"))
	codes := map[string]bool{
		CodeEmptyFile: true, CodeBinaryFile: true, CodeCellTooLarge: true,
		CodeTooManyColumns: true, CodeMalformedCSV: true, CodeXLSXInvalid: true,
	}
	opts := Options{MaxCellBytes: 256, MaxColumns: 32, MaxXLSXBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkErr := func(err error) {
			t.Helper()
			var e *Error
			if !errors.As(err, &e) || !codes[e.Code] || e.Line < 0 {
				t.Fatalf("error %v (%T), want an *Error with a documented code", err, err)
			}
		}
		r, err := Open(bytes.NewReader(data), int64(len(data)), opts)
		if err != nil {
			checkErr(err)
			return
		}
		defer r.Close()
		info := r.Info()
		if len(info.Headers) == 0 || len(info.Headers) != len(info.RawHeaders) {
			t.Fatalf("%d headers, %d raw headers", len(info.Headers), len(info.RawHeaders))
		}
		keys := map[string]bool{}
		for _, h := range info.Headers {
			if h == "" || keys[HeaderKey(h)] {
				t.Fatalf("headers %q: empty or duplicate %q", info.Headers, h)
			}
			keys[HeaderKey(h)] = true
		}
		mayHoldFFFD := bytes.Contains(data, []byte("\uFFFD")) ||
			strings.HasPrefix(info.Encoding, "utf-16") // unpaired surrogates
		last := info.HeaderLine
		for n := 0; ; n++ {
			if n > len(data) {
				t.Fatalf("more rows than bytes: Next does not stop")
			}
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				checkErr(err)
				if _, again := r.Next(); again != err {
					t.Fatalf("Next after %v returned %v", err, again)
				}
				return
			}
			if len(row.Fields) != len(info.Headers) {
				t.Fatalf("line %d: %d fields for %d headers", row.Line, len(row.Fields), len(info.Headers))
			}
			if row.Line <= last {
				t.Fatalf("line %d after line %d", row.Line, last)
			}
			last = row.Line
			if row.Short && len(row.Extra) > 0 {
				t.Fatalf("line %d is both short and long", row.Line)
			}
			if !mayHoldFFFD {
				for _, v := range append(row.Fields, row.Extra...) {
					if strings.ContainsRune(v, '\uFFFD') {
						t.Fatalf("line %d: U+FFFD in %q, not in the file", row.Line, v)
					}
				}
			}
		}
	})
}
