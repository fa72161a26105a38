package tabfile

import (
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		size     int64 // 0: len(in)
		want     sniffed
		wantCode string
	}{
		{"ASCII", "Name,Phone\n", 0, sniffed{format: FormatCSV, encoding: encUTF8}, ""},
		{"UTF-8", "Name\nMüller\n", 0, sniffed{format: FormatCSV, encoding: encUTF8}, ""},
		{"UTF-8 BOM", "\xEF\xBB\xBFName\n", 0, sniffed{format: FormatCSV, encoding: encUTF8BOM, bomLen: 3}, ""},
		{"UTF-16LE BOM", "\xFF\xFEN\x00a\x00", 0, sniffed{format: FormatCSV, encoding: encUTF16LE, bomLen: 2}, ""},
		{"UTF-16BE BOM", "\xFE\xFF\x00N\x00a", 0, sniffed{format: FormatCSV, encoding: encUTF16BE, bomLen: 2}, ""},
		{"UTF-16LE without BOM", "N\x00a\x00m\x00e\x00,\x00P\x00\n\x00", 0, sniffed{format: FormatCSV, encoding: encUTF16LE}, ""},
		{"UTF-16BE without BOM", "\x00N\x00a\x00m\x00e\x00,\x00P\x00\n", 0, sniffed{format: FormatCSV, encoding: encUTF16BE}, ""},
		{"Windows-1252", "Name\nM\xFCller\nJos\xE9\n", 0, sniffed{format: FormatCSV, encoding: encWindows1252}, ""},
		{"Windows-1252 curly quote", "Name\nO\x92Brien\n", 0, sniffed{format: FormatCSV, encoding: encWindows1252}, ""},
		{"mostly UTF-8, one stray byte", "Name\nMüller\nJosé\nO’Brien\nZo\xEB\n", 0, sniffed{format: FormatCSV, encoding: encUTF8}, ""},
		{"UTF-8 cut by the end of the prefix", "Name\nM\xC3", 100, sniffed{format: FormatCSV, encoding: encUTF8}, ""},
		{"invalid byte at the end of a whole file", "Name\nM\xC3", 0, sniffed{format: FormatCSV, encoding: encWindows1252}, ""},
		{"xlsx by content", "PK\x03\x04rest", 0, sniffed{format: FormatXLSX}, ""},
		{"empty ZIP goes to the ZIP checks", "PK\x05\x06", 0, sniffed{format: FormatXLSX}, ""},
		{"empty", "", 0, sniffed{}, CodeEmptyFile},
		{"UTF-8 BOM only", "\xEF\xBB\xBF", 0, sniffed{}, CodeEmptyFile},
		{"UTF-16 BOM only", "\xFF\xFE", 0, sniffed{}, CodeEmptyFile},
		{"PDF", "%PDF-1.7\n...", 0, sniffed{}, CodeBinaryFile},
		{"old .xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", 0, sniffed{}, CodeBinaryFile},
		{"gzip", "\x1F\x8B\x08\x00", 0, sniffed{}, CodeBinaryFile},
		{"NUL bytes", "Name\nab\x00\x00\x00\x00\x00cd\x00\x00\n", 0, sniffed{}, CodeBinaryFile},
		{"NUL bytes after a UTF-8 BOM", "\xEF\xBB\xBFName\x00\n", 0, sniffed{}, CodeBinaryFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := tt.size
			if size == 0 {
				size = int64(len(tt.in))
			}
			got, err := sniff([]byte(tt.in), size)
			if tt.wantCode != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.wantCode {
					t.Fatalf("sniff(%q) error %v, want %s", tt.in, err, tt.wantCode)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("sniff(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

// The messages say what the file is and what to do about it.
func TestSniffBinaryMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", ".xls"},
		{"%PDF-1.4", "PDF"},
	}
	for _, tt := range tests {
		_, err := sniff([]byte(tt.in), int64(len(tt.in)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("sniff(%q) error %v, want it to mention %q", tt.in, err, tt.want)
		}
	}
}
