package store

import (
	"fmt"
	"slices"
	"strings"
)

// searchSQL is a search as a FROM clause, a condition and the column that
// orders results by contact id.
type searchSQL struct {
	from, where, order string
	args               []any
}

var plainFrom = searchSQL{from: "contacts c", order: "c.id"}

// searchSource is the page's form of a search and its form for reading
// every match (an export): on PostgreSQL that reads the trigram index with
// a cover of each term (pgTrigramSearch), since all matches are fetched
// whatever their order.
func (db *DB) searchSource(terms []string, argN int) (page, all searchSQL) {
	if db.dialect.name() == SQLite {
		s := sqliteTrigramSearch(terms, argN)
		return s, s
	}
	return pgPhoneCoverSearch(terms, argN), pgTrigramSearch(terms, argN)
}

// with returns a copy of w that also has the condition of s.
func (w *where) with(s searchSQL) *where {
	return &where{conds: append(slices.Clone(w.conds), s.where), args: append(slices.Clone(w.args), s.args...)}
}

// sqliteTrigramSearch asks the FTS5 trigram index for the rows that hold
// every trigram of a cover of each term (the trigrams at 0, 3, 6... and the
// last one), then checks the term itself against the contact's search_doc
// with an exact LIKE. The index keeps no positions (detail=none), so it can
// only answer "rows holding all these trigrams"; a cover asks it for a
// third of a term's trigrams, each a doclist to merge, and still leaves few
// candidates that are not matches. One MATCH holds every term (OR), which
// the index answers in a single walk in rowid order, where an OR of LIKEs on
// the index table merged two walks or scanned. A term shorter than a
// trigram has no cover: it scans search_doc.
func sqliteTrigramSearch(terms []string, argN int) searchSQL {
	for _, t := range terms {
		if len([]rune(t)) < 3 {
			return likeAny(terms, argN)
		}
	}
	groups := make([]string, len(terms))
	likes := make([]string, len(terms))
	args := []any{nil}
	for i, t := range terms {
		groups[i] = "(" + strings.Join(quoteTrigrams(searchCover(t)), " AND ") + ")"
		likes[i] = fmt.Sprintf(`c.search_doc LIKE $%d ESCAPE '\'`, argN+len(args))
		args = append(args, "%"+escapeLike(t)+"%")
	}
	args[0] = strings.Join(slices.Compact(slices.Sorted(slices.Values(groups))), " OR ")
	return searchSQL{
		// CROSS JOIN fixes the order: the index drives, each hit looks up
		// its contact. The other order runs the text search once per
		// contact of the workspace.
		from:  "contact_search s CROSS JOIN contacts c ON c.id = s.rowid",
		where: fmt.Sprintf("(contact_search MATCH $%d AND (%s))", argN, strings.Join(likes, " OR ")),
		order: "s.rowid",
		args:  args,
	}
}

// searchCover is the trigrams a search asks the index for: a cover of t,
// or for a long run of digits (a phone number) a cover of its last nine.
// Every trigram of a term is a condition a match meets, so any of them
// may be left out; the match is checked against the whole term anyway.
// A number's first digits are its country code and area, trigrams that a
// large part of the contacts hold ("919" in every Indian E.164 number),
// whose doclists cost the most and exclude the least; its last digits are
// the subscriber's, close to random. The national and E.164 forms of one
// number end alike, so their covers are the same trigrams.
func searchCover(t string) []string {
	if isPhoneDigits(t) {
		return trigramCover(t[len(t)-9:])
	}
	return trigramCover(t)
}

// trigramCover returns trigrams of t (three runes or more) that together
// cover every rune: those starting at 0, 3, 6... and the last one.
func trigramCover(t string) []string {
	r := []rune(t)
	var out []string
	for i := 0; i+3 <= len(r); i += 3 {
		out = append(out, string(r[i:i+3]))
	}
	if len(r)%3 != 0 && len(r) > 3 {
		out = append(out, string(r[len(r)-3:]))
	}
	return out
}

