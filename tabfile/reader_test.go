package tabfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mustOpen opens data as a file would be, failing the test on error.
func mustOpen(tb testing.TB, data []byte, opts Options) *Reader {
	tb.Helper()
	r, err := Open(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { _ = r.Close() })
	return r
}

// readAll returns every row of r, failing the test on error.
func readAll(tb testing.TB, r *Reader) []Row {
	tb.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			tb.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

func TestOpenRows(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		delim      string
		headerLine int
		headers    []string
		rows       []Row
	}{
		{
			name: "plain", in: "Name,Phone\nAnn,1\nBob,2\n",
			delim: ",", headerLine: 1, headers: []string{"Name", "Phone"},
			rows: []Row{{Line: 2, Fields: []string{"Ann", "1"}}, {Line: 3, Fields: []string{"Bob", "2"}}},
		},
		{
			name: "header only is not an error", in: "Name,Phone\n",
			delim: ",", headerLine: 1, headers: []string{"Name", "Phone"},
		},
		{
			name: "header only, no newline", in: "Name;Phone",
			delim: ";", headerLine: 1, headers: []string{"Name", "Phone"},
		},
		{
			name: "blank lines skipped, lines still counted", in: "Name,Phone\n\nAnn,1\n,\n  , \t\n\r\nBob,2",
			delim: ",", headerLine: 1, headers: []string{"Name", "Phone"},
			rows: []Row{{Line: 3, Fields: []string{"Ann", "1"}}, {Line: 7, Fields: []string{"Bob", "2"}}},
		},
		{
			name: "blank lines before the header", in: "\n,,\nName,Phone\nAnn,1\n",
			delim: ",", headerLine: 3, headers: []string{"Name", "Phone"},
			rows: []Row{{Line: 4, Fields: []string{"Ann", "1"}}},
		},
		{
			name: "Excel sep= line: skipped, counted", in: "sep=;\r\nName;Phone\r\nAnn;1,5\r\n",
			delim: ";", headerLine: 2, headers: []string{"Name", "Phone"},
			rows: []Row{{Line: 3, Fields: []string{"Ann", "1,5"}}},
		},
		{
			name: "sep= overrides what sniffing would pick", in: "sep=|\nName,x|Phone\nAnn,y|1\n",
			delim: "|", headerLine: 2, headers: []string{"Name,x", "Phone"},
			rows: []Row{{Line: 3, Fields: []string{"Ann,y", "1"}}},
		},
		{
			name: "short row padded", in: "Name,Phone,Email\nAnn,1\n",
			delim: ",", headerLine: 1, headers: []string{"Name", "Phone", "Email"},
			rows: []Row{{Line: 2, Fields: []string{"Ann", "1", ""}, Short: true}},
		},
		{
			name: "long row keeps the rest apart", in: "Name,Phone\nAnn,1,,x\nBob,2,\n",
			delim: ",", headerLine: 1, headers: []string{"Name", "Phone"},
			rows: []Row{
				{Line: 2, Fields: []string{"Ann", "1"}, Extra: []string{"", "x"}},
				{Line: 3, Fields: []string{"Bob", "2"}, Extra: []string{""}},
			},
		},
		{
			name: "multi-line cells move the next row's line", in: "Name,Notes\r\nAnn,\"a\r\nb\r\nc\"\r\nBob,\"x\ny\"\r\nCy,z\r\n",
			delim: ",", headerLine: 1, headers: []string{"Name", "Notes"},
			rows: []Row{
				{Line: 2, Fields: []string{"Ann", "a\r\nb\r\nc"}},
				{Line: 5, Fields: []string{"Bob", "x\ny"}},
				{Line: 7, Fields: []string{"Cy", "z"}},
			},
		},
		{
			name: "old Mac bare CR", in: "Name\tPhone\rAnn\t1\rBob\t2",
			delim: "\t", headerLine: 1, headers: []string{"Name", "Phone"},
			rows: []Row{{Line: 2, Fields: []string{"Ann", "1"}}, {Line: 3, Fields: []string{"Bob", "2"}}},
		},
		{
			name: "headers cleaned, raw kept", in: "\u00A0Phone ,,Phone\nx,y,z\n",
			delim: ",", headerLine: 1, headers: []string{"Phone", "Column 2", "Phone (2)"},
			rows: []Row{{Line: 2, Fields: []string{"x", "y", "z"}}},
		},
		{
			name: "single column", in: "Email\na@x\n\nb@x\n",
			delim: ",", headerLine: 1, headers: []string{"Email"},
			rows: []Row{{Line: 2, Fields: []string{"a@x"}}, {Line: 4, Fields: []string{"b@x"}}},
		},
		{
			name: "lenient quotes", in: "Name,Nick\nAnn \"The Hammer\" Lee,\"Ann\"ie\n",
			delim: ",", headerLine: 1, headers: []string{"Name", "Nick"},
			rows: []Row{{Line: 2, Fields: []string{`Ann "The Hammer" Lee`, `Ann"ie`}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustOpen(t, []byte(tt.in), Options{})
			info := r.Info()
			if info.Format != FormatCSV || info.Delimiter != tt.delim || info.HeaderLine != tt.headerLine {
				t.Errorf("Info = %s %q header line %d, want csv %q header line %d",
					info.Format, info.Delimiter, info.HeaderLine, tt.delim, tt.headerLine)
			}
			if !reflect.DeepEqual(info.Headers, tt.headers) {
				t.Errorf("Headers = %q, want %q", info.Headers, tt.headers)
			}
			if got := readAll(t, r); !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows\n got  %+v\n want %+v", got, tt.rows)
			}
		})
	}
}

