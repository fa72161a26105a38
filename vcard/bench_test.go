package vcard

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// generate writes n cards in the mix of a real phone book: mostly 3.0
// cards from Google or Apple, some 2.1 from Android with quoted-printable
// names, a few 4.0. With photos, one card in ten carries a 24 KB folded
// JPEG, as in an Apple export.
func generate(n int, photos bool) []byte {
	var b bytes.Buffer
	photo := "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n" +
		strings.Repeat(" "+strings.Repeat("QUJDRA", 12)+"\r\n", 330)
	for i := range n {
		switch i % 10 {
		case 7:
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Mu=C3=B1oz %d;Jos=C3=A9;;;\r\n"+
				"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 Mu=C3=B1oz %d\r\nTEL;CELL;PREF:+34 612 345 %03d\r\n"+
				"TEL;HOME:+34 91 123 45 67\r\nEMAIL;PREF;INTERNET:jose%d@example.es\r\nCATEGORIES:My Contacts\r\nEND:VCARD\r\n", i, i, i%1000, i)
		case 9:
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Simon Perreault %d\r\nN:Perreault;Simon;;;ing. jr,M.Sc.\r\n"+
				"ORG;TYPE=work:Viagenie\r\nADR;TYPE=work:;Suite D2-630;2875 Laurier;\r\n Quebec;QC;G1V 2M2;Canada\r\n"+
				"TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1-418-656-9254;ext=102\r\n"+
				"TEL;VALUE=uri;TYPE=\"work,cell,voice,video,text\":tel:+1-418-262-%04d\r\n"+
				"EMAIL;TYPE=work:simon%d@viagenie.ca\r\nBDAY:--0203\r\nURL;TYPE=home:http://nomis80.org\r\nEND:VCARD\r\n", i, i%10000, i)
		default:
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Doe %d\r\nN:Doe %d;John;Richter\\, James;Mr.;Sr.\r\n"+
				"ORG:IBM;Accounting\r\nTITLE:Money Counter\r\nEMAIL;TYPE=INTERNET;TYPE=HOME:john%d@example.com\r\n"+
				"TEL;TYPE=CELL:905-555-%04d\r\nTEL;TYPE=HOME:905-666-1234\r\nitem1.TEL:905-222-1234\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n"+
				"item2.ADR;type=HOME;type=pref:;;Silicon Alley 5\\,;New York;New York;12345;United States of America\r\n"+
				"item2.X-ABADR:us\r\nNOTE:Met at the conference\\nCall after 6pm\\, not before\r\nCATEGORIES:myContacts,Clients\r\n"+
				"X-ABUID:6B29A774-D124-4822-B8D0-2780EC117F60\\:ABPerson\r\n", i, i, i, i%10000)
			if photos && i%10 == 0 {
				b.WriteString(photo)
			}
			b.WriteString("END:VCARD\r\n")
		}
	}
	return b.Bytes()
}

// BenchmarkRead50k reads a generated file of 50,000 cards and reports
// cards/s and MB/s.
func BenchmarkRead50k(b *testing.B) {
	for _, photos := range []bool{false, true} {
		name := "text"
		if photos {
			name = "photos"
		}
		b.Run(name, func(b *testing.B) {
			const cards = 50_000
			data := generate(cards, photos)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := Open(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, _, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != cards {
					b.Fatalf("%d cards, want %d", n, cards)
				}
			}
			b.ReportMetric(float64(cards)*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
		})
	}
}

// TestGenerated checks the benchmark's file reads as meant, so the figures
// measure the real work.
func TestGenerated(t *testing.T) {
	_, rows := readString(t, string(generate(10, true)))
	if len(rows) != 10 {
		t.Fatalf("%d cards, want 10", len(rows))
	}
	for i, want := range map[int]map[string]string{
		0: {"Last Name": "Doe 0", "Middle Name": "Richter, James", "Mobile Phone": "905-555-0000",
			"Phone (2)": "905-222-1234", "City": "New York", "Note": "Met at the conference\nCall after 6pm, not before"},
		7: {"First Name": "José", "Last Name": "Muñoz 7", "Mobile Phone": "+34 612 345 007"},
		9: {"Mobile Phone": "+1-418-262-0009", "Phone": "+1-418-656-9254;ext=102", "City": "Quebec"},
	} {
		for h, w := range want {
			if got := rows[i][h]; got != w {
				t.Errorf("card %d: %s = %q, want %q", i, h, got, w)
			}
		}
	}
}
