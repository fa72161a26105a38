package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
)

// searchForms is a search of a list in the two forms it is run in: for the
// page and for its capped count.
type searchForms struct{ page, count searchSQL }

// walkRowsLimit is how many contacts a search's page or capped count may
// walk in id order (checking each with strpos, about half a microsecond a
// contact) before reading the trigram index is the cheaper way to its
// matches: that costs a few milliseconds for the index, then a fetch of
// each candidate from the table (some microseconds each), and for a page
// a sort of all of them.
var walkRowsLimit = 20_000.0

// searchForms picks how a list's page and count find the matches of terms
// among the contacts w selects. SQLite reads its FTS5 index in id order,
// which serves both. PostgreSQL's trigram index gives its matches in no
// order, so each form either walks contacts in id order until it has what
// it needs (the page's rows, the count's MaxSearchCount+1) or reads the
// index for every candidate; which is cheaper depends on how common the
// term is, and the planner's estimate of that (from its histogram of
// search_doc, see migration search_statistics) decides, here, rather than
// the planner itself: it prices an index read of many trigrams far below
// its cost, and read the index for every candidate of "hotmail.co.uk"
// (1.4% of a million contacts) to count 201 of them, 93 ms, where the walk
// to them takes 7.5. A form that reads the index gives it only a cover of
// each term's trigrams (pgTrigramSearch): the 18 trigrams of "severnenergy
// co uk" cost 18 ms to read, its cover's four 3. Both forms find the same
// rows; a wrong estimate (Citus gives none worth the name) costs only time.
func (db *DB) searchForms(ctx context.Context, w *where, terms []string, p contactd.Page) (searchForms, error) {
	argN := w.next()
	if db.dialect.name() == SQLite {
		s := sqliteTrigramSearch(terms, argN)
		return searchForms{s, s}, nil
	}
	all, matches, err := db.estimateRows(ctx, w, w.with(pgPhoneCoverSearch(terms, argN)))
	if err != nil {
		return searchForms{}, err
	}
	form := func(want int) searchSQL {
		if matches > 0 && all*float64(want)/matches <= walkRowsLimit {
			return strposAny(terms, argN)
		}
		return pgTrigramSearch(terms, argN)
	}
	want := p.PerPage + 1
	if p.AfterID == 0 {
		want += p.Offset()
	}
	return searchForms{page: form(want), count: form(contactd.MaxSearchCount + 1)}, nil
}

// estimateRows asks the planner how many contacts each of two conditions
// selects. The top node of a plan says how many rows the whole query
// gives, whether the planner scans in parallel or not.
func (db *DB) estimateRows(ctx context.Context, a, b *where) (float64, float64, error) {
	var rows [2]float64
	for i, w := range []*where{a, b} {
		var out []byte
		if err := db.read.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM contacts c WHERE `+w.sql(), w.args...).Scan(&out); err != nil {
			return 0, 0, fmt.Errorf("estimate search: %w", err)
		}
		var plan []struct {
			Plan struct {
				Rows float64 `json:"Plan Rows"`
			}
		}
		if err := json.Unmarshal(out, &plan); err != nil || len(plan) != 1 {
			return 0, 0, fmt.Errorf("estimate search: unexpected plan %.200s", out)
		}
		rows[i] = plan[0].Plan.Rows
	}
	return rows[0], rows[1], nil
}

// strposAny matches any of terms with strpos, which no index serves: the
// planner can only walk the table, and stops at the count's cap.
func strposAny(terms []string, argN int) searchSQL {
	s := plainFrom
	conds := make([]string, len(terms))
	for i, t := range terms {
		conds[i] = fmt.Sprintf("strpos(c.search_doc, $%d) > 0", argN+i)
		s.args = append(s.args, t)
	}
	s.where = "(" + strings.Join(conds, " OR ") + ")"
	return s
}
