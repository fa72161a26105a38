package vcard

import "testing"

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"3.0", "BEGIN:VCARD\r\nVERSION:3.0\r\n", true},
		{"lower case", "begin:vcard\nversion:2.1\n", true},
		{"BOM", "\xEF\xBB\xBFBEGIN:VCARD\r\n", true},
		{"leading blank lines and spaces", "\r\n\n  \tBEGIN:VCARD\n", true},
		{"cut right after BEGIN:VCARD", "BEGIN:VCARD", true},
		{"UTF-16LE with BOM", utf16("\uFEFFBEGIN:VCARD\r\n", false), true},
		{"UTF-16BE with BOM", utf16("\uFEFFBEGIN:VCARD\r\n", true), true},
		{"UTF-16LE without BOM", utf16("BEGIN:VCARD\r\nVERSION:3.0\r\n", false), true},
		{"UTF-16BE without BOM", utf16("BEGIN:VCARD\r\nVERSION:3.0\r\n", true), true},
		{"UTF-16 cut in the middle of a character", utf16("BEGIN:VCARD\r\nV", true)[:27], true},
		{"empty", "", false},
		{"cut before the end of BEGIN:VCARD", "BEGIN:VCA", false},
		{"another BEGIN", "BEGIN:VCALENDAR\r\n", false},
		{"BEGIN:VCARDS", "BEGIN:VCARDS\r\n", false},
		{"CSV", "Name,Phone\r\nAnn,1\r\n", false},
		{"text before", "Contacts\r\nBEGIN:VCARD\r\n", false},
		{"zip", "PK\x03\x04", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

func TestDetectEncoding(t *testing.T) {
	tests := []struct {
		head string
		want string
		bom  int
	}{
		{"BEGIN:VCARD\n", encUTF8, 0},
		{"BEGIN:VCARD\nFN:Zoë\n", encUTF8, 0},
		{"\xEF\xBB\xBFBEGIN:VCARD\n", encUTF8BOM, 3},
		{"\xFF\xFEB\x00", encUTF16LE, 2},
		{"\xFE\xFF\x00B", encUTF16BE, 2},
		{"B\x00E\x00G\x00I\x00", encUTF16LE, 0},
		{"\x00B\x00E\x00G\x00I", encUTF16BE, 0},
		{"BEGIN:VCARD\nFN:Zo\xEB\n", encWindows1252, 0},
		// Mostly UTF-8 with a stray byte: stays UTF-8 (see decodeText).
		{"FN:Zoë\nFN:Zoë\nFN:Zo\xEB\n", encUTF8, 0},
		// A character cut by the end of the prefix is not a stray byte.
		{"FN:Zo\xC3", encUTF8, 0},
	}
	for _, tt := range tests {
		got, bom := detectEncoding([]byte(tt.head))
		if got != tt.want || bom != tt.bom {
			t.Errorf("detectEncoding(%q) = %q, %d; want %q, %d", tt.head, got, bom, tt.want, tt.bom)
		}
	}
}
