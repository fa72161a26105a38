package tabfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// benchRows is the size of the generated file: an import of 100k contacts.
const benchRows = 100_000

// benchCSV generates a contact export shaped like Google's: mostly short
// unquoted cells, some quoted ones holding commas or doubled quotes, one
// row in fifty with a two-line note, accents throughout. About 10 MB.
func benchCSV() []byte {
	first := []string{"Priya", "José", "Müller", "Anjali", "Zoë", "Lars", "Émilie", "Ravi"}
	last := []string{"Sharma", "García", "Ødegård", "Mehta", "Nguyen", "Dubois-Lefèvre", "Kumar"}
	var b bytes.Buffer
	b.WriteString("First Name,Last Name,Phone 1 - Label,Phone 1 - Value,E-mail 1 - Value,Organization Name,City,Labels,Notes\r\n")
	for i := range benchRows {
		f, l := first[i%len(first)], last[i%len(last)]
		fmt.Fprintf(&b, "%s,%s,Mobile,+91 98%03d %05d,%s.%d@example.com,", f, l, i%1000, i, "user", i)
		switch i % 10 {
		case 0:
			b.WriteString(`"Acme, Inc"`)
		case 1:
			b.WriteString(`"The ""Best"" Traders"`)
		default:
			b.WriteString("Sharma Traders")
		}
		b.WriteString(",Bengaluru,* myContacts ::: Clients,")
		if i%50 == 0 {
			b.WriteString("\"Met at the meetup.\r\nPrefers WhatsApp.\"")
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// BenchmarkReadCSV reads the generated file end to end, Open included, in
// each encoding sniffing can find; encoding/csv on the UTF-8 file (which
// handles neither bare CRs, encodings, nor physical lines) is the yardstick.
func BenchmarkReadCSV(b *testing.B) {
	text := benchCSV()
	win, err := charmap.Windows1252.NewEncoder().Bytes(text)
	if err != nil {
		b.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(text)
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"utf-8", text}, {"windows-1252", win}, {"utf-16le", utf16}} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			rows := 0
			for b.Loop() {
				r, err := Open(bytes.NewReader(in.data), int64(len(in.data)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != benchRows {
					b.Fatalf("%d rows, want %d", n, benchRows)
				}
				rows += n
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
	b.Run("encoding-csv", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			r := csv.NewReader(bytes.NewReader(text))
			r.ReuseRecord = true
			for {
				_, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				rows++
			}
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
}
