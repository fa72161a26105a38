package tabfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// cells places values on the first sheet: cell name to value.
type cells map[string]any

// makeXLSX writes a workbook whose first sheet, named sheet, holds c, and
// returns its bytes. Further sheets, if named, are left empty.
func makeXLSX(t *testing.T, sheet string, c cells, more ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for _, name := range more {
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
	}
	for cell, v := range c {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	data := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		s := "Contacts"
		if err := f.SetSheetName("Sheet1", s); err != nil {
			t.Fatal(err)
		}
		if _, err := f.NewSheet("Notes"); err != nil {
			t.Fatal(err)
		}
		// Rows 1-2 empty, a blank-looking row 3, the header on row 4.
		set := func(cell string, v any) {
			if err := f.SetCellValue(s, cell, v); err != nil {
				t.Fatal(err)
			}
		}
		set("B3", "   ")
		for cell, v := range map[string]any{
			"A4": " Name\u00A0", "B4": "Phone", "C4": "Birthday", "D4": "Phone",
			"A5": "Müller", "B5": 919900000001, "C5": time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC), "D5": "+91 99000 00002",
			"C7": "", "D7": "",
			"A8": "José", "F8": "stray",
		} {
			set(cell, v)
		}
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle(s, "C5", "C5", style); err != nil {
			t.Fatal(err)
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()

	check := func(t *testing.T, r *Reader) {
		info := r.Info()
		wantInfo := Info{
			Format: FormatXLSX, Sheet: "Contacts", HeaderLine: 4,
			Headers:    []string{"Name", "Phone", "Birthday", "Phone (2)"},
			RawHeaders: []string{" Name\u00A0", "Phone", "Birthday", "Phone"},
		}
		if !reflect.DeepEqual(info, wantInfo) {
			t.Errorf("Info = %+v\nwant   %+v", info, wantInfo)
		}
		rows := readAll(t, r)
		want := []Row{
			{Line: 5, Fields: []string{"Müller", "919900000001", "1990-04-12", "+91 99000 00002"}},
			{Line: 8, Fields: []string{"José", "", "", ""}, Extra: []string{"", "stray"}},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("rows\n got  %+v\n want %+v", rows, want)
		}
	}

	t.Run("from memory", func(t *testing.T) {
		check(t, mustOpen(t, data, Options{}))
	})
	t.Run("from a file on disk, opened again by name", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "contacts.csv") // the name does not matter
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := Open(f, int64(len(data)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		check(t, r)
	})
	t.Run("from a file on disk whose name is gone", func(t *testing.T) {
		// Reopening by name would read another file, or none: the open
		// file is read through its descriptor instead.
		path := filepath.Join(t.TempDir(), "upload")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := os.WriteFile(path+".new", []byte("Name,Phone\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
		r, err := Open(f, int64(len(data)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		check(t, r)
	})
}

func ptr[T any](v T) *T { return &v }

func TestXLSXHeaderOnly(t *testing.T) {
	r := mustOpen(t, makeXLSX(t, "S", cells{"A1": "Name", "B1": "Phone"}), Options{})
	if rows := readAll(t, r); len(rows) != 0 {
		t.Errorf("rows = %+v, want none", rows)
	}
}

func TestXLSXErrors(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		opts     Options
		wantCode string
		wantLine int
		wantText string
	}{
		{"empty sheet", makeXLSX(t, "S", cells{}), Options{}, CodeEmptyFile, 0, ""},
		{"too many columns", makeXLSX(t, "S", cells{"A1": "Name", "A2": "x", "J2": "far"}), Options{MaxColumns: 5}, CodeTooManyColumns, 2, ""},
		{"cell too large", makeXLSX(t, "S", cells{"A1": "Name", "A3": strings.Repeat("x", 11)}), Options{MaxCellBytes: 10}, CodeCellTooLarge, 3, ""},
		{"damaged ZIP", []byte("PK\x03\x04 this is not really a zip"), Options{}, CodeXLSXInvalid, 0, ""},
		{"truncated workbook", makeXLSX(t, "S", cells{"A1": "Name"})[:300], Options{}, CodeXLSXInvalid, 0, ""},
		{"ZIP bomb by declared size", zipBomb(t), Options{}, CodeXLSXInvalid, 0, "more than 1 GiB"},
		{"over a lower limit", makeXLSX(t, "S", cells{"A1": "Name"}), Options{MaxXLSXBytes: 1 << 10}, CodeXLSXInvalid, 0, "more than 1024 bytes"},
		{"ZIP that is no workbook", makeZip(t, "contacts.csv", "word/document.xml"), Options{}, CodeBinaryFile, 0, "ZIP archive"},
		{"OpenDocument", makeZip(t, "mimetype", "content.xml"), Options{}, CodeBinaryFile, 0, ".ods"},
		{"binary workbook", makeZip(t, "[Content_Types].xml", "xl/workbook.bin"), Options{}, CodeBinaryFile, 0, ".xlsb"},
		{"workbook without sheets", makeZip(t, "[Content_Types].xml", "xl/workbook.xml"), Options{}, CodeXLSXInvalid, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := openAndRead(tt.data, tt.opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want *Error %s", err, tt.wantCode)
			}
			if e.Code != tt.wantCode || e.Line != tt.wantLine || !strings.Contains(e.Message, tt.wantText) {
				t.Errorf("got %s line %d %q, want %s line %d mentioning %q", e.Code, e.Line, e.Message, tt.wantCode, tt.wantLine, tt.wantText)
			}
		})
	}
}

// openAndRead opens data and reads all its rows, returning the first error.
func openAndRead(data []byte, opts Options) error {
	r, err := Open(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		if _, err := r.Next(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// makeZip writes a ZIP holding empty files of the given names.
func makeZip(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		if _, err := w.Create(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipBomb writes a workbook-shaped ZIP whose sheet claims to unpack to
// 2 GiB; its few bytes are never inflated, since the claim alone is
// refused.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	if _, err := w.Create("xl/workbook.xml"); err != nil {
		t.Fatal(err)
	}
	fw, err := w.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: 4, UncompressedSize64: 2 << 30,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write([]byte{0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
