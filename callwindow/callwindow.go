// Package callwindow decides whether a call at a given instant falls inside
// the hours a person may be called, in that person's local time.
//
// The time zones to judge come from the contact's own time zone when the
// operator set one, else from every zone the number may be in: a number
// that could ring in New York or in Los Angeles is callable only when it is
// within the window in both. Daylight saving is the tz database's job: the
// instant is converted with time.Time.In, never by adding fixed offsets.
package callwindow

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nyaruka/phonenumbers"

	_ "time/tzdata" // zones load on hosts without /usr/share/zoneinfo
)

// Window is a daily calling window: From <= local time < Until, on the
// allowed weekdays.
type Window struct {
	From, Until int      // minutes after local midnight; 0 <= From < Until <= 1440
	Days        [7]bool  // indexed by time.Weekday
	days        []string // as configured, for String
}

// Default is 09:00 to 21:00 every day, the usual legal limits (TCPA allows
// 08:00-21:00, TRAI 09:00-21:00).
func Default() Window {
	w, _ := Parse("09:00", "21:00", nil)
	return w
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

var shortDay = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Error names the setting that is wrong.
type Error struct {
	Field   string // start, end or days
	Message string
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

// Parse reads a window from "HH:MM" times and weekday names ("mon" or
// "monday", any case; none means every day). end may be "24:00". A window
// that wraps midnight is refused: no regulation allows night calls, and a
// typo that did so would be costly.
func Parse(start, end string, days []string) (Window, error) {
	var w Window
	var err error
	if w.From, err = clock(start, false); err != nil {
		return w, &Error{"start", err.Error()}
	}
	if w.Until, err = clock(end, true); err != nil {
		return w, &Error{"end", err.Error()}
	}
	if w.Until <= w.From {
		return w, &Error{"end", fmt.Sprintf("the window must end after it starts (%s-%s); windows across midnight are not allowed", start, end)}
	}
	for _, d := range days {
		wd, ok := dayNames[strings.ToLower(strings.TrimSpace(d))]
		if !ok {
			return w, &Error{"days", fmt.Sprintf("%q is not a weekday; use mon, tue, wed, thu, fri, sat, sun", truncate(d, 20))}
		}
		w.Days[wd] = true
	}
	if len(days) == 0 {
		for i := range w.Days {
			w.Days[i] = true
		}
	} else {
		for i, ok := range w.Days {
			if ok {
				w.days = append(w.days, shortDay[i])
			}
		}
	}
	return w, nil
}

func clock(s string, end bool) (int, error) {
	s = strings.TrimSpace(s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time of day such as 09:00", truncate(s, 20))
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && (mm != 0 || !end)) {
		return 0, fmt.Errorf("%q is not a time of day such as 09:00", truncate(s, 20))
	}
	return hh*60 + mm, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Start and End give the window's bounds as "HH:MM".
func (w Window) Start() string { return hhmm(w.From) }
func (w Window) End() string   { return hhmm(w.Until) }

// DayNames lists the allowed days as configured (mon..sun order by
// weekday), or nil when every day is allowed.
func (w Window) DayNames() []string { return w.days }

func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// Verdict is the outcome of judging one call.
type Verdict int

const (
	Callable Verdict = iota
	Outside          // outside the window in at least one zone
	Unknown          // no usable zone: the local time cannot be known
)

// Judge says whether a call placed at instant at is inside w in every one
// of zones. No zones, "Etc/Unknown" or a name the tz database does not
// know make the local time unknowable: Unknown, never a guess.
func (w Window) Judge(at time.Time, zones []string) Verdict {
	if len(zones) == 0 {
		return Unknown
	}
	out := Callable
	for _, z := range zones {
		loc := Location(z)
		if loc == nil {
			return Unknown
		}
		if !w.Allows(at.In(loc)) {
			out = Outside
		}
	}
	return out
}

// Allows reports whether the local time t (already in its zone) is inside.
func (w Window) Allows(t time.Time) bool {
	if !w.Days[t.Weekday()] {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	return m >= w.From && m < w.Until
}

// legacyZones are old names still found in data (libphonenumber's own
// tables, contacts exported by older systems). Go's tzdata loads most of
// them as links; mapping them first keeps working if links are dropped.
var legacyZones = map[string]string{
	"Africa/Asmera":        "Africa/Asmara",
	"America/Buenos_Aires": "America/Argentina/Buenos_Aires",
	"America/Godthab":      "America/Nuuk",
	"Asia/Calcutta":        "Asia/Kolkata",
	"Asia/Choibalsan":      "Asia/Ulaanbaatar",
	"Asia/Katmandu":        "Asia/Kathmandu",
	"Asia/Rangoon":         "Asia/Yangon",
	"Atlantic/Faeroe":      "Atlantic/Faroe",
	"Pacific/Enderbury":    "Pacific/Kanton",
	"Pacific/Ponape":       "Pacific/Pohnpei",
	"Pacific/Truk":         "Pacific/Chuuk",
	"Asia/Saigon":          "Asia/Ho_Chi_Minh",
	"Europe/Kiev":          "Europe/Kyiv",
}

var locations sync.Map // name -> *time.Location (nil when unknown)

// Location loads a zone by IANA name, legacy names included, caching the
// answer: time.LoadLocation parses the zone data on every call, too slow
// for a check of a million numbers. It returns nil for "Etc/Unknown", "",
// "Local" and names the tz database does not have.
func Location(name string) *time.Location {
	if v, ok := locations.Load(name); ok {
		return v.(*time.Location)
	}
	var loc *time.Location
	if name != "" && name != "Local" && name != phonenumbers.UNKNOWN_TIMEZONE {
		if c, ok := legacyZones[name]; ok {
			loc, _ = time.LoadLocation(c)
		}
		if loc == nil {
			loc, _ = time.LoadLocation(name)
		}
	}
	locations.Store(name, loc)
	return loc
}

// placeBoundTypes are the number types that ring where the line is: a fixed
// line, or a NANP number, whose area code is a place.
var placeBoundTypes = map[string]bool{"fixed_line": true, "fixed_line_or_mobile": true}

var countryZones sync.Map // region -> []string

// Zones returns the zones to judge a call to a number in.
//
// The contact's own zone, when set, is the answer: the operator knows where
// the person is. Otherwise it is every zone the number may be in. For
// numbers not bound to a place (mobiles, VoIP, toll-free, personal numbers)
// in countries that span several zones, that is every zone of the country:
// libphonenumber names only the zone where an Australian or Russian mobile
// range was first assigned, but the phone goes where its owner goes, and
// calling a Perth mobile at 07:00 because Sydney is at 09:00 is the fine
// this check exists to avoid. region and numberType are the number's
// (phone.Number.Country and Type); zones its phone.Number.TimeZones.
func Zones(own string, zones []string, region, numberType string) []string {
	if own != "" {
		return []string{own}
	}
	if region == "" || placeBoundTypes[numberType] || numberType == "" {
		return zones
	}
	all := regionZones(region)
	if len(all) <= len(zones) {
		return zones
	}
	return all
}

// regionZones is every zone libphonenumber lists for a country calling
// code's region, or nil when it does not know.
func regionZones(region string) []string {
	if v, ok := countryZones.Load(region); ok {
		return v.([]string)
	}
	var out []string
	if cc := phonenumbers.GetCountryCodeForRegion(region); cc > 0 {
		zones, err := phonenumbers.GetTimezonesForPrefix("+" + strconv.Itoa(cc))
		if err == nil {
			for _, z := range zones {
				if z != phonenumbers.UNKNOWN_TIMEZONE {
					out = append(out, z)
				}
			}
		}
	}
	countryZones.Store(region, out)
	return out
}
