package vcard

import "testing"

func TestParseHead(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
		want head
	}{
		{"FN:John", true, head{kind: kindFN, colon: 2}},
		{"fn:John", true, head{kind: kindFN, colon: 2}},
		{"X-ABUID:1", true, head{kind: kindOther, colon: 7}},
		{"item1.TEL:1", true, head{kind: kindTel, group: "item1", colon: 9}},
		{"ITEM1.X-ABLabel:mobile", true, head{kind: kindLabel, group: "item1", colon: 15}},
		{"item1.EMAIL;type=INTERNET:a@b", true, head{kind: kindEmail, colon: 25}},
		{"TEL;TYPE=CELL,VOICE;PREF=1:1", true, head{kind: kindTel, colon: 26, mobile: true, pref: 1}},
		{"TEL;type=cell;type=voice;type=pref:1", true, head{kind: kindTel, colon: 34, mobile: true, pref: 1}},
		{"TEL;CELL;PREF:1", true, head{kind: kindTel, colon: 13, mobile: true, pref: 1}},
		{`TEL;VALUE=uri;TYPE="work,cell";PREF=3:tel:1`, true, head{kind: kindTel, colon: 37, mobile: true, pref: 3}},
		{`TEL;TYPE="work:x";X-Y=1:1`, true, head{kind: kindTel, colon: 23}},
		{"EMAIL;PREF=yes:a@b", true, head{kind: kindEmail, colon: 14, pref: 1}},
		{"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91", true, head{kind: kindN, colon: 41, qp: true, charset: "UTF-8"}},
		{"N;QUOTED-PRINTABLE:a", true, head{kind: kindN, colon: 18, qp: true}},
		{"PHOTO;ENCODING=b;TYPE=JPEG:/9j/", true, head{kind: kindOther, colon: 26, base64: true}},
		{"PHOTO;BASE64:", true, head{kind: kindOther, colon: 12, base64: true}},
		{`TEL;X-A="unbalanced:1`, true, head{kind: kindTel, colon: 19}},
		{"John Smith", false, head{}},
		{"second line: more", false, head{}},
		{":value", false, head{}},
		{"item1.:x", false, head{}},
		{"/9j/4AAQSkZJRgABAQ", false, head{}},
		{"NOTE", false, head{}},
		{"NOTE;TYPE=x", false, head{}},
	}
	for _, tt := range tests {
		got, ok := parseHead([]byte(tt.line))
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseHead(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDecodeQP(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"=C3=91=20a", "Ñ a"},
		{"=c3=b1", "ñ"},
		{"a=0D=0Ab", "a\r\nb"},
		{"bare = sign", "bare = sign"},
		{"=zz", "=zz"},
		{"end=", "end="},
		{"end=4", "end=4"},
	}
	for _, tt := range tests {
		if got := string(decodeQP(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("decodeQP(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`a\nb\Nc`, "a\nb\nc"},
		{`a\,b\;c\\d`, `a,b;c\d`},
		{`http\://x`, "http://x"},
		{`\"AS IS\"`, `"AS IS"`},
		{`C:\Users\x`, `C:\Users\x`},
		{`end\`, `end\`},
		{`\\n`, `\n`},
	}
	for _, tt := range tests {
		if got := unescape(tt.in); got != tt.want {
			t.Errorf("unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestComponent(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"Doe;John;;Mr.;Sr.", 0, "Doe"},
		{"Doe;John;;Mr.;Sr.", 1, "John"},
		{"Doe;John;;Mr.;Sr.", 2, ""},
		{"Doe;John;;Mr.;Sr.", 4, "Sr."},
		{"Doe;John;;Mr.;Sr.", 5, ""},
		{"Gump;Forrest;Mr.", 2, "Mr."},
		{"Gump;Forrest;Mr.", 3, ""},
		{"Cher", 0, "Cher"},
		{"Cher", 1, ""},
		{`A\;B;C`, 0, `A\;B`},
		{`A\;B;C`, 1, "C"},
		{`;;1 Main St\, Apt 2;Paris;;;France`, 3, "Paris"},
		{`;;1 Main St\, Apt 2;Paris;;;France`, 6, "France"},
		{`a\`, 0, `a\`},
	}
	for _, tt := range tests {
		if got := component(tt.in, tt.n); got != tt.want {
			t.Errorf("component(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestNameList(t *testing.T) {
	tests := []struct{ in, want string }{
		{"John", "John"},
		{" John ", "John"},
		{"Richter,James", "Richter James"},
		{"Richter, James", "Richter James"},
		{`Richter\, James`, "Richter, James"},
		{",,", ""},
		{"ing. jr,M.Sc.", "ing. jr M.Sc."},
	}
	for _, tt := range tests {
		if got := nameList(tt.in); got != tt.want {
			t.Errorf("nameList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGuessLegacy(t *testing.T) {
	tests := []struct {
		in   string
		want *codePage
	}{
		{"Iksi\xF1ski", windows1250},
		{"Pozna\xF1", windows1250},
		{"Mu\xF1oz", windows1252},
		{"Ib\xE1\xF1ez", windows1252},
		{"\xA3\xF3d\x9F", windows1250}, // Łódź
		{"Wi\x9Cniewski", windows1250}, // Wiśniewski
		{"M\xFCller", windows1252},
		{"Ren\xE9e", windows1252},
		{"\xA35", windows1252}, // £5
	}
	for _, tt := range tests {
		if got := guessLegacy([]byte(tt.in)); got != tt.want {
			t.Errorf("guessLegacy(%q) = %q, want %q", tt.in, got.decode([]byte(tt.in), false), tt.want.decode([]byte(tt.in), false))
		}
	}
}

func TestIsMobileLabel(t *testing.T) {
	tests := []struct {
		label string
		want  bool
	}{
		{"mobile", true},
		{"Mobile", true},
		{"_$!<Mobile>!$_", true},
		{" iPhone ", true},
		{"Cell", true},
		{"_$!<HomePage>!$_", false},
		{"GRAND_CENTRAL", false},
		{"Work", false},
	}
	for _, tt := range tests {
		if got := isMobileLabel(tt.label); got != tt.want {
			t.Errorf("isMobileLabel(%q) = %v, want %v", tt.label, got, tt.want)
		}
	}
}
