package api_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd/store/storetest"
)

// zipOf is a ZIP archive of files, deflated.
func zipOf(files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
	zw.Close()
	return buf.Bytes()
}

// The parts of a minimal workbook, less its sheet.
var workbookParts = map[string]string{
	"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
	"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`

// inflating is a deflate stream of sheetHead followed by n MiB of spaces,
// made without compressing them: one flushed block of 1 MiB of spaces,
// repeated (each copy refers back only to spaces), then an empty final
// block. Its CRC is that of the whole inflated text.
type inflating struct {
	data []byte
	size uint64
	crc  uint32
}

var spaceBlock = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(bytes.Repeat([]byte(" "), 1<<20))
	fw.Flush()
	return buf.Bytes()
})

func inflatingSheet(mib int) inflating {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write([]byte(sheetHead))
	fw.Flush()
	block := spaceBlock()
	spaces := bytes.Repeat([]byte(" "), 1<<20)
	crc := crc32.ChecksumIEEE([]byte(sheetHead))
	for i := 0; i < mib; i++ {
		buf.Write(block)
		crc = crc32.Update(crc, crc32.IEEETable, spaces)
	}
	buf.Write([]byte{0x03, 0x00}) // an empty final block
	return inflating{data: buf.Bytes(), size: uint64(len(sheetHead)) + uint64(mib)<<20, crc: crc}
}

// bombXLSX is a workbook whose part name is the inflating stream s,
// declaring declared bytes unpacked (s.size when 0: an honest archive).
func bombXLSX(t testing.TB, name string, s inflating, declared uint64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, content := range workbookParts {
		w, _ := zw.Create(n)
		w.Write([]byte(content))
	}
	if name != "xl/worksheets/sheet1.xml" {
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		w.Write([]byte(sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>Phone</t></is></c></row></sheetData></worksheet>`))
	}
	if declared == 0 {
		declared = s.size
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: s.crc,
		CompressedSize64: uint64(len(s.data)), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(s.data)
	zw.Close()
	return buf.Bytes()
}

// manyEntriesXLSX is a workbook with n more tiny parts.
func manyEntriesXLSX(n int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range workbookParts {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write([]byte(sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>Phone</t></is></c></row></sheetData></worksheet>`))
	for i := 0; i < n; i++ {
		w, _ := zw.Create(fmt.Sprintf("xl/media/image%d.png", i))
		w.Write([]byte("x"))
	}
	zw.Close()
	return buf.Bytes()
}

// ZIP bombs dressed as workbooks are refused with xlsx_invalid, quickly and
// without unpacking them, on both upload routes and in a dry run; nothing is
// written and nothing is left in the upload folder.
func TestXLSXBombs(t *testing.T) {
	gib4 := inflatingSheet(4 << 10)   // 4 GiB of sheet from 4 MiB
	justUnder := inflatingSheet(1000) // 1000 MiB, under the 1 GiB unpacked limit
	// A part that declares less than it inflates to is cut at what it
	// declares (archive/zip refuses to read further), so its sheet reads
	// as empty.
	bombs := []struct {
		name string
		file []byte
		code string
	}{
		{"sheet of 4 GiB", bombXLSX(t, "xl/worksheets/sheet1.xml", gib4, 0), "xlsx_invalid"},
		{"sheet of 4 GiB declared as 1 KiB", bombXLSX(t, "xl/worksheets/sheet1.xml", gib4, 1024), "empty_file"},
		{"sheet of 1000 MiB", bombXLSX(t, "xl/worksheets/sheet1.xml", justUnder, 0), "xlsx_invalid"},
		{"shared strings of 1000 MiB", bombXLSX(t, "xl/sharedStrings.xml", justUnder, 0), "xlsx_invalid"},
		{"image of 1000 MiB held in memory", bombXLSX(t, "xl/media/image1.png", justUnder, 0), "xlsx_invalid"},
		{"5000 entries", manyEntriesXLSX(5000), "xlsx_invalid"},
	}
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			h := newHostileEnv(t, engine)
			for _, b := range bombs {
				for _, route := range []struct{ path, dry string }{
					{"/api/v1/contacts/import", "false"}, {"/api/v1/contacts/import", "true"}, {"/api/v1/dnc/import", ""},
				} {
					t.Run(b.name+" "+route.path+" dry_run="+route.dry, func(t *testing.T) {
						parts := []part{{name: "file", filename: "bomb.xlsx", content: string(b.file)}}
						if route.dry != "" {
							parts = append(parts, part{name: "dry_run", content: route.dry})
						}
						body, ct := multipartBody(parts...)
						before := h.snapshot(t)
						runtime.GC()
						var m0, m1 runtime.MemStats
						runtime.ReadMemStats(&m0)
						start := time.Now()
						r := h.do("POST", route.path, h.write, body, "Content-Type", ct)
						took := time.Since(start)
						runtime.ReadMemStats(&m1)
						checkProblem(t, r, 422, b.code)
						// The server runs in this process: what it allocated
						// shows in the test's own counters.
						if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 64<<20 {
							t.Errorf("refusing the bomb allocated %d MiB", alloc>>20)
						}
						if took > 5*time.Second {
							t.Errorf("refusing the bomb took %v", took)
						}
						if changed := before.diff(h.snapshot(t)); len(changed) > 0 {
							t.Errorf("a refused upload changed the database:\n%s", strings.Join(changed, "\n"))
						}
						t.Logf("%d KiB upload refused in %v", len(b.file)>>10, took.Round(time.Millisecond))
					})
				}
			}
			if entries, _ := os.ReadDir(h.tempDir); len(entries) > 0 {
				t.Errorf("uploads left in the temporary folder: %v", entries)
			}
		})
	}
}

