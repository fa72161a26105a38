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
//
// The planner's estimate comes from a sample of 300,000 contacts of which
// its histogram keeps 1,000: a company one contact in a hundred holds
// appears in ten of them, give or take three, and one in two hundred
// searches drew two and was taken for a rare one (a page of 12,000 matches
// fetched and sorted, 40-50 ms, where the walk takes 3). A search with no
// filter but its workspace and status (plain), which the estimate sends
// to the index though a walk would be cheap were it a few times more
// common (doubtful), therefore also counts its matches among the first
// probeRows contacts and pools the two counts (see probeResult.refine).
func (db *DB) searchForms(ctx context.Context, w *where, terms []string, p contactd.Page, plain bool) (searchForms, error) {
	argN := w.next()
	if db.dialect.name() == SQLite {
		s := sqliteTrigramSearch(terms, argN)
		return searchForms{s, s}, nil
	}
	all, matches, err := db.estimateRows(ctx, w, w.with(pgPhoneCoverSearch(terms, argN)))
	if err != nil {
		return searchForms{}, err
	}
	want := p.PerPage + 1
	if p.AfterID == 0 {
		want += p.Offset()
	}
	if plain && doubtful(all, matches, want) {
		var probe probeResult
		if err := db.probeMatches(ctx, w, terms, argN, &probe); err != nil {
			return searchForms{}, err
		}
		matches = probe.refine(all, matches)
	}
	form := func(want int) searchSQL {
		if matches > 0 && all*float64(want)/matches <= walkRowsLimit {
			return strposAny(terms, argN)
		}
		return pgTrigramSearch(terms, argN)
	}
	return searchForms{page: form(want), count: form(contactd.MaxSearchCount + 1)}, nil
}

// doubtful reports whether the estimate of matches sends a form that
// wants rows to the trigram index while a walk for them would cost no
// more than doubtfulFactor times the walk limit: a term its histogram
// undercounted that far is still common enough to walk for.
func doubtful(all, matches float64, want int) bool {
	if matches <= 0 {
		return false // none in the histogram: rare, or new
	}
	rows := all * float64(want) / matches
	return rows > walkRowsLimit && rows <= doubtfulFactor*walkRowsLimit
}

const doubtfulFactor = 5

// probeRows is how many contacts a doubtful search's probe reads in id
// order: about 2.5 ms on PostgreSQL.
const probeRows = 4000

// probeResult is what a probe saw: how many contacts it read, and how many
// of them matched.
type probeResult struct{ seen, found int64 }

// probeMatches counts the matches of terms among the first probeRows
// contacts w selects, in id order (the order of the walk it informs).
func (db *DB) probeMatches(ctx context.Context, w *where, terms []string, argN int, out *probeResult) error {
	match := strposAny(terms, argN)
	q := `SELECT count(*), count(*) FILTER (WHERE ` + match.where + `)
		FROM (SELECT c.search_doc FROM contacts c WHERE ` + w.sql() + ` ORDER BY c.id LIMIT ` + fmt.Sprint(probeRows) + `) c`
	args := append(append([]any{}, w.args...), match.args...)
	if err := db.read.QueryRowContext(ctx, q, args...).Scan(&out.seen, &out.found); err != nil {
		return fmt.Errorf("probe search: %w", err)
	}
	return nil
}

// histogramSize is the number of values the planner's histogram of
// search_doc keeps (migration search_statistics), the sample its
// estimate of a substring's share is counted in.
const histogramSize = 1000

// refine returns the number of matches among all contacts to plan by,
// given the planner's estimate. A probe that read every contact knows it
// exactly. Otherwise the two are counts in two samples of the contacts,
// the histogram's and the probe's, and are pooled: 4,000 and 1,000
// values count a term one contact in a hundred holds to within about 15%,
// where either alone was off by half at times. No probe (seen 0) leaves
// the estimate.
func (p probeResult) refine(all, planned float64) float64 {
	switch {
	case p.seen == 0 || all <= 0:
		return planned
	case p.seen < probeRows:
		return float64(p.found)
	}
	share := (planned/all*histogramSize + float64(p.found)) / (histogramSize + float64(p.seen))
	return share * all
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
