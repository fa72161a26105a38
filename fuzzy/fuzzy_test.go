package fuzzy

import (
	"math"
	"reflect"
	"testing"
)

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  José  GARCÍA ", "jose garcia"},
		{"O'Brien", "obrien"},
		{"Jean-Luc Picard", "jean luc picard"},
		{"Straße", "strasse"},
		{"Søren Kierkegaard", "soren kierkegaard"},
		{"Łukasz", "lukasz"},
		{"ＲＡＨＵＬ", "rahul"}, // fullwidth
		{"राहुल शर्मा", "rahul sharma"},
		{"प्रिया", "priya"},
		{"सुनीता", "sunita"},
		{"आदित्य", "aditya"},
		{"लक्ष्मी", "lakshmi"},
		{"अर्जुन", "arjun"},
		{"Dr. A.  Kumar", "dr a kumar"},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSkeletonMergesSpellings(t *testing.T) {
	same := [][]string{
		{"rahul", "raahul", "rahool"},
		{"sharma", "sarma", "sharmaa"},
		{"jon", "john"},
		{"mohammed", "muhammad", "mohamed"},
		{"catherine", "katherine", "kathryn"},
		{"steven", "stephen"},
		{"aisha", "ayesha"},
		{"smith", "smyth"},
	}
	for _, group := range same {
		want := Skeleton(group[0])
		for _, w := range group[1:] {
			if got := Skeleton(w); got != want {
				t.Errorf("Skeleton(%q) = %q, Skeleton(%q) = %q: want equal", group[0], want, w, got)
			}
		}
	}
	differ := [][2]string{{"sharma", "verma"}, {"rahul", "rohit"}, {"smith", "jones"}}
	for _, d := range differ {
		if Skeleton(d[0]) == Skeleton(d[1]) {
			t.Errorf("Skeleton(%q) == Skeleton(%q) = %q", d[0], d[1], Skeleton(d[0]))
		}
	}
}

func TestPairKeys(t *testing.T) {
	if got := PairKeys(NameTokens("Rahul", "")); got != nil {
		t.Errorf("a first name alone made keys: %v", got)
	}
	if got := PairKeys(NameTokens("R.", "Sharma")); got != nil {
		t.Errorf("an initial made keys: %v", got)
	}
	a := PairKeys(NameTokens("Rahul", "Sharma"))
	b := PairKeys(NameTokens("SHARMA", "raahul"))
	if !reflect.DeepEqual(a, b) || len(a) != 1 {
		t.Errorf("keys %v and %v, want one shared key", a, b)
	}
	three := PairKeys(NameTokens("Rahul Kumar", "Sharma"))
	if len(three) != 3 || !contains(three, a[0]) {
		t.Errorf("three words give %v, want 3 keys including %v", three, a)
	}
	if got := PairKeys(NameTokens("राहुल", "शर्मा")); !reflect.DeepEqual(got, a) {
		t.Errorf("Devanagari keys %v, want %v", got, a)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestJaroWinkler(t *testing.T) {
	// Reference values of the classic examples.
	cases := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.961},
		{"dwayne", "duane", 0.84},
		{"dixon", "dicksonx", 0.813},
		{"abc", "abc", 1},
		{"abc", "xyz", 0},
		{"", "abc", 0},
	}
	for _, c := range cases {
		if got := JaroWinkler(c.a, c.b); math.Abs(got-c.want) > 0.001 {
			t.Errorf("JaroWinkler(%q, %q) = %.3f, want %.3f", c.a, c.b, got, c.want)
		}
	}
}

func TestSimilar(t *testing.T) {
	cases := []struct {
		a, b [2]string
		want bool
	}{
		{[2]string{"Rahul", "Sharma"}, [2]string{"rahul", "SHARMA"}, true},
		{[2]string{"Rahul", "Sharma"}, [2]string{"Sharma", "Rahul"}, true},
		{[2]string{"Rahul", "Sharma"}, [2]string{"Raahul", "Sharmaa"}, true},
		{[2]string{"Jon", "Smith"}, [2]string{"John", "Smith"}, true},
		{[2]string{"José", "García"}, [2]string{"Jose", "Garcia"}, true},
		{[2]string{"Rahul Kumar", "Sharma"}, [2]string{"Rahul", "Sharma"}, true},
		{[2]string{"राहुल", "शर्मा"}, [2]string{"Rahul", "Sharma"}, true},
		{[2]string{"Rahul", "Sharma"}, [2]string{"Rahul", "Verma"}, false},
		{[2]string{"Rahul", "Sharma"}, [2]string{"Rohit", "Sharma"}, false},
		{[2]string{"Rahul", ""}, [2]string{"Rahul", ""}, false},
	}
	for _, c := range cases {
		_, got := Similar(NameTokens(c.a[0], c.a[1]), NameTokens(c.b[0], c.b[1]))
		if got != c.want {
			s, _ := Similar(NameTokens(c.a[0], c.a[1]), NameTokens(c.b[0], c.b[1]))
			t.Errorf("Similar(%v, %v) = %v (score %.3f), want %v", c.a, c.b, got, s, c.want)
		}
	}
}

func TestCompany(t *testing.T) {
	if a, b := Company("Acme Realty Pvt. Ltd."), Company("ACME  Realty"); a != b || a != "acme realty" {
		t.Errorf("Company: %q and %q, want both %q", a, b, "acme realty")
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"राहुल", "José", "a'b", "क्ष्", "\u0915\u093c", "्", "ं"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Fold(s)
		if Fold(out) != out {
			t.Errorf("Fold is not idempotent on %q: %q then %q", s, out, Fold(out))
		}
		for _, w := range PairKeys(NameTokens(s, s)) {
			if w == "" {
				t.Errorf("empty key from %q", s)
			}
		}
	})
}
