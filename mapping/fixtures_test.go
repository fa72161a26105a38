package mapping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// exportsDir holds real exports of other tools; see its SOURCES.md.
const exportsDir = "../../shared/fixtures/exports"

// fixtureHeaders returns the header of every *.csv and *.txt under
// exportsDir (tricky/ included), keyed by path relative to it.
func fixtureHeaders(t *testing.T) map[string][]string {
	t.Helper()
	if _, err := os.Stat(exportsDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is missing; the shared fixtures are not checked out", exportsDir)
	}
	out := map[string][]string{}
	err := filepath.WalkDir(exportsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".csv" && ext != ".txt" {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(exportsDir, path)
		out[filepath.ToSlash(rel)] = readHeader(t, rel, raw)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readHeader is a small stand-in for the real file reader: it decodes a
// UTF-16 file with a BOM, strips a UTF-8 BOM, skips Excel's "sep=" line,
// picks the delimiter that the first line uses most, and trims each header.
func readHeader(t *testing.T, name string, raw []byte) []string {
	t.Helper()
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		raw = decodeUTF16(raw[2:], false)
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		raw = decodeUTF16(raw[2:], true)
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	if bytes.HasPrefix(first, []byte("sep=")) {
		raw = raw[len(first)+1:]
		first, _, _ = bytes.Cut(raw, []byte("\n"))
	}
	delim, most := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		if n := bytes.Count(first, []byte(string(d))); n > most {
			delim, most = d, n
		}
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = delim, -1, true
	rec, err := r.Read()
	if err != nil {
		t.Fatalf("%s: reading the header: %v", name, err)
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	return rec
}

func decodeUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(u)))
}
