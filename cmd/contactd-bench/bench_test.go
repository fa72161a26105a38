package main

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd/contactgen"
	"github.com/contactd/contactd/phone"
)

func TestPercentile(t *testing.T) {
	var l latencies
	for i := 100; i >= 1; i-- { // unsorted on purpose
		l = append(l, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}} {
		if got := l.pct(c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := (latencies{}).pct(95); got != 0 {
		t.Errorf("p95 of nothing = %v, want 0", got)
	}
}

// TestQueryClasses checks that every class yields its share of queries and
// that they have the shape the class promises.
func TestQueryClasses(t *testing.T) {
	g := contactgen.New(1)
	var sample []sampled
	for len(sample) < 500 {
		if r := g.Next(); r.Kind == contactgen.KindOK {
			sample = append(sample, sampled{int64(len(sample) + 1), r})
		}
	}
	qs := drawQueries(rand.New(rand.NewPCG(1, 2)), sample, 20)
	if got, want := len(qs), 20*len(queryClasses); got != want {
		t.Fatalf("%d queries, want %d", got, want)
	}
	for _, q := range qs {
		switch q.class.name {
		case "E.164 with spaces":
			if _, err := phone.Normalize(q.text, ""); err != nil || !strings.Contains(q.text, " ") {
				t.Errorf("%s query %q: %v", q.class.name, q.text, err)
			}
		case "name substring":
			if n := len([]rune(q.text)); n < 3 || n > 5 {
				t.Errorf("name substring %q has %d letters, want 3 to 5", q.text, n)
			}
		case "no match":
			if strings.Trim(q.text, "qxzjvkw") != "" {
				t.Errorf("no-match query %q has common letters", q.text)
			}
		}
	}
}

func TestSpacedE164(t *testing.T) {
	for in, want := range map[string]string{
		"+919900000001": "+91 99000 00001",
		"+12125550143":  "+1 212 555 0143",
		"+447400123456": "+44 7400 123456",
	} {
		if got := spacedE164(in); got != want {
			t.Errorf("spacedE164(%q) = %q, want %q", in, got, want)
		}
	}
}