// A filename is only a label: traversal, absolute paths and NUL reach no
// path on disk, and the import shows only a harmless base name.
func TestUploadFilenamesReachNoPath(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			h := newHostileEnv(t, engine)
			names := map[string]string{
				"../../etc/passwd":              "passwd",
				"/etc/passwd":                   "passwd",
				`..\..\windows\win.ini`:         "win.ini",
				"../../":                        "upload",
				"..":                            "upload",
				strings.Repeat("x", 5000):       strings.Repeat("x", 200) + "…",
				"%2e%2e%2f%2e%2e%2fetc%2fhosts": "%2e%2e%2f%2e%2e%2fetc%2fhosts",
			}
			i := 0
			for name, want := range names {
				i++
				csvFile := fmt.Sprintf("Phone,Name\n+9199000001%02d,Zed\n", i)
				body, ct := multipartBody(part{name: "file", filename: name, content: csvFile}, part{name: "mode", content: "create_only"})
				r := h.do("POST", "/api/v1/contacts/import", h.write, body, "Content-Type", ct)
				if r.status != 202 {
					t.Errorf("%q: %d %s", name, r.status, r.body)
					continue
				}
				if got := r.json(t)["filename"]; got != want {
					t.Errorf("%q is shown as %q, want %q", name, got, want)
				}
			}
			for _, p := range []string{"../../etc/passwd", "../etc/passwd", "passwd", "../../windows/win.ini"} {
				if _, err := os.Stat(filepath.Join(h.tempDir, p)); err == nil {
					t.Errorf("an upload reached %s", filepath.Join(h.tempDir, p))
				}
			}
			if entries, _ := os.ReadDir(h.tempDir); len(entries) > 0 {
				t.Errorf("uploads left in the temporary folder: %v", entries)
			}
		})
	}
}

// Cells a spreadsheet would run as formulas import as plain data, exactly
// as written, and come out of a CSV export escaped.
func TestFormulaCellsImportAsDataAndExportEscaped(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.startRunner()
		file := "Phone,First Name,Last Name,Company,City\n" +
			`+919900000101,"=HYPERLINK(""http://evil.example"",""x"")",-2+3,@SUM(A1),+cmd` + "\n" +
			"+919900000102,=1+1,\t=tab,\r=cr,ok\n"
		r := e.upload(e.write, map[string]string{"column_mapping": `{"Phone":"phone_e164","First Name":"first_name","Last Name":"last_name","Company":"company","City":"city"}`}, "f.csv", file)
		if r.status != 202 {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		imp := e.waitImport(idOf(r.json(t)))
		if imp["status"] != "completed" || imp["created"] != float64(2) {
			t.Fatalf("import: %v", imp)
		}
		list := e.do("GET", "/api/v1/contacts?search=99000001", e.read, nil).json(t)
		got := map[string]map[string]any{}
		for _, c := range list["data"].([]any) {
			c := c.(map[string]any)
			got[c["phone_e164"].(string)] = c
		}
		first := got["+919900000101"]
		if first == nil || first["first_name"] != `=HYPERLINK("http://evil.example","x")` || first["last_name"] != "-2+3" ||
			first["company"] != "@SUM(A1)" || first["city"] != "+cmd" {
			t.Fatalf("formula cells were not kept as data: %v", first)
		}
		exp := e.do("POST", "/api/v1/contact-exports", e.write, map[string]any{"format": "csv", "fields": []string{"phone_e164", "first_name", "last_name", "company", "city"}})
		if exp.status != 202 {
			t.Fatalf("export: %d %s", exp.status, exp.body)
		}
		done := e.runExport(idOf(exp.json(t)))
		dl := e.do("GET", done["download_url"].(string), e.read, nil)
		records, err := csv.NewReader(bytes.NewReader(dl.body)).ReadAll()
		if err != nil {
			t.Fatalf("export is not CSV: %v\n%s", err, dl.body)
		}
		for _, rec := range records[1:] {
			for _, cell := range rec[1:] {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("exported cell %q would run as a formula", cell)
				}
			}
		}
		if !strings.Contains(string(dl.body), `'=HYPERLINK(""http://evil.example"",""x"")`) {
			t.Errorf("the formula was not escaped as text:\n%s", dl.body)
		}
	})
}
