package store

import (
	"context"
	"fmt"

	"github.com/contactd/contactd"
)

// searchWindow is how many contacts, in id order, a PostgreSQL search
// looks through before it asks the trigram index. A common term (a company,
// a mail domain) fills its first page within them, and the index would have
// listed thousands of matches and sorted them for a page of 50; a rare term
// costs the walk (a few milliseconds) and then the index.
const searchWindow = 5000

// windowSearch is the first page of a PostgreSQL search with no filter but
// the workspace and status, found among the first searchWindow contacts. ok
// is false when the window holds less than a page of matches; the caller
// then searches by the index. matched counts the window's matches up to
// MaxSearchCount+1: more than MaxSearchCount makes the total capped
// without another query.
func (db *DB) windowSearch(ctx context.Context, src searchSQL, w *where, perPage int) (out []*contactd.Contact, matched int64, ok bool, err error) {
	// w.conds are the workspace, the status (unless all) and then the
	// search: the window takes all but the last, the search picks within it.
	base := len(w.conds) - 1
	// The window reads only id and search_doc; the page's rows are read
	// whole afterwards, by id.
	q := fmt.Sprintf(`SELECT %s, w.n FROM (
			SELECT c.id, count(*) OVER () AS n FROM (
				SELECT c.id, c.search_doc FROM contacts c WHERE %s ORDER BY c.id LIMIT %d
			) c WHERE %s ORDER BY c.id LIMIT %d
		) w JOIN contacts c ON c.id = w.id WHERE %s ORDER BY c.id`,
		contactColumns, joinConds(w.conds[:base]), searchWindow, w.conds[base], perPage+1, w.conds[0])
	rows, err := db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, false, fmt.Errorf("find contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(withCount{rows, &matched})
		if err != nil {
			return nil, 0, false, fmt.Errorf("find contacts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, fmt.Errorf("find contacts: %w", err)
	}
	return out, matched, len(out) > perPage, nil
}

// withCount scans a contact row followed by one more column, a count.
type withCount struct {
	row scanner
	n   *int64
}

func (r withCount) Scan(dest ...any) error { return r.row.Scan(append(dest, r.n)...) }

func joinConds(conds []string) string {
	w := where{conds: conds}
	return w.sql()
}
