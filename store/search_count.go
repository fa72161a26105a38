package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
)

// walkRowsLimit is how many contacts a capped search count may walk, in
// the table's order, before reading the trigram index is the cheaper way
// to its MaxSearchCount+1 matches. A walk checks a contact in about half a
// microsecond; the index costs a few milliseconds to read for a common
// trigram and then about five microseconds a candidate, each fetched from
// the table to be checked.
var walkRowsLimit = 20_000.0

// pgSearchCount picks the form of a PostgreSQL search's capped count from
// the planner's estimate of how many contacts the whole term matches (its
// histogram of search_doc, see migration search_statistics) among those
// the other filters leave. A count stops at the MaxSearchCount+1st match,
// so a term that 1.4% of a million contacts hold ("hotmail.co.uk") is
// counted fastest by walking the table until then: 14,700 contacts, 7.5
// ms, where the planner read the index for every candidate and took 93 ms.
// A rarer term reads the index, with only a cover of its trigrams
// (pgTrigramSearch): the whole term's 18 trigrams of "brighton bakehouse"
// cost 11 ms to read, its cover's six 4 ms. The planner would not make
// either choice itself: it prices an index read of many trigrams far below
// what it costs. Both forms count the same rows; a wrong estimate (Citus
// gives none worth the name) costs only time.
func (db *DB) pgSearchCount(ctx context.Context, w *where, terms []string) (searchSQL, error) {
	whole := likeAny(terms, w.next())
	all, matches, err := db.estimateRows(ctx, w, w.with(whole))
	if err != nil {
		return searchSQL{}, err
	}
	if matches > 0 && all*float64(contactd.MaxSearchCount+1)/matches <= walkRowsLimit {
		return strposAny(terms, w.next()), nil
	}
	return pgTrigramSearch(terms, w.next()), nil
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
