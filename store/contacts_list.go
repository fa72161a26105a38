package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/rules"
)

// where builds the WHERE clause of a dynamic query: conditions joined by AND,
// arguments numbered in the order they are added.
type where struct {
	conds []string
	args  []any
}

// add appends cond, in which each %d stands for the next argument's number.
func (w *where) add(cond string, args ...any) {
	nums := make([]any, len(args))
	for i := range args {
		nums[i] = len(w.args) + i + 1
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, nums...))
	w.args = append(w.args, args...)
}

func (w *where) next() int { return len(w.args) + 1 }

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

var validStatus = map[string]bool{contactd.StatusActive: true, contactd.StatusDeleted: true, contactd.StatusMerged: true, contactd.StatusErased: true, "all": true}

// FindContacts lists the contacts of the actor's workspace that match f,
// ordered by id. A search's total stops counting at MaxSearchCount.
func (db *DB) FindContacts(ctx context.Context, f contactd.ContactFilter) ([]*contactd.Contact, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	if err := checkPage(f.Page); err != nil {
		return nil, info, err
	}
	w := &where{}
	w.add("c.workspace_id = $%d", actor.WorkspaceID)
	status := f.Status
	if status == "" {
		status = contactd.StatusActive
	}
	if !validStatus[status] {
		return nil, info, contactd.Errorf(contactd.EInvalid, "status must be active, deleted, merged, erased or all")
	}
	if status != "all" {
		w.add("c.status = $%d", status)
	}
	if f.Tag != "" {
		w.add("c.id IN (SELECT contact_id FROM contact_tags WHERE workspace_id = $%d AND tag = $%d)", actor.WorkspaceID, strings.ToLower(strings.TrimSpace(f.Tag)))
	}
	if f.CreatedAfter != nil {
		w.add("c.created_at >= $%d", timeArg(*f.CreatedAfter))
	}
	if f.CreatedBefore != nil {
		w.add("c.created_at < $%d", timeArg(*f.CreatedBefore))
	}
	if f.DNC != nil {
		w.add("c.dnc = $%d", *f.DNC)
	}
	if f.SegmentID > 0 || f.Rules != nil {
		// The rule engine of segments and exports, so that a list, a
		// segment and an export of the same rules agree.
		t := &ruleTarget{db: db, ctx: ctx, q: db.read, ws: actor.WorkspaceID, w: w, now: db.now(), path: "rules"}
		if f.SegmentID > 0 {
			if _, err := findSegment(ctx, db.read, actor.WorkspaceID, f.SegmentID, ""); err != nil {
				return nil, info, err
			}
			cond, err := t.InSegment(f.SegmentID, true)
			if err != nil {
				return nil, info, err
			}
			w.conds = append(w.conds, cond)
		}
		if f.Rules != nil {
			cond, err := rules.Compile(f.Rules, t)
			if err != nil {
				return nil, info, err
			}
			w.conds = append(w.conds, cond)
		}
	}
	src, count := plainFrom, w
	// plain: no filter but the workspace and one status (searchForms).
	plain := status != "all" && f.Tag == "" && f.CreatedAfter == nil && f.CreatedBefore == nil &&
		f.DNC == nil && f.SegmentID == 0 && f.Rules == nil
	search := false
	if strings.TrimSpace(f.Search) != "" {
		ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
		if err != nil {
			return nil, info, err
		}
		if terms := searchTerms(f.Search, ws.DefaultRegion); len(terms) > 0 {
			forms, err := db.searchForms(ctx, w, terms, f.Page, plain)
			if err != nil {
				return nil, info, err
			}
			src, search = forms.page, true
			w, count = w.with(forms.page), w.with(forms.count)
		}
	}
	// The count and the page are independent queries: each runs on its own
	// connection, at once, so a search answers in the slower one's time
	// rather than in the sum. countInfo is read only after counted has
	// answered.
	var countInfo contactd.PageInfo
	counted := make(chan error, 1)
	go func() {
		limit := 0
		if search {
			limit = contactd.MaxSearchCount
		}
		counted <- db.countContacts(ctx, src.from, count, limit, &countInfo)
	}()
	out, next, err := db.findContactsPage(ctx, src, w, f.Page)
	if cerr := <-counted; cerr != nil {
		return nil, info, cerr
	}
	if err != nil {
		return nil, info, err
	}
	info = countInfo
	info.NextAfterID = next
	return out, info, nil
}

// findContactsPage reads one page of the contacts w selects from src.
func (db *DB) findContactsPage(ctx context.Context, src searchSQL, w *where, p contactd.Page) ([]*contactd.Contact, int64, error) {
	page := *w
	page.conds = append([]string{}, w.conds...)
	page.args = append([]any{}, w.args...)
	offset := 0
	if p.AfterID > 0 {
		page.add(src.order+" > $%d", p.AfterID)
	} else {
		offset = p.Offset()
	}
	q := fmt.Sprintf(`SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d OFFSET %d`,
		contactColumns, src.from, page.sql(), src.order, p.PerPage+1, offset)
	rows, err := db.read.QueryContext(ctx, q, page.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find contacts: %w", err)
	}
	defer rows.Close()
	out := make([]*contactd.Contact, 0, p.PerPage)
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find contacts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find contacts: %w", err)
	}
	var next int64
	if len(out) > p.PerPage {
		out = out[:p.PerPage]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// countContacts counts the matches of w, or, when limit > 0, at most
// limit+1 of them: a short query can match most of a million contacts, and
// an exact figure there is worth less than a fast answer. Past limit the
// total is limit and capped.
func (db *DB) countContacts(ctx context.Context, from string, w *where, limit int, info *contactd.PageInfo) error {
	q := `SELECT count(*) FROM ` + from + ` WHERE ` + w.sql()
	if limit > 0 {
		q = fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) t`, from, w.sql(), limit+1)
	}
	if err := db.read.QueryRowContext(ctx, q, w.args...).Scan(&info.Total); err != nil {
		return fmt.Errorf("count contacts: %w", err)
	}
	if limit > 0 && info.Total > int64(limit) {
		info.Total, info.TotalCapped = int64(limit), true
	}
	return nil
}
