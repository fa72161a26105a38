package vcard

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// readRows reads every card of r, failing the test on an error, and
// returns their lines and their fields by header.
func readRows(t *testing.T, r *Reader) (lines []int, rows []map[string]string) {
	t.Helper()
	for {
		line, fields, err := r.Next()
		if err == io.EOF {
			return lines, rows
		}
		if err != nil {
			t.Fatalf("Next after %d cards: %v", len(rows), err)
		}
		if len(fields) != len(Headers) {
			t.Fatalf("line %d: %d fields, want %d", line, len(fields), len(Headers))
		}
		row := map[string]string{}
		for i, v := range fields {
			row[Headers[i]] = v
		}
		lines, rows = append(lines, line), append(rows, row)
	}
}

// readString reads a whole file given as text.
func readString(t *testing.T, s string) (lines []int, rows []map[string]string) {
	t.Helper()
	r, err := Open(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return readRows(t, r)
}

// readErr reads a file to its first error, which it returns.
func readErr(s string) error {
	r, err := Open(strings.NewReader(s))
	if err != nil {
		return err
	}
	for {
		if _, _, err := r.Next(); err != nil {
			return err
		}
	}
}

// vcf wraps properties in a 3.0 card with LF line breaks.
func vcf(props ...string) string {
	return "BEGIN:VCARD\nVERSION:3.0\n" + strings.Join(props, "\n") + "\nEND:VCARD\n"
}

func TestLineEndingsAndFolding(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		lines []int
		note  string
	}{
		{"LF", "BEGIN:VCARD\nNOTE:a\nEND:VCARD\nBEGIN:VCARD\nEND:VCARD\n", []int{1, 4}, "a"},
		{"CR LF", "BEGIN:VCARD\r\nNOTE:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\n", []int{1, 4}, "a"},
		{"bare CR", "BEGIN:VCARD\rNOTE:a\rEND:VCARD\rBEGIN:VCARD\rEND:VCARD\r", []int{1, 4}, "a"},
		// Each CR CR LF shows as two lines in an editor.
		{"CR CR LF", "BEGIN:VCARD\r\r\nNOTE:a\r\r\nEND:VCARD\r\r\nBEGIN:VCARD\r\r\nEND:VCARD\r\r\n", []int{1, 7}, "a"},
		{"no final line break", "BEGIN:VCARD\nNOTE:a\nEND:VCARD", []int{1}, "a"},
		{"blank lines between cards", "\n\nBEGIN:VCARD\nNOTE:a\n\nEND:VCARD\n\n\nBEGIN:VCARD\nEND:VCARD\n\n", []int{3, 9}, "a"},
		{"folded with space", "BEGIN:VCARD\nNOTE:ab\n cd\n  ef\nEND:VCARD\nBEGIN:VCARD\nEND:VCARD\n", []int{1, 6}, "abcd ef"},
		{"folded with tab", "BEGIN:VCARD\r\nNOTE:ab\r\n\tcd\r\nEND:VCARD\r\n", []int{1}, "abcd"},
		{"folded in the name", "BEGIN:VCARD\r\nNO\r\n TE:ab\r\nEND:VCARD\r\n", []int{1}, "ab"},
		// Apple's PHOTO parameters run past 75 columns and get folded.
		{"folded in the parameters", "BEGIN:VCARD\r\nNOTE:a\r\nPHOTO;X-ABCROP-RECTANGLE=ABClipRect_1&0&0&9\r\n 9&9&Gz==;ENCODING=b;TYPE=JPEG:/9j/4AA\r\n QSkZJRg\r\nEND:VCARD\r\n", []int{1}, "a"},
		{"folded CR CR LF", "BEGIN:VCARD\r\r\nNOTE:ab\r\r\n cd\r\r\nEND:VCARD\r\r\n", []int{1}, "abcd"},
		{"QP soft break", "BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=3Db=\r\nc=0D=0Ad\r\nEND:VCARD\r\n", []int{1}, "a=bc\r\nd"},
		{"QP soft break, continuation looks like a property", "BEGIN:VCARD\nNOTE;QUOTED-PRINTABLE:a=\nTEL:1\nEND:VCARD\n", []int{1}, "aTEL:1"},
		{"QP soft break then blank line", "BEGIN:VCARD\r\nNOTE;QUOTED-PRINTABLE:a=\r\n\r\nTEL:1\r\nEND:VCARD\r\n", []int{1}, "a"},
		{"QP last soft break before END", "BEGIN:VCARD\r\nNOTE;QUOTED-PRINTABLE:a=\r\nEND:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\n", []int{1, 4}, "a"},
		{"no soft break without QP", "BEGIN:VCARD\nNOTE:a=\nEND:VCARD\n", []int{1}, "a="},
		{"bare CR inside a value", "BEGIN:VCARD\r\nNOTE:custom\r3\r\nEND:VCARD\r\n", []int{1}, "custom\n3"},
		{"raw line break inside a value", "BEGIN:VCARD\nNOTE:first\nsecond line: more\nEND:VCARD\n", []int{1}, "first\nsecond line: more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, rows := readString(t, tt.file)
			if !equalInts(lines, tt.lines) {
				t.Errorf("lines %v, want %v", lines, tt.lines)
			}
			if got := rows[0]["Note"]; got != tt.note {
				t.Errorf("Note = %q, want %q", got, tt.note)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		code string
		line int
	}{
		{"empty", "", CodeEmptyFile, 0},
		{"only whitespace and BOM", "\xEF\xBB\xBF \r\n\t\n", CodeEmptyFile, 0},
		{"not a vCard", "Name,Phone\nAnn,1\n", CodeMalformed, 1},
		{"END without BEGIN", "BEGIN:VCARD\nEND:VCARD\nEND:VCARD\n", CodeMalformed, 3},
		{"text between cards", "BEGIN:VCARD\nEND:VCARD\nFN:x\nBEGIN:VCARD\nEND:VCARD\n", CodeMalformed, 3},
		{"no colon on the first line of a card", "BEGIN:VCARD\nJohn Smith\nEND:VCARD\n", CodeMalformed, 2},
		{"file ends inside a card", "BEGIN:VCARD\nFN:a\nEND:VCARD\nBEGIN:VCARD\nFN:b\n", CodeMalformed, 4},
		{"file ends inside a folded value", "BEGIN:VCARD\nNOTE:a\n b", CodeMalformed, 1},
		{"card begins inside a card", "BEGIN:VCARD\nFN:a\nBEGIN:VCARD\nFN:b\nEND:VCARD\n", CodeMalformed, 1},
		{"nested AGENT card never ends", "BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nFN:b\n", CodeMalformed, 1},
		{"value over 64 KiB", vcf("FN:a", "NOTE:"+strings.Repeat("x", maxValue+1)), CodeCellTooLarge, 4},
		{"value over what is ever read", vcf("FN:a", "NOTE:"+strings.Repeat("x", 4*maxValue)), CodeCellTooLarge, 4},
		{"folded value over 64 KiB", vcf("NOTE:" + strings.Repeat("x\n ", maxValue+1)), CodeCellTooLarge, 3},
		{"notes together over 64 KiB", vcf(strings.Repeat("NOTE:"+strings.Repeat("x", 1000)+"\n", 70)), CodeCellTooLarge, 3 + 65},
		{"phones past Phone (5) over 64 KiB", vcf(strings.Repeat("TEL:"+strings.Repeat("1", 1000)+"\n", 75)), CodeCellTooLarge, 1},
		// Phones wait for END:VCARD, but not past what the columns can hold.
		{"phones past any columns", vcf(strings.Repeat("TEL:"+strings.Repeat("1", 1000)+"\n", 400)), CodeCellTooLarge, 3 + 391},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readErr(tt.file)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if e.Code != tt.code || e.Line != tt.line {
				t.Errorf("got %s at line %d (%v), want %s at line %d", e.Code, e.Line, e, tt.code, tt.line)
			}
		})
	}
}

