// Package phone turns phone numbers as people write them ("+91 99000 00001",
// "(212) 555-1234", "०९९०००००००१") into validated E.164 numbers, and says
// what kind of number each is, where it is, and how it is dialled at home.
//
// Parsing and validation are delegated to github.com/nyaruka/phonenumbers,
// the Go port of Google's libphonenumber; this package smooths over the
// places where the port differs from libphonenumber or returns values
// callers cannot use directly (non-ASCII digits, legacy time-zone names,
// region "001" for non-geographic numbers).
//
// The library spends 40-90 µs on a number. Plain Indian, North American and
// British numbers (+91, +1, +44 in the usual written forms) take a fast path
// that gives the same answers in well under a microsecond from tables built
// from the library's own metadata on first use (see fastpath.go; Warm
// builds them ahead of time).
package phone
