package rules

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// timeValue is a time condition's value: a fixed time, a date, or a time
// relative to when the rules are evaluated (so that "created in the last 7
// days" stays true to its name in a dynamic segment).
type timeValue struct {
	at       time.Time
	date     bool          // a bare date: lte includes the whole day
	relative bool          // at is unset; now+offset
	offset   time.Duration // for relative values
}

const maxRelative = 100 * 365 * 24 * time.Hour

var errTime = errors.New("must be a time: RFC 3339 (2026-01-31T09:00:00Z), a date (2026-01-31), or relative to now (now, now-7d, now-12h, now-30m, now-2w)")

func parseTime(s string) (timeValue, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return timeValue{at: t.UTC()}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return timeValue{at: t, date: true}, nil
	}
	rest, ok := strings.CutPrefix(strings.ToLower(s), "now")
	if !ok {
		return timeValue{}, errTime
	}
	if rest == "" {
		return timeValue{relative: true}, nil
	}
	sign := time.Duration(1)
	switch rest[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return timeValue{}, errTime
	}
	rest = rest[1:]
	if len(rest) < 2 {
		return timeValue{}, errTime
	}
	n, err := strconv.ParseInt(rest[:len(rest)-1], 10, 64)
	if err != nil || n < 0 {
		return timeValue{}, errTime
	}
	var unit time.Duration
	switch rest[len(rest)-1] {
	case 'm':
		unit = time.Minute
	case 'h':
		unit = time.Hour
	case 'd':
		unit = 24 * time.Hour
	case 'w':
		unit = 7 * 24 * time.Hour
	default:
		return timeValue{}, errTime
	}
	if n > int64(maxRelative/unit) {
		return timeValue{}, errors.New("a relative time reaches at most 100 years")
	}
	return timeValue{relative: true, offset: sign * time.Duration(n) * unit}, nil
}

// resolve returns the time v stands for when the rules run at now.
func (v timeValue) resolve(now time.Time) time.Time {
	if v.relative {
		return now.Add(v.offset)
	}
	return v.at
}
