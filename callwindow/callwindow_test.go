package callwindow

import (
	"slices"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// nanp is what libphonenumber gives for a +1 number without a clear area
// (toll-free): every zone of the NANP.
var nanp = []string{"America/Anchorage", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/New_York", "America/Puerto_Rico", "Pacific/Honolulu"}

func TestJudge(t *testing.T) {
	w := Default()
	weekdays, err := Parse("09:00", "21:00", []string{"mon", "TUE", "wednesday", "thu", "fri"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		w     Window
		at    string
		zones []string
		want  Verdict
	}{
		{"India 20:30 IST", w, "2026-03-10T15:00:00Z", []string{"Asia/Kolkata"}, Callable},
		{"India 21:30 IST", w, "2026-03-10T16:00:00Z", []string{"Asia/Kolkata"}, Outside},
		{"India legacy name 20:30", w, "2026-03-10T15:00:00Z", []string{"Asia/Calcutta"}, Callable},
		{"India legacy name 21:30", w, "2026-03-10T16:00:00Z", []string{"Asia/Calcutta"}, Outside},
		{"India 21:00 sharp is out", w, "2026-03-10T15:30:00Z", []string{"Asia/Kolkata"}, Outside},
		{"India 09:00 sharp is in", w, "2026-03-10T03:30:00Z", []string{"Asia/Kolkata"}, Callable},
		{"India 08:59 is out", w, "2026-03-10T03:29:00Z", []string{"Asia/Kolkata"}, Outside},
		{"New York 10:00", w, "2026-06-10T14:00:00Z", []string{"America/New_York"}, Callable},
		{"Los Angeles 07:00 at the same instant", w, "2026-06-10T14:00:00Z", []string{"America/Los_Angeles"}, Outside},
		{"toll-free +1: every NANP zone must allow", w, "2026-06-10T14:00:00Z", nanp, Outside},
		{"toll-free +1 when all NANP zones are in", w, "2026-06-10T21:00:00Z", nanp, Callable},
		{"New York and Los Angeles both", w, "2026-06-10T17:00:00Z", []string{"America/New_York", "America/Los_Angeles"}, Callable},
		// Daylight saving: New York springs forward on 2026-03-08.
		{"New York 13:30Z the day before DST is 08:30 EST", w, "2026-03-07T13:30:00Z", []string{"America/New_York"}, Outside},
		{"New York 13:30Z on the DST day is 09:30 EDT", w, "2026-03-08T13:30:00Z", []string{"America/New_York"}, Callable},
		// ... and falls back on 2026-11-01.
		{"New York 01:30Z Nov 1 is 21:30 EDT", w, "2026-11-01T01:30:00Z", []string{"America/New_York"}, Outside},
		{"New York 01:30Z Nov 2 is 20:30 EST", w, "2026-11-02T01:30:00Z", []string{"America/New_York"}, Callable},
		// London moves to BST on 2026-03-29.
		{"London 20:30Z before BST is 20:30", w, "2026-03-28T20:30:00Z", []string{"Europe/London"}, Callable},
		{"London 20:30Z in BST is 21:30", w, "2026-03-29T20:30:00Z", []string{"Europe/London"}, Outside},
		// Sydney leaves daylight saving on 2026-04-05 at 03:00 local.
		{"Sydney 22:30Z Apr 3 is 09:30 AEDT", w, "2026-04-03T22:30:00Z", []string{"Australia/Sydney"}, Callable},
		{"Sydney 22:30Z Apr 4 is 08:30 AEST", w, "2026-04-04T22:30:00Z", []string{"Australia/Sydney"}, Outside},
		{"unknown zone", w, "2026-06-10T14:00:00Z", []string{"Etc/Unknown"}, Unknown},
		{"unknown among known", w, "2026-06-10T14:00:00Z", []string{"America/New_York", "Etc/Unknown"}, Unknown},
		{"no zones", w, "2026-06-10T14:00:00Z", nil, Unknown},
		{"a name tz does not know", w, "2026-06-10T14:00:00Z", []string{"Mars/Olympus_Mons"}, Unknown},
		{"Local is never a zone", w, "2026-06-10T14:00:00Z", []string{"Local"}, Unknown},
		{"weekdays only: Friday 10:00 in New York", weekdays, "2026-06-12T14:00:00Z", []string{"America/New_York"}, Callable},
		{"weekdays only: Saturday 10:00 in New York", weekdays, "2026-06-13T14:00:00Z", []string{"America/New_York"}, Outside},
		// Friday 20:00 in Los Angeles is Saturday 08:30 in Kolkata: the day
		// is judged locally too.
		{"weekday differs across zones", weekdays, "2026-06-13T03:00:00Z", []string{"America/Los_Angeles"}, Callable},
		{"weekday differs across zones (Kolkata Saturday)", weekdays, "2026-06-13T03:00:00Z", []string{"America/Los_Angeles", "Asia/Kolkata"}, Outside},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.w.Judge(at(c.at), c.zones); got != c.want {
				t.Errorf("Judge(%s, %v) = %v, want %v", c.at, c.zones, got, c.want)
			}
		})
	}
}

func TestZones(t *testing.T) {
	sydney := []string{"Australia/Sydney"}
	cases := []struct {
		name             string
		own              string
		zones            []string
		region, typ      string
		wantHas, wantNot string
		wantLen          int // 0 = do not check
	}{
		{"own zone wins", "Australia/Perth", sydney, "AU", "mobile", "Australia/Perth", "Australia/Sydney", 1},
		{"Australian mobile rings anywhere in Australia", "", sydney, "AU", "mobile", "Australia/Perth", "", 0},
		{"Australian fixed line stays in its area", "", sydney, "AU", "fixed_line", "Australia/Sydney", "Australia/Perth", 1},
		{"NANP number with an area code stays put", "", []string{"America/New_York"}, "US", "fixed_line_or_mobile", "America/New_York", "America/Los_Angeles", 1},
		{"US toll-free keeps every zone", "", nanp, "US", "toll_free", "America/Los_Angeles", "", 0},
		{"India mobile has one zone", "", []string{"Asia/Kolkata"}, "IN", "mobile", "", "", 1},
		{"unknown stays unknown", "", []string{"Etc/Unknown"}, "", "toll_free", "Etc/Unknown", "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Zones(c.own, c.zones, c.region, c.typ)
			if c.wantHas != "" && !slices.Contains(got, c.wantHas) {
				t.Errorf("Zones = %v, want it to hold %s", got, c.wantHas)
			}
			if c.wantNot != "" && slices.Contains(got, c.wantNot) {
				t.Errorf("Zones = %v, want it without %s", got, c.wantNot)
			}
			if c.wantLen > 0 && len(got) != c.wantLen {
				t.Errorf("Zones = %v, want %d zones", got, c.wantLen)
			}
		})
	}
}