// TestErrorIsSticky: the importer resumes by counting rows, so after an
// error Next must not go on to later cards.
func TestErrorIsSticky(t *testing.T) {
	r, err := Open(strings.NewReader("BEGIN:VCARD\nFN:a\nEND:VCARD\nJUNK\nBEGIN:VCARD\nFN:b\nEND:VCARD\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, _, first := r.Next()
	_, _, again := r.Next()
	if first == nil || again != first {
		t.Errorf("Next returned %v, then %v; want the same error twice", first, again)
	}
}

// TestLenient covers what real files do that the RFCs do not allow.
func TestLenient(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		cards int
		want  map[string]string // of the first card
	}{
		{"BOM before the second card (files joined with cat)",
			"\xEF\xBB\xBFBEGIN:VCARD\nFN:a\nEND:VCARD\n\xEF\xBB\xBFBEGIN:VCARD\nFN:b\nEND:VCARD\n", 2, map[string]string{"Full Name": "a"}},
		{"Ctrl-Z at the end (Windows copy)", "BEGIN:VCARD\r\nFN:a\r\nEND:VCARD\r\n\x1a", 1, map[string]string{"Full Name": "a"}},
		{"lower case", "begin:vcard\nfn:a\ntel;type=cell:1\nend:vcard\n", 1, map[string]string{"Full Name": "a", "Mobile Phone": "1"}},
		{"2.1 base64 not indented, ended by a blank line",
			"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:a\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ\r\nSkZJRgABAQ\r\nAAAQABAAD\r\n\r\nTEL;CELL:1\r\nEND:VCARD\r\n",
			1, map[string]string{"Full Name": "a", "Mobile Phone": "1"}},
		{"2.1 AGENT holding a card", "BEGIN:VCARD\nVERSION:2.1\nFN:a\nAGENT:\nBEGIN:VCARD\nFN:b\nTEL:2\nEND:VCARD\nTEL:1\nEND:VCARD\n",
			1, map[string]string{"Full Name": "a", "Phone": "1", "Phone (2)": ""}},
		{"empty card", "BEGIN:VCARD\nEND:VCARD\n", 1, map[string]string{"Full Name": ""}},
		{"huge values without a column are skipped",
			vcf("X-MS-OL-DESIGN:"+strings.Repeat("<x/>", maxValue), "item1.X-ABLabel:"+strings.Repeat("m", 4*maxValue), "FN:a"),
			1, map[string]string{"Full Name": "a"}},
		{"END:VCARD with spaces", "BEGIN:VCARD \nFN:a\nEND:VCARD  \n", 1, map[string]string{"Full Name": "a"}},
		{"NUL bytes dropped", "BEGIN:VCARD\nFN:a\x00b\nEND:VCARD\n", 1, map[string]string{"Full Name": "ab"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readString(t, tt.file)
			if len(rows) != tt.cards {
				t.Fatalf("%d cards, want %d", len(rows), tt.cards)
			}
			for h, w := range tt.want {
				if got := rows[0][h]; got != w {
					t.Errorf("%s = %q, want %q", h, got, w)
				}
			}
		})
	}
}