// quoteTrigrams writes each trigram as an FTS5 string, which the trigram
// tokenizer reads as that one token whatever characters it holds.
func quoteTrigrams(tris []string) []string {
	out := make([]string, len(tris))
	for i, t := range tris {
		out[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return out
}

// pgTrigramSearch asks the pg_trgm GIN index for the rows holding a cover
// of each term's trigrams (LIKE '%vin%' AND LIKE '%dhy%'...), then checks
// the term itself with strpos, which the index cannot serve and so does not
// add to its scan. The index reads and checks one posting list per trigram
// it is given: a whole-term LIKE gave it every trigram of the term (14 for
// "vindhya cements"), and a capped count of a common term took a third
// longer. pg_trgm makes trigrams within runs of letters and digits only,
// so the cover is taken in each ASCII run of three or more; a term with
// none (short words, other scripts) keeps its whole LIKE.
func pgTrigramSearch(terms []string, argN int) searchSQL {
	return pgSearch(terms, argN, func(string) bool { return true })
}

// pgPhoneCoverSearch is the whole-term LIKE of likeAny, but a phone number
// (a run of more than nine digits) in the form of pgTrigramSearch. Its whole
// LIKE hands the index "919" and "198", trigrams of most Indian numbers: a
// page for one number read the index for 23 ms, its cover's 0.9.
func pgPhoneCoverSearch(terms []string, argN int) searchSQL {
	return pgSearch(terms, argN, isPhoneDigits)
}

// isPhoneDigits reports whether t is digits only, more than nine of them.
func isPhoneDigits(t string) bool { return len(t) > 9 && strings.Trim(t, "0123456789") == "" }

// pgSearch matches any of terms: in the form of pgTrigramSearch each term
// for which cover says so, the others with their whole LIKE.
func pgSearch(terms []string, argN int, cover func(t string) bool) searchSQL {
	conds := make([]string, len(terms))
	var args []any
	arg := func(v any) int {
		args = append(args, v)
		return argN + len(args) - 1
	}
	for i, t := range terms {
		var tris []string
		if cover(t) {
			for _, run := range asciiAlnumRuns(t) {
				tris = append(tris, searchCover(run)...)
			}
		}
		if len(tris) == 0 {
			conds[i] = fmt.Sprintf(`c.search_doc LIKE $%d ESCAPE '\'`, arg("%"+escapeLike(t)+"%"))
			continue
		}
		parts := make([]string, 0, len(tris)+1)
		for _, tri := range tris {
			parts = append(parts, fmt.Sprintf("c.search_doc LIKE $%d", arg("%"+tri+"%")))
		}
		parts = append(parts, fmt.Sprintf("strpos(c.search_doc, $%d) > 0", arg(t)))
		conds[i] = "(" + strings.Join(parts, " AND ") + ")"
	}
	s := plainFrom
	s.where, s.args = "("+strings.Join(conds, " OR ")+")", args
	return s
}

// asciiAlnumRuns returns the runs of three or more ASCII letters or digits
// in t.
func asciiAlnumRuns(t string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(t); i++ {
		alnum := i < len(t) && (t[i] >= 'a' && t[i] <= 'z' || t[i] >= 'A' && t[i] <= 'Z' || t[i] >= '0' && t[i] <= '9')
		switch {
		case alnum && start < 0:
			start = i
		case !alnum && start >= 0:
			if i-start >= 3 {
				out = append(out, t[start:i])
			}
			start = -1
		}
	}
	return out
}

// likeAny matches any of terms with a plain LIKE on search_doc: what a term
// too short for a trigram needs, and PostgreSQL's page form.
func likeAny(terms []string, argN int) searchSQL {
	conds := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		conds[i] = fmt.Sprintf(`c.search_doc LIKE $%d ESCAPE '\'`, argN+i)
		args[i] = "%" + escapeLike(t) + "%"
	}
	s := plainFrom
	s.where, s.args = "("+strings.Join(conds, " OR ")+")", args
	return s
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
