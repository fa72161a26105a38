package store

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/phone"
)

// maxPrefixDigits is the longest prefix: an E.164 number has at most 15.
const maxPrefixDigits = 15

// parseDNCPrefix reads a number range in international form ("+91 99",
// "0091-99", "+1 (212)") as '+' and its digits. It must name a country
// calling code and at least two more digits: "+4" or "+44" alone would
// block a whole country by a slip of the keyboard. Returns a message for
// the operator when it cannot be a prefix.
func parseDNCPrefix(raw string) (string, string) {
	s := strings.TrimSpace(phone.ASCIIDigits(raw))
	switch {
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	case strings.HasPrefix(s, "00"):
		s = s[2:]
	default:
		return "", "write a prefix in international form, with + and the country code, such as +9199"
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/' || unicode.IsSpace(r):
		default:
			return "", "a prefix holds only digits after the +"
		}
	}
	digits := b.String()
	if len(digits) > maxPrefixDigits {
		return "", "a prefix has at most 15 digits"
	}
	cc := ""
	for n := 1; n <= 3 && n <= len(digits); n++ {
		code, _ := strconv.Atoi(digits[:n])
		if phonenumbers.GetRegionCodeForCountryCode(code) != "ZZ" || code == 800 || code == 808 || code == 870 || code == 878 || code == 881 || code == 882 || code == 883 || code == 888 || code == 979 {
			cc = digits[:n]
			break
		}
	}
	if cc == "" {
		return "", "the prefix does not start with a country calling code"
	}
	if len(digits) < len(cc)+2 {
		return "", "a prefix needs the country code and at least two more digits (+" + cc + "12, not +" + digits + "), so that one slip cannot block a whole country"
	}
	return "+" + digits, ""
}

// prefixesOf lists every leading part of an E.164 number ("+9", "+91", ...,
// the number itself): the prefix entries that could cover it.
func prefixesOf(e164 string) []string {
	out := make([]string, 0, len(e164))
	for i := 2; i <= len(e164); i++ {
		out = append(out, e164[:i])
	}
	return out
}

var dncChannels = map[string]bool{contactd.ChannelVoice: true, contactd.ChannelSMS: true, contactd.ChannelAll: true}

// channelCovers reports whether an entry for entryChannel suppresses a
// contact attempt on channel.
func channelCovers(entryChannel, channel string) bool {
	return entryChannel == contactd.ChannelAll || entryChannel == channel
}
