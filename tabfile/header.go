package tabfile

import (
	"strconv"
	"strings"
	"unicode"
)

// HeaderKey is the form of a header to match on: lower case, with each run
// of spaces, underscores, hyphens and dots made one space, and trimmed. So
// "E-mail Address", "e_mail  address" and "E.Mail Address" all give
// "e mail address", and "first_name" matches "First Name". Invisible
// characters (byte-order marks, zero-width spaces) are dropped.
func HeaderKey(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	gap := false
	for _, r := range h {
		switch {
		case isInvisible(r):
			continue
		case r == '_' || r == '-' || r == '.' || unicode.IsSpace(r):
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte(' ')
			gap = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isInvisible reports the characters that editors and BOM-aware tools leave
// in header cells without anyone seeing them.
func isInvisible(r rune) bool {
	return r == '\uFEFF' || r == '\u200B' || r == '\u2060'
}

// bomAsWindows1252 is a UTF-8 BOM that some tool along the way decoded as
// Windows-1252 and saved again.
const bomAsWindows1252 = "ï»¿"

// cleanHeaders returns the headers to show: each trimmed of spaces
// (non-breaking ones too) and BOM remnants, with inner runs of whitespace
// and line breaks made one space; an empty one named "Column N" (N counts
// from 1); and duplicates kept apart by position, where the second "Phone"
// becomes "Phone (2)". Headers count as duplicates when their HeaderKey is
// the same, since that is what the importer matches on.
func cleanHeaders(raw []string) []string {
	names := make([]string, len(raw))
	for i, h := range raw {
		h = strings.TrimPrefix(h, bomAsWindows1252)
		h = strings.Map(func(r rune) rune {
			if isInvisible(r) {
				return -1
			}
			return r
		}, h)
		h = strings.Join(strings.FieldsFunc(h, unicode.IsSpace), " ")
		if h == "" {
			h = "Column " + strconv.Itoa(i+1)
		}
		names[i] = h
	}

	// Every name as written is taken before any suffix is chosen, so a
	// generated "Phone (2)" never collides with a real one further right.
	taken := make(map[string]bool, len(names))
	for _, h := range names {
		taken[HeaderKey(h)] = true
	}
	seen := make(map[string]int, len(names))
	for i, h := range names {
		key := HeaderKey(h)
		seen[key]++
		if seen[key] == 1 {
			continue
		}
		for n := seen[key]; ; n++ {
			alt := h + " (" + strconv.Itoa(n) + ")"
			if altKey := HeaderKey(alt); !taken[altKey] {
				taken[altKey] = true
				names[i] = alt
				break
			}
		}
	}
	return names
}
