package tabfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// zipWith is a workbook directory with extra parts whose sizes are declared
// as given; the parts' data is a few bytes, since checkZip reads only the
// directory.
func zipWith(t *testing.T, parts map[string][2]uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/workbook.xml")
	w.Write([]byte("<workbook/>"))
	for name, size := range parts {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, UncompressedSize64: size[0], CompressedSize64: size[1]})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{0x03, 0x00})
	}
	zw.Close()
	return buf.Bytes()
}

// The directory alone gives a ZIP bomb away: too many parts, a part that
// inflates far more than any sheet does, or more than maxInMemory bytes of
// parts excelize would hold in memory. Real workbooks pass.
func TestCheckZipRefusesBombs(t *testing.T) {
	many := map[string][2]uint64{}
	for i := 0; i < maxZipParts; i++ {
		many[fmt.Sprintf("xl/media/image%d.png", i)] = [2]uint64{1, 1}
	}
	images := map[string][2]uint64{}
	for i := 0; i < 5; i++ {
		images[fmt.Sprintf("xl/media/image%d.png", i)] = [2]uint64{30 << 20, 30 << 20}
	}
	cases := []struct {
		name  string
		parts map[string][2]uint64
		want  string // "" to pass
	}{
		{"a big real sheet", map[string][2]uint64{"xl/worksheets/sheet1.xml": {900 << 20, 60 << 20}}, ""},
		{"a small part that compresses well", map[string][2]uint64{"xl/styles.xml": {1 << 20, 1 << 10}}, ""},
		{"too many parts", many, "parts"},
		{"a sheet at 1000:1", map[string][2]uint64{"xl/worksheets/sheet1.xml": {900 << 20, 900 << 10}}, "ZIP bomb"},
		{"an image at 200:1", map[string][2]uint64{"xl/media/image1.png": {200 << 20, 1 << 20}}, "ZIP bomb"},
		{"images held in memory", images, "in memory"},
		{"over the unpacked limit", map[string][2]uint64{"xl/worksheets/sheet1.xml": {2 << 30, 200 << 20}, "xl/worksheets/sheet2.xml": {2 << 30, 200 << 20}}, "unpacks to more than"},
	}
	for _, tc := range cases {
		z := zipWith(t, tc.parts)
		err := checkZip(bytes.NewReader(z), int64(len(z)), defaultMaxXLSXBytes)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var fe *Error
		if !errors.As(err, &fe) || fe.Code != CodeXLSXInvalid || !strings.Contains(fe.Error(), tc.want) {
			t.Errorf("%s: %v, want %s saying %q", tc.name, err, CodeXLSXInvalid, tc.want)
		}
	}
}
