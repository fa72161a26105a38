package dncimport

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/tabfile"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		name, content, column string
		want                  layout
		code                  string
	}{
		{"one number a line", "+919900000001\n+919900000002\n", "", layout{headerIsData: true, areaCol: -1}, ""},
		{"national forms, no header", "09900000001\n", "", layout{headerIsData: true, areaCol: -1}, ""},
		{"FTC flat file", "201,5550123\n201,5550124\n", "", layout{headerIsData: true, col: 1, areaCol: 0}, ""},
		{"a titled single column", "Numbers to block\n+919900000001\n", "", layout{areaCol: -1}, ""},
		{"a phone column", "Name,Mobile Number,Note\nA,99,x\n", "", layout{col: 1, areaCol: -1}, ""},
		{"area code and number columns", "Area Code,Phone\n201,5550123\n", "", layout{col: 1, areaCol: 0}, ""},
		{"a named column", "Name,Whatsapp\nA,99\n", "whatsapp", layout{col: 1, areaCol: -1}, ""},
		{"no number column", "Name,City\nA,Pune\n", "", layout{}, "no_number_column"},
		{"a named column that is missing", "Name,Phone\nA,99\n", "Fax", layout{}, "no_number_column"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.csv")
			if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rd, err := tabfile.OpenFile(f, tabfile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			got, err := detect(rd.Info(), c.column)
			if c.code != "" {
				if contactd.ErrorCode(err) != c.code {
					t.Fatalf("error %v, want %s", err, c.code)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("detect = %+v, %v; want %+v", got, err, c.want)
			}
			// The rows a layout yields: an FTC row becomes one US number.
			if c.want.areaCol == 0 && c.want.headerIsData {
				r, err := newRowSource(rd, got).next()
				if err != nil || r.Number != "2015550123" || r.Region != "US" || r.Line != 1 {
					t.Errorf("first FTC row: %+v %v", r, err)
				}
			}
		})
	}
}
