package exporter

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// testRow is a row of a lean read of id and phone_e164.
type testRow struct {
	id    int64
	phone string
}

func (r testRow) Bytes(int) []byte      { return []byte(r.phone) }
func (r testRow) Int(int) (int64, bool) { return r.id, true }
func (r testRow) Bool(int) bool         { return false }
func (r testRow) Time(int) time.Time    { return time.Time{} }

// Past Excel's row limit an XLSX export goes on in a new sheet, each with
// the header.
func TestXLSXRollsOverToNewSheets(t *testing.T) {
	defer func(n int) { xlsxRowsPerSheet = n }(xlsxRowsPerSheet)
	xlsxRowsPerSheet = 3 // header and two rows a sheet
	var buf bytes.Buffer
	cols := []column{{name: "id", op: opInt, slot: 0}, {name: "phone_e164", slot: 1}}
	w, err := newXLSXWriter(&buf, cols, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if err := w.Row(testRow{int64(i), fmt.Sprintf("+9199000000%02d", i)}); err != nil {
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

// A cell is written exactly as encoding/csv (UseCRLF) writes its
// neutralised text: the CSV writer only skips making strings.
func TestCSVCellsMatchEncodingCSV(t *testing.T) {
	alphabet := []string{"a", "Z", "1", ",", `"`, "\r", "\n", " ", "\t", "\v", "=", "+", "-", "@", `\`, ".", "'", "é", "\u00a0", "\u0085", "\u2028", "日"}
	cases := []string{"", `\.`, `\..`, " x", "\u00a0x", "=1+2", "\tx", "\rx", "a,b", `say "hi"`, "l1\nl2", "l1\r\nl2"}
	rng := rand.New(rand.NewPCG(3, 4))
	for len(cases) < 5000 {
		var b strings.Builder
		for n := rng.IntN(6); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	w := &csvWriter{}
	for _, s := range cases {
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		cw.UseCRLF = true
		cw.Write([]string{Neutralise(s)})
		cw.Flush()
		got := w.finishCell([]byte("x,"+s), 2, isFormulaStart([]byte(s)))
		if g, wt := string(got[2:])+"\r\n", want.String(); g != wt {
			t.Errorf("cell %q: wrote %q, encoding/csv writes %q", s, g, wt)
		}
	}
}

// A row is written exactly as encoding/csv (UseCRLF) writes its
// neutralised cells, whether its cells need quotes or not.
func TestCSVRowsMatchEncodingCSV(t *testing.T) {
	alphabet := []string{"a", "Z", "1", "12", ",", `"`, "\r", "\n", " ", "\t", "=", "+", "-", "@", `\`, ".", "é", "\u00a0", "日", "", ""}
	cols := make([]column, 4)
	for i := range cols {
		cols[i] = column{name: fmt.Sprint("c", i), slot: i, op: opText}
	}
	var got bytes.Buffer
	w, err := newCSVWriter(&got, cols, false)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	cw := csv.NewWriter(&want)
	cw.UseCRLF = true
	cw.Write([]string{"c0", "c1", "c2", "c3"})
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		row := make(textRow, len(cols))
		for i := range row {
			var b strings.Builder
			for n := rng.IntN(4); n > 0; n-- {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			row[i] = b.String()
		}
		if err := w.Row(row); err != nil {
			t.Fatal(err)
		}
		neutral := make([]string, len(row))
		for i, s := range row {
			neutral[i] = Neutralise(s)
		}
		cw.Write(neutral)
	}
	w.Close()
	cw.Flush()
	if got.String() != want.String() {
		g, wt := strings.Split(got.String(), "\r\n"), strings.Split(want.String(), "\r\n")
		for i := range min(len(g), len(wt)) {
			if g[i] != wt[i] {
				t.Fatalf("line %d: wrote %q, encoding/csv writes %q", i, g[i], wt[i])
			}
		}
		t.Fatalf("wrote %d lines, encoding/csv writes %d", len(g), len(wt))
	}
}

// textRow is a row of text fields, for the CSV writer.
type textRow []string

func (r textRow) Bytes(i int) []byte     { return []byte(r[i]) }
func (r textRow) Int(int) (int64, bool)  { return 0, false }
func (r textRow) Bool(int) bool          { return false }
func (r textRow) Time(int) (t time.Time) { return t }