// A number whose country spans several zones is suppressed unless the
// contact's own zone allows the call.
func TestMultiZoneNumbers(t *testing.T) {
	w := Default()
	// 23:30Z on 2026-06-10 is 09:30 in Sydney and 07:30 in Perth.
	when := at("2026-06-10T23:30:00Z")
	mobile := Zones("", []string{"Australia/Sydney"}, "AU", "mobile")
	if got := w.Judge(when, mobile); got != Outside {
		t.Errorf("Australian mobile with no zone of its own: %v, want Outside", got)
	}
	if got := w.Judge(when, Zones("Australia/Sydney", []string{"Australia/Sydney"}, "AU", "mobile")); got != Callable {
		t.Errorf("Australian mobile of a Sydney contact: %v, want Callable", got)
	}
	if got := w.Judge(when, Zones("Australia/Perth", []string{"Australia/Sydney"}, "AU", "mobile")); got != Outside {
		t.Errorf("Australian mobile of a Perth contact: %v, want Outside", got)
	}
	// 14:00Z is 10:00 in New York and 07:00 in Los Angeles.
	ny := at("2026-06-10T14:00:00Z")
	if got := w.Judge(ny, Zones("", nanp, "US", "toll_free")); got != Outside {
		t.Errorf("US toll-free: %v, want Outside", got)
	}
	if got := w.Judge(ny, Zones("America/New_York", nanp, "US", "toll_free")); got != Callable {
		t.Errorf("US toll-free of a New York contact: %v, want Callable", got)
	}
}

func TestParse(t *testing.T) {
	w, err := Parse("08:00", "24:00", []string{"sat", "mon"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Start() != "08:00" || w.End() != "24:00" || !slices.Equal(w.DayNames(), []string{"mon", "sat"}) {
		t.Errorf("parsed %s-%s %v", w.Start(), w.End(), w.DayNames())
	}
	if !w.Allows(at("2026-06-13T23:59:00Z")) { // Saturday 23:59 UTC
		t.Error("23:59 is before 24:00")
	}
	bad := []struct {
		start, end string
		days       []string
		field      string
	}{
		{"9:00", "21:00", nil, "start"},
		{"09:00", "25:00", nil, "end"},
		{"24:00", "24:00", nil, "start"},
		{"09:60", "21:00", nil, "start"},
		{"21:00", "09:00", nil, "end"},
		{"09:00", "09:00", nil, "end"},
		{"09:00", "21:00", []string{"funday"}, "days"},
		{"", "21:00", nil, "start"},
		{"ab:cd", "21:00", nil, "start"},
	}
	for _, b := range bad {
		_, err := Parse(b.start, b.end, b.days)
		e, ok := err.(*Error)
		if !ok || e.Field != b.field {
			t.Errorf("Parse(%q, %q, %v) = %v, want an error on %s", b.start, b.end, b.days, err, b.field)
		}
	}
}

func TestLocationIsCached(t *testing.T) {
	if Location("Asia/Calcutta") == nil || Location("Asia/Calcutta").String() != "Asia/Kolkata" {
		t.Errorf("legacy Asia/Calcutta should load as Asia/Kolkata, got %v", Location("Asia/Calcutta"))
	}
	if Location("Etc/Unknown") != nil || Location("") != nil {
		t.Error("unknown zones must not load")
	}
	n := testing.AllocsPerRun(100, func() { Location("America/New_York") })
	if n > 0 {
		t.Errorf("a cached zone allocates %v times per lookup", n)
	}
}
