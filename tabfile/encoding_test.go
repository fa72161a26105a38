package tabfile

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// mojibake is what UTF-8 read as Windows-1252 (or the reverse gone wrong)
// looks like; none of it may ever come out of a reader.
var mojibake = []string{"Ã¼", "Ã©", "â€™", "â€", "Ã", "\uFFFD"}

func checkNoMojibake(t *testing.T, rows []Row) {
	t.Helper()
	for _, row := range rows {
		for _, f := range row.Fields {
			for _, m := range mojibake {
				if strings.Contains(f, m) {
					t.Errorf("line %d: field %q holds %q", row.Line, f, m)
				}
			}
		}
	}
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding %q: %v", s, err)
	}
	return b
}

// contactsText has what encodings get wrong: accents, a curly apostrophe,
// a multi-line cell, and (outside Windows-1252) a character beyond the
// Basic Multilingual Plane, which UTF-16 stores as a surrogate pair.
const contactsText = "Name;City;Note\r\nMüller;Köln;O’Brien’s friend\r\nJosé;São Paulo;\"two\r\nlines\"\r\nZoë;Zürich;€5\r\n"

var contactsRows = []Row{
	{Line: 2, Fields: []string{"Müller", "Köln", "O’Brien’s friend"}},
	{Line: 3, Fields: []string{"José", "São Paulo", "two\r\nlines"}},
	{Line: 5, Fields: []string{"Zoë", "Zürich", "€5"}},
}

func TestEncodings(t *testing.T) {
	emoji := strings.Replace(contactsText, "€5", "€5 😀", 1)
	emojiRows := append([]Row(nil), contactsRows...)
	emojiRows[2] = Row{Line: 5, Fields: []string{"Zoë", "Zürich", "€5 😀"}}

	tests := []struct {
		name string
		data []byte
		enc  string
		rows []Row
	}{
		{"UTF-8", []byte(emoji), encUTF8, emojiRows},
		{"UTF-8 with BOM", append([]byte("\xEF\xBB\xBF"), emoji...), encUTF8BOM, emojiRows},
		{"UTF-16LE with BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), emoji), encUTF16LE, emojiRows},
		{"UTF-16BE with BOM", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), emoji), encUTF16BE, emojiRows},
		{"UTF-16LE without BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), emoji), encUTF16LE, emojiRows},
		{"Windows-1252", encode(t, charmap.Windows1252, contactsText), encWindows1252, contactsRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustOpen(t, tt.data, Options{})
			info := r.Info()
			if info.Encoding != tt.enc || info.Delimiter != ";" {
				t.Errorf("Info encoding %q delimiter %q, want %q ';'", info.Encoding, info.Delimiter, tt.enc)
			}
			if want := []string{"Name", "City", "Note"}; !reflect.DeepEqual(info.Headers, want) {
				t.Errorf("Headers = %q, want %q", info.Headers, want)
			}
			rows := readAll(t, r)
			if !reflect.DeepEqual(rows, tt.rows) {
				t.Errorf("rows\n got  %+v\n want %+v", rows, tt.rows)
			}
			checkNoMojibake(t, rows)
		})
	}
}

// The bytes Windows-1252 leaves undefined come out as the C1 controls of
// the same value, not as U+FFFD.
func TestWindows1252UndefinedBytes(t *testing.T) {
	r := mustOpen(t, []byte("Name\nA\x81B\x8DC\x8FD\x90E\x9D\xE9\n"), Options{})
	rows := readAll(t, r)
	if got, want := rows[0].Fields[0], "A\u0081B\u008DC\u008FD\u0090E\u009Dé"; got != want {
		t.Errorf("field = %q, want %q", got, want)
	}
}

// A byte that is not UTF-8 past the sniffed megabyte of a UTF-8 file is
// read as Windows-1252, and only that byte: the UTF-8 around it stays.
func TestLateInvalidByte(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("Name,City\n")
	lines := 1
	for b.Len() <= sniffSize {
		b.WriteString("José Müller,Köln\n")
		lines++
	}
	b.WriteString("Zo\xEB Brontë,Ume\xE5\n") // Windows-1252 ë and å, UTF-8 ë
	b.WriteString("Ann,Berlin\n")

	r := mustOpen(t, b.Bytes(), Options{})
	if got := r.Info().Encoding; got != encUTF8 {
		t.Fatalf("Encoding = %q, want utf-8 (the prefix is UTF-8)", got)
	}
	rows := readAll(t, r)
	checkNoMojibake(t, rows)
	if len(rows) != lines+1 {
		t.Fatalf("%d rows, want %d", len(rows), lines+1)
	}
	late, after := rows[len(rows)-2], rows[len(rows)-1]
	want := Row{Line: lines + 1, Fields: []string{"Zoë Brontë", "Umeå"}, Recoded: true}
	if !reflect.DeepEqual(late, want) {
		t.Errorf("late row = %+v, want %+v", late, want)
	}
	if after.Recoded || rows[0].Recoded {
		t.Errorf("Recoded set on rows with only UTF-8")
	}
}

// A UTF-8 file with a stray Windows-1252 byte inside the sniffed prefix is
// still UTF-8: reading it all as Windows-1252 would garble every accent.
func TestMostlyUTF8(t *testing.T) {
	in := "Name,Note\nJosé,it’s\nMüller,ok\nZo\xEB,x\nSøren,y\n"
	r := mustOpen(t, []byte(in), Options{})
	if got := r.Info().Encoding; got != encUTF8 {
		t.Errorf("Encoding = %q, want utf-8", got)
	}
	rows := readAll(t, r)
	checkNoMojibake(t, rows)
	var got []string
	for _, row := range rows {
		got = append(got, row.Fields[0])
	}
	if want := []string{"José", "Müller", "Zoë", "Søren"}; !reflect.DeepEqual(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}
}

// A Windows-1252 file read whole as Windows-1252: its curly apostrophe
// (0x92) comes out as ’, and no UTF-8 is guessed in it.
func TestWindows1252NoMojibake(t *testing.T) {
	in := []byte("Name,Note\nO\x92Brien,caf\xE9\nM\xFCller,\x93quoted\x94\n")
	r := mustOpen(t, in, Options{})
	if got := r.Info().Encoding; got != encWindows1252 {
		t.Errorf("Encoding = %q, want windows-1252", got)
	}
	rows := readAll(t, r)
	checkNoMojibake(t, rows)
	want := []Row{
		{Line: 2, Fields: []string{"O’Brien", "café"}},
		{Line: 3, Fields: []string{"Müller", "“quoted”"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %+v, want %+v", rows, want)
	}
}

// A NUL in UTF-16 text (U+0000) is as wrong as in UTF-8.
func TestUTF16NUL(t *testing.T) {
	data := encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "Name\nA\x00B\n")
	r := mustOpen(t, data, Options{})
	_, err := r.Next()
	if e, ok := err.(*Error); !ok || e.Code != CodeBinaryFile || e.Line != 2 {
		t.Errorf("Next error %v, want binary_file at line 2", err)
	}
}
