package exporter

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/contactd/contactd"
)

// Past Excel's row limit an XLSX export goes on in a new sheet, each with
// the header.
func TestXLSXRollsOverToNewSheets(t *testing.T) {
	defer func(n int) { xlsxRowsPerSheet = n }(xlsxRowsPerSheet)
	xlsxRowsPerSheet = 3 // header and two rows a sheet
	var buf bytes.Buffer
	cols := []column{{name: "id"}, {name: "phone_e164"}}
	w, err := newXLSXWriter(&buf, cols, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if err := w.Row(&contactd.Contact{ID: int64(i), PhoneE164: fmt.Sprintf("+9199000000%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		got = append(got, fmt.Sprintf("%s%v", sheet, rows))
	}
	want := "[Contacts[[id phone_e164] [1 +919900000001] [2 +919900000002]] Contacts 2[[id phone_e164] [3 +919900000003] [4 +919900000004]] Contacts 3[[id phone_e164] [5 +919900000005]]]"
	if fmt.Sprint(got) != want {
		t.Errorf("sheets:\n%v\nwant\n%s", got, want)
	}
}