func TestOpenKeepsRawHeaders(t *testing.T) {
	// The file's BOM is taken off; a second one is part of the cell.
	r := mustOpen(t, []byte("\xEF\xBB\xBF\uFEFF Name ,\n"), Options{})
	if got, want := r.Info().RawHeaders, []string{"\uFEFF Name ", ""}; !reflect.DeepEqual(got, want) {
		t.Errorf("RawHeaders = %q, want %q", got, want)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		opts     Options
		wantCode string
		wantLine int
	}{
		{"no bytes", "", Options{}, CodeEmptyFile, 0},
		{"only whitespace", " \n\t\r\n  \n", Options{}, CodeEmptyFile, 0},
		{"only a BOM and line breaks", "\xEF\xBB\xBF\r\n\r\n", Options{}, CodeEmptyFile, 0},
		{"only empty cells", ",,,\n, ,\t\n", Options{}, CodeEmptyFile, 0},
		{"only a sep= line", "sep=;\n", Options{}, CodeEmptyFile, 0},
		{"header with too many columns", "a,b,c,d\n", Options{MaxColumns: 3}, CodeTooManyColumns, 1},
		{"header cell too large", "\n" + strings.Repeat("h", 20) + ",b\n", Options{MaxCellBytes: 10}, CodeCellTooLarge, 2},
		{"quote never closes in the header", "Name,\"Phone\nAnn,1\n", Options{}, CodeMalformedCSV, 1},
		{"binary", "%PDF-1.5\n", Options{}, CodeBinaryFile, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(strings.NewReader(tt.in), int64(len(tt.in)), tt.opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Open error %v, want *Error %s", err, tt.wantCode)
			}
			if e.Code != tt.wantCode || e.Line != tt.wantLine {
				t.Errorf("got %s line %d, want %s line %d (%v)", e.Code, e.Line, tt.wantCode, tt.wantLine, e)
			}
		})
	}
}

// Once Next fails, the stream is in an unknown place: it keeps failing
// with the same error rather than returning rows that may be misaligned.
func TestNextErrorIsSticky(t *testing.T) {
	r := mustOpen(t, []byte("Name,Phone\nAnn,1\nBob,\"2\nCy,3\n"), Options{})
	if row, err := r.Next(); err != nil || row.Line != 2 {
		t.Fatalf("first Next = %+v, %v", row, err)
	}
	_, err1 := r.Next()
	_, err2 := r.Next()
	var e *Error
	if !errors.As(err1, &e) || e.Code != CodeMalformedCSV || e.Line != 3 {
		t.Fatalf("second Next error %v, want malformed_csv at line 3", err1)
	}
	if err2 != err1 {
		t.Errorf("third Next error %v, want %v again", err2, err1)
	}
}

// Rows are the caller's: reading on must not change what was returned.
func TestRowsAreTheCallers(t *testing.T) {
	r := mustOpen(t, []byte("a,b\n1,2,3\n4,5,6\n"), Options{})
	rows := readAll(t, r)
	want := []Row{
		{Line: 2, Fields: []string{"1", "2"}, Extra: []string{"3"}},
		{Line: 3, Fields: []string{"4", "5"}, Extra: []string{"6"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %+v, want %+v", rows, want)
	}
	// Appending to Fields must not write into Extra.
	f := append(rows[0].Fields, "x")
	if rows[0].Extra[0] != "3" || len(f) != 3 {
		t.Errorf("appending to Fields changed Extra to %q", rows[0].Extra)
	}
}

// An *os.File is what the importer passes.
func TestOpenOSFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "contacts.csv")
	if err := os.WriteFile(path, []byte("Name;Phone\nAnn;+91 99000 00001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(f, fi.Size(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := readAll(t, r)
	if len(rows) != 1 || rows[0].Fields[1] != "+91 99000 00001" {
		t.Errorf("rows = %+v", rows)
	}
}
