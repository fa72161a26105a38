package vcard

import (
	"strings"
	"testing"
)

// TestMapping checks how properties land in columns. Each case is one card;
// columns not named in want must be empty.
func TestMapping(t *testing.T) {
	tests := []struct {
		name  string
		props []string
		want  map[string]string
	}{
		{"N in full", []string{"N:Doe;John;Richter;Mr.;Sr."},
			map[string]string{"Last Name": "Doe", "First Name": "John", "Middle Name": "Richter"}},
		{"N of three parts", []string{"N:Gump;Forrest;Mr."},
			map[string]string{"Last Name": "Gump", "First Name": "Forrest", "Middle Name": "Mr."}},
		{"N of one part", []string{"N:Cher"}, map[string]string{"Last Name": "Cher"}},
		{"N lists and escapes", []string{`N:van der Berg;Anna,Maria;Richter\, James;;`},
			map[string]string{"Last Name": "van der Berg", "First Name": "Anna Maria", "Middle Name": "Richter, James"}},
		{"empty N, then a real one", []string{"N:;;;;", "N:Doe;Jane"},
			map[string]string{"Last Name": "Doe", "First Name": "Jane"}},
		{"first FN that is not empty", []string{"FN:", "FN: Jane Doe ", "FN:Other"},
			map[string]string{"Full Name": "Jane Doe"}},
		{"ORG: the organization, not its units", []string{`ORG:IBM;Accounting`, `TITLE:Money Counter`},
			map[string]string{"Organization": "IBM", "Title": "Money Counter"}},
		{"ORG keeps quotes and escaped semicolons", []string{`item1.ORG:'Alpine\; Ski Resort'`},
			map[string]string{"Organization": "'Alpine; Ski Resort'"}},
		{"NICKNAME, BDAY, URL", []string{"NICKNAME:Jim,Jimmie", "BDAY;VALUE=date:--0203", `item5.URL;type=pref:http\://www.ibm.com`},
			map[string]string{"Nickname": "Jim,Jimmie", "Birthday": "--0203", "URL": "http://www.ibm.com"}},
		{"NOTE escapes, and two notes", []string{`NOTE:a\nb\Nc\\d\,e\;f\:g C:\Users`, "NOTE:second"},
			map[string]string{"Note": "a\nb\nc\\d,e;f:g C:\\Users\nsecond"}},
		{"CATEGORIES as in the file, two joined", []string{"CATEGORIES:Band,myContacts", "CATEGORIES:VIP"},
			map[string]string{"Categories": "Band,myContacts,VIP"}},
		{"ADR: City and Country of the first that has them", []string{
			"ADR;TYPE=HOME:;Crescent moon drive\\n555-asd;;;;;", "ADR:;;1 Main St;Baytown;LA;30314;USA", "ADR:;;2 Main St;Paris;;;France"},
			map[string]string{"City": "Baytown", "Country": "USA"}},
		{"ADR: a later preferred one wins", []string{"ADR:;;1 Main St;Baytown;LA;30314;USA", "ADR;TYPE=pref:;;;Paris;;;France", "ADR;PREF=1:;;;Rome;;;Italy"},
			map[string]string{"City": "Paris", "Country": "France"}},
		{"ADR with only a country", []string{"ADR:;;;;;;Norway"}, map[string]string{"Country": "Norway"}},

		{"phones in file order, the mobile apart", []string{"TEL;TYPE=WORK:1", "TEL;TYPE=CELL:2", "TEL:3", "TEL;TYPE=CELL:4"},
			map[string]string{"Phone": "1", "Mobile Phone": "2", "Phone (2)": "3", "Phone (3)": "4"}},
		{"mobile spelled in lower case, in a list", []string{"TEL:1", "TEL;type=voice,cell:2"},
			map[string]string{"Phone": "1", "Mobile Phone": "2"}},
		{"mobile in a quoted 4.0 list", []string{`TEL;VALUE=uri;TYPE="work,cell,voice":tel:+1-418-262-6501`},
			map[string]string{"Mobile Phone": "+1-418-262-6501"}},
		{"mobile as a bare 2.1 parameter", []string{"TEL;HOME:1", "TEL;CELL;PREF:2"},
			map[string]string{"Phone": "1", "Mobile Phone": "2"}},
		{"TYPE=MOBILE and TYPE=IPHONE", []string{"TEL;TYPE=IPHONE:1", "TEL;TYPE=MOBILE:2"},
			map[string]string{"Mobile Phone": "1", "Phone": "2"}},
		{"mobile by an item label after the TEL", []string{"item1.TEL:1", "item2.TEL:2", "item2.X-ABLabel:Mobile", "item1.X-ABLabel:Work"},
			map[string]string{"Phone": "1", "Mobile Phone": "2"}},
		{"mobile by Apple's label", []string{"TEL;TYPE=HOME:1", "ITEM3.TEL:2", "item3.X-ABLabel:_$!<Mobile>!$_"},
			map[string]string{"Phone": "1", "Mobile Phone": "2"}},
		{"a label of another group does not count", []string{"item1.TEL:1", "item2.X-ABLabel:mobile"},
			map[string]string{"Phone": "1"}},
		{"tel: URI with an extension", []string{"TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1-418-656-9254;ext=102"},
			map[string]string{"Phone": "+1-418-656-9254;ext=102"}},
		{"empty TEL skipped", []string{"TEL:", "TEL;CELL: ", "TEL:5"}, map[string]string{"Phone": "5"}},
		{"a sixth phone and more go in Phone (5)", []string{"TEL:1", "TEL:2", "TEL:3", "TEL:4", "TEL:5", "TEL:6", "TEL;CELL:7", "TEL:8"},
			map[string]string{"Phone": "1", "Phone (2)": "2", "Phone (3)": "3", "Phone (4)": "4", "Phone (5)": "5 ::: 6 ::: 8", "Mobile Phone": "7"}},

		{"emails, preferred first", []string{"EMAIL;TYPE=WORK:w@x", "EMAIL;TYPE=INTERNET,pref:p@x", "EMAIL:o@x"},
			map[string]string{"Email": "p@x", "Email (2)": "w@x", "Email (3)": "o@x"}},
		{"PREF numbers order emails", []string{"EMAIL:a@x", "EMAIL;PREF=2:b@x", "EMAIL;PREF=1:c@x"},
			map[string]string{"Email": "c@x", "Email (2)": "b@x", "Email (3)": "a@x"}},
		{"bare 2.1 PREF", []string{"EMAIL;INTERNET:a@x", "EMAIL;PREF;INTERNET:b@x"},
			map[string]string{"Email": "b@x", "Email (2)": "a@x"}},
		{"a fourth email goes in Email (3)", []string{"item1.EMAIL:a@x", "EMAIL:b@x", "EMAIL:c@x", "EMAIL:mailto:d@x"},
			map[string]string{"Email": "a@x", "Email (2)": "b@x", "Email (3)": "c@x ::: d@x"}},

		{"properties not mapped are skipped", []string{"X-ABUID:1\\:ABPerson", "LABEL;TYPE=WORK:100 Waters Edge", "GEO:geo:46.7,-71.2", "FN:A"},
			map[string]string{"Full Name": "A"}},
		{"quoted parameter holding a colon", []string{`TEL;X-LABEL="a:b";TYPE=cell:1`}, map[string]string{"Mobile Phone": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readString(t, vcf(tt.props...))
			if len(rows) != 1 {
				t.Fatalf("%d cards, want 1", len(rows))
			}
			for _, h := range Headers {
				if got, want := rows[0][h], tt.want[h]; got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
		})
	}
}

// TestCharsets checks how the bytes of a value become text.
func TestCharsets(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		enc   string
		first string // First Name of the first card
	}{
		{"UTF-8", "BEGIN:VCARD\nN:;Zoë\nEND:VCARD\n", encUTF8, "Zoë"},
		{"UTF-8 with BOM", "\xEF\xBB\xBFBEGIN:VCARD\nN:;Zoë\nEND:VCARD\n", encUTF8BOM, "Zoë"},
		{"Windows-1252 file", "BEGIN:VCARD\nN:;Zo\xEB\nEND:VCARD\n", encWindows1252, "Zoë"},
		{"Windows-1252 file, bytes it leaves undefined", "BEGIN:VCARD\nN:;Zo\xEB\x81\nEND:VCARD\n", encWindows1252, "Zoë\u0081"},
		{"stray byte in a UTF-8 file", "BEGIN:VCARD\nFN:Zoë Zoë\nN:;Zo\xEB Zoë\nEND:VCARD\n", encUTF8, "Zoë Zoë"},
		{"CHARSET=windows-1252", "BEGIN:VCARD\nN;CHARSET=windows-1252:;Do\xEB\nEND:VCARD\n", encWindows1252, "Doë"},
		{"CHARSET=ISO-8859-1 reads as Windows-1252", "BEGIN:VCARD\nN;CHARSET=ISO-8859-1:;\x80uro\nEND:VCARD\n", encWindows1252, "€uro"},
		{"CHARSET=UTF-8 that is not", "BEGIN:VCARD\nN;CHARSET=UTF-8:;Zo\xEB\nEND:VCARD\n", encWindows1252, "Zoë"},
		{"valid UTF-8 whatever CHARSET says", "BEGIN:VCARD\nN;CHARSET=windows-1252:;Zoë\nEND:VCARD\n", encUTF8, "Zoë"},
		{"unknown CHARSET", "BEGIN:VCARD\nN;CHARSET=x-klingon:;Zo\xEB\nEND:VCARD\n", encWindows1252, "Zoë"},
		{"QP UTF-8", "BEGIN:VCARD\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;=C3=91o=C3=B1o\nEND:VCARD\n", encUTF8, "Ñoño"},
		{"QP UTF-8 with a stray byte", "BEGIN:VCARD\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;=C3=91=80\nEND:VCARD\n", encUTF8, "Ñ€"},
		{"QP windows-1252", "BEGIN:VCARD\nN;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:;Do=EB\nEND:VCARD\n", encUTF8, "Doë"},
		{"QP cp1250", "BEGIN:VCARD\nN;CHARSET=cp1250;QUOTED-PRINTABLE:;=A3ukasz\nEND:VCARD\n", encUTF8, "Łukasz"},
		{"QP ISO-8859-2", "BEGIN:VCARD\nN;CHARSET=ISO-8859-2;QUOTED-PRINTABLE:;=A3ukasz\nEND:VCARD\n", encUTF8, "Łukasz"},
		{"QP Shift_JIS", "BEGIN:VCARD\nN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:;=83=65=83=58=83=67\nEND:VCARD\n", encUTF8, "テスト"},
		{"QP no charset, Polish", "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:;Iksi=F1ski\nEND:VCARD\n", encUTF8, "Iksiński"},
		{"QP no charset, Spanish", "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:;Mu=F1oz\nEND:VCARD\n", encUTF8, "Muñoz"},
		{"QP no charset, German", "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:;M=FCller\nEND:VCARD\n", encUTF8, "Müller"},
		{"QP lower-case hex and a bare =", "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:;a=3db=zz=\nEND:VCARD\n", encUTF8, "a=b=zz"},
		{"base64 text", "BEGIN:VCARD\nN;ENCODING=b:" + "O1pvw6s=" + "\nEND:VCARD\n", encUTF8, "Zoë"},
		{"UTF-16LE with BOM", utf16("\uFEFFBEGIN:VCARD\r\nN:;Zoë\r\nEND:VCARD\r\n", false), encUTF16LE, "Zoë"},
		{"UTF-16BE with BOM", utf16("\uFEFFBEGIN:VCARD\r\nN:;Zoë\r\nEND:VCARD\r\n", true), encUTF16BE, "Zoë"},
		{"UTF-16LE without BOM", utf16("BEGIN:VCARD\r\nN:;Zoë\r\nEND:VCARD\r\n", false), encUTF16LE, "Zoë"},
		{"UTF-16BE without BOM", utf16("BEGIN:VCARD\r\nN:;Ǽgean\r\nEND:VCARD\r\n", true), encUTF16BE, "Ǽgean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(strings.NewReader(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Encoding(); got != tt.enc {
				t.Errorf("Encoding() = %q, want %q", got, tt.enc)
			}
			_, rows := readRows(t, r)
			if got := rows[0]["First Name"]; got != tt.first {
				t.Errorf("First Name = %q, want %q", got, tt.first)
			}
		})
	}
}

// utf16 encodes s, which must hold no character outside the BMP.
func utf16(s string, bigEndian bool) string {
	var b strings.Builder
	for _, r := range s {
		hi, lo := byte(r>>8), byte(r)
		if bigEndian {
			b.WriteByte(hi)
			b.WriteByte(lo)
		} else {
			b.WriteByte(lo)
			b.WriteByte(hi)
		}
	}
	return b.String()
}
