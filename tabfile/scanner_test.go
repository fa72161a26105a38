package tabfile

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// record is what the scanner makes of one record, for comparing.
type record struct {
	line   int
	fields []string
}

// scanAll splits in with delimiter ',' and returns its records, or the
// first error. Every case runs twice, once reading one byte at a time, so
// each quote, CR and LF also falls on a buffer boundary.
func scanAll(in io.Reader, maxCell, maxCols int) ([]record, error) {
	sc := newScanner(in, ',', maxCell, maxCols)
	var out []record
	for {
		line, err := sc.readRecord()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		var fields []string
		prev := 0
		for _, e := range sc.ends {
			fields = append(fields, string(sc.record[prev:e]))
			prev = e
		}
		out = append(out, record{line, fields})
	}
}

func TestScannerRecords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []record
	}{
		{"LF", "a,b\nc,d\n", []record{{1, []string{"a", "b"}}, {2, []string{"c", "d"}}}},
		{"CRLF", "a,b\r\nc,d\r\n", []record{{1, []string{"a", "b"}}, {2, []string{"c", "d"}}}},
		{"bare CR, old Mac", "a,b\rc,d\r", []record{{1, []string{"a", "b"}}, {2, []string{"c", "d"}}}},
		{"mixed line ends", "a\rb\r\nc\nd", []record{{1, []string{"a"}}, {2, []string{"b"}}, {3, []string{"c"}}, {4, []string{"d"}}}},
		{"no final newline", "a,b\nc,d", []record{{1, []string{"a", "b"}}, {2, []string{"c", "d"}}}},
		{"final delimiter makes an empty field", "a,\n", []record{{1, []string{"a", ""}}}},
		{"final delimiter at end of input", "a,", []record{{1, []string{"a", ""}}}},
		{"empty line is one empty field", "a\n\nb\n", []record{{1, []string{"a"}}, {2, []string{""}}, {3, []string{"b"}}}},
		{"quoted delimiter", `"a,b",c` + "\n", []record{{1, []string{"a,b", "c"}}}},
		{"doubled quote", `"say ""hi""",x`, []record{{1, []string{`say "hi"`, "x"}}}},
		{"quoted empty", `"",""` + "\n", []record{{1, []string{"", ""}}}},
		{"only a doubled quote", `""""`, []record{{1, []string{`"`}}}},
		{
			"LF inside quotes counts a line",
			"\"line1\nline2\",x\nnext,y\n",
			[]record{{1, []string{"line1\nline2", "x"}}, {3, []string{"next", "y"}}},
		},
		{
			"CRLF inside quotes kept and counted once",
			"\"a\r\nb\r\nc\",x\r\nnext\r\n",
			[]record{{1, []string{"a\r\nb\r\nc", "x"}}, {4, []string{"next"}}},
		},
		{
			"bare CR inside quotes, as Thunderbird writes",
			"\"custom\r3\",x\rnext\r",
			[]record{{1, []string{"custom\r3", "x"}}, {3, []string{"next"}}},
		},
		{"quote inside unquoted field is literal", `ab"c,d"` + "\n", []record{{1, []string{`ab"c`, `d"`}}}},
		{"text after a closing quote is kept", `"ab"c,d`, []record{{1, []string{`ab"c`, "d"}}}},
		{"stray inner quotes do not swallow rows", "\"He said \"hi\" there\",x\nnext,y\n",
			[]record{{1, []string{`He said "hi" there"`, "x"}}, {2, []string{"next", "y"}}}},
		{"space before quote: unquoted", `a, "b"`, []record{{1, []string{"a", ` "b"`}}}},
		{"quoted field closing at end of input", `a,"b"`, []record{{1, []string{"a", "b"}}}},
		{"CR then LF across quoted close", "\"a\"\r\nb", []record{{1, []string{"a"}}, {2, []string{"b"}}}},
		{"quoted close then bare CR", "\"a\"\rb", []record{{1, []string{"a"}}, {2, []string{"b"}}}},
		{"non-ASCII passes through", "Müller,José\n", []record{{1, []string{"Müller", "José"}}}},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			var in io.Reader = strings.NewReader(tt.in)
			name := tt.name
			if oneByte {
				in, name = iotest.OneByteReader(in), name+"/one byte at a time"
			}
			t.Run(name, func(t *testing.T) {
				got, err := scanAll(in, 1<<10, 100)
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got  %+v\nwant %+v", got, tt.want)
				}
			})
		}
	}
}

func TestScannerErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		maxCell  int
		maxCols  int
		wantCode string
		wantLine int
	}{
		{"unclosed quote gives the line it opened", "a,b\nc,\"d\ne\nf\n", 100, 10, CodeMalformedCSV, 2},
		{"unclosed quote at the very end", `a,"`, 100, 10, CodeMalformedCSV, 1},
		{"cell too large", "a\n" + strings.Repeat("x", 11) + "\n", 10, 10, CodeCellTooLarge, 2},
		{"quoted cell too large names the quote", "a\n\"" + strings.Repeat("x\n", 6) + "\n", 10, 10, CodeCellTooLarge, 2},
		{"cell at the limit is fine, one over is not", "xxxxxxxxxx,xxxxxxxxxxx", 10, 10, CodeCellTooLarge, 1},
		{"too many columns", "a\nb\n,,,,\n", 100, 4, CodeTooManyColumns, 3},
		{"NUL byte", "a\nb\x00c\n", 100, 10, CodeBinaryFile, 2},
		{"NUL byte inside quotes", "a\n\"b\x00\"\n", 100, 10, CodeBinaryFile, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scanAll(strings.NewReader(tt.in), tt.maxCell, tt.maxCols)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want *Error %s", err, tt.wantCode)
			}
			if e.Code != tt.wantCode || e.Line != tt.wantLine {
				t.Errorf("got %s at line %d, want %s at line %d (%v)", e.Code, e.Line, tt.wantCode, tt.wantLine, e)
			}
		})
	}
}

func TestScannerCellTooLargeMessage(t *testing.T) {
	_, err := scanAll(strings.NewReader("\"never closed\n"+strings.Repeat("x", 100)), 50, 10)
	if err == nil || !strings.Contains(err.Error(), "never closes") {
		t.Errorf("error %v, want it to suspect a quote that never closes", err)
	}
}

// A read error from the file is passed on as it is, not as *Error: it is
// the server's problem, not the operator's.
func TestScannerReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := scanAll(io.MultiReader(strings.NewReader("a,b\nc"), iotest.ErrReader(boom)), 100, 10)
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
	var e *Error
	if errors.As(err, &e) {
		t.Errorf("error %v is an *Error, want a plain read error", err)
	}
}
