package tabfile

import "testing"

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want byte
	}{
		{"comma", "Name,Phone,Email\nA,1,a@x\nB,2,b@x\n", ','},
		{"semicolon", "Name;Phone;Email\nA;1;a@x\n", ';'},
		{"tab", "Name\tPhone\tEmail\nA\t1\ta@x\n", '\t'},
		{"pipe", "Name|Phone|Email\nA|1|a@x\n", '|'},
		{"semicolon with commas in the data", "Name;Company;City\nMüller, Hans;Acme, Inc;Köln\nJo;Beta;Ulm\n", ';'},
		{"comma with semicolons in the data", "Name,Categories\nA,Friends;Work\nB,Family\n", ','},
		{"comma with quoted semicolons everywhere", "\"a;b\",\"c;d\"\n\"e;f\",\"g;h\"\n", ','},
		{"semicolon with quoted commas everywhere", "\"Doe, J\";\"1,5\"\n\"Roe, K\";\"2,5\"\n", ';'},
		{"consistent beats inconsistent", "a;b,c;d\n1;2;3\n4;5,6;7\n", ';'},
		{"more columns break a tie", "a;b;c,d\n1;2;3,4\n", ';'},
		{"tie goes to comma", "a;b,c\n", ','},
		{"single column", "Email\na@x\nb@x\n", ','},
		{"header only", "Name\tPhone\n", '\t'},
		{"ragged rows: the header decides", "id,name\n0,Bono,,,,x\n", ','},
		{"leading blank lines", "\n\nName;Phone\nA;1\n", ';'},
		{"multi-line quoted cells", "Name,Notes\nA,\"x;\ny;\nz;\"\nB,\"p;q\"\n", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniffDelimiter([]byte(tt.in), true); got != tt.want {
				t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A sample cut mid-record must not let the cut record vote.
func TestSniffDelimiterCutSample(t *testing.T) {
	in := "a;b;c\n1;2;3\n4;5;6\n7;8" // the file goes on: "8;9\n"
	if got := sniffDelimiter([]byte(in), false); got != ';' {
		t.Errorf("sniffDelimiter = %q, want ';'", got)
	}
	counts := fieldCounts([]byte(in), ';', false)
	if len(counts) != 3 {
		t.Errorf("fieldCounts = %v, want the cut last record left out", counts)
	}
}

func TestSepLine(t *testing.T) {
	tests := []struct {
		in     string
		want   byte
		wantOK bool
	}{
		{"sep=;\nName;Phone\n", ';', true},
		{"sep=,\r\nName,Phone\r\n", ',', true},
		{"SEP=|\rName|Phone\r", '|', true},
		{"sep=\t\n", '\t', true},
		{"\"sep=;\"\n", ';', true},
		{"sep=;", ';', true},
		{"sep=;;\n", 0, false},
		{"sep=a\n", 0, false},
		{"sep=\"\n", 0, false},
		{"Name,sep=;\n", 0, false},
		{"separator\n", 0, false},
	}
	for _, tt := range tests {
		got, ok := sepLine([]byte(tt.in))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("sepLine(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
