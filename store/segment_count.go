package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/rules"
)

// segmentMergeRows is how many contacts a tag or static segment must hold
// before a count on SQLite merges its list with the other sets of the rules
// (see rules.PlanSets) rather than looking each of them up. Looking one up
// costs about as much as stepping over eight in a merge, and below this
// many the lookups cost under 20 ms however big the other sets are; a
// merge reads every contact of the other sets, which at a million contacts
// can be 100 ms for a tag that a few hundred carry. Tests make it smaller.
var segmentMergeRows = 10000

// ruleIndexed are the fields whose equality an index of contacts serves
// in id order: (workspace_id, status, lower(field)), and the rowid after.
var ruleIndexed = map[string]bool{"city": true, "phone_country": true}

// A count runs in segmentCountParts parts at once, one a core (up to
// four), each of at least segmentMinPart ids of the workspace's range.
// Tests change them.
var (
	segmentCountParts = min(runtime.NumCPU(), 4)
	segmentMinPart    = int64(20000)
)

// countSegment counts the active members of s now.
func (db *DB) countSegment(ctx context.Context, q queryer, s *contactd.Segment) (int64, error) {
	now := db.now()
	if q == db.read {
		return db.countInParts(ctx, s, now)
	}
	// In a transaction: one statement, on its connection.
	query, args, err := db.segmentCountSQL(ctx, q, s, now, 0, 0)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count segment %d: %w", s.ID, err)
	}
	return n, nil
}

// countInParts counts in parts of the workspace's id range at once, one
// connection and core each, and adds the parts up. SQLite runs a query on
// one core. PostgreSQL's parallel workers split only one side of a merge
// join (each reads the whole other side), so a count's merge runs on one
// core unless its parts are ranges of both sides. Each part reads its own
// snapshot: a contact changed while the count runs is counted as it was
// or as it is, once.
func (db *DB) countInParts(ctx context.Context, s *contactd.Segment, now time.Time) (int64, error) {
	var first, last sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT id FROM contacts WHERE workspace_id = $1 AND status = $2 ORDER BY id LIMIT 1),
		(SELECT id FROM contacts WHERE workspace_id = $1 AND status = $2 ORDER BY id DESC LIMIT 1)`,
		s.WorkspaceID, contactd.StatusActive).Scan(&first, &last)
	if err != nil {
		return 0, fmt.Errorf("count segment %d: %w", s.ID, err)
	}
	if !first.Valid {
		return 0, nil // no active contacts, so no members
	}
	lo, hi := first.Int64, last.Int64
	parts := segmentCountParts
	if hi-lo+1 < int64(parts)*segmentMinPart {
		parts = 1
	}
	counts, errs := make([]int64, parts), make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		after, upTo := lo-1+(hi-lo+1)*int64(i)/int64(parts), lo-1+(hi-lo+1)*int64(i+1)/int64(parts)
		wg.Add(1)
		go func() {
			defer wg.Done()
			query, args, err := db.segmentCountSQL(ctx, db.read, s, now, after, upTo)
			switch {
			case err != nil:
			case s.Type == contactd.SegmentDynamic && db.dialect.name() == Postgres:
				counts[i], err = db.countMerging(ctx, s, query, args)
			default:
				if err = db.read.QueryRowContext(ctx, query, args...).Scan(&counts[i]); err != nil {
					err = fmt.Errorf("count segment %d: %w", s.ID, err)
				}
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	var n int64
	for i := range parts {
		if errs[i] != nil {
			return 0, errs[i]
		}
		n += counts[i]
	}
	return n, nil
}

// countMerging counts on PostgreSQL with the joins of tags and segments to
// contacts made as merges: both sides are index walks in id order (the
// rule indexes end in the id, migration 0011), so a merge reads each once
// and builds nothing. Left to itself the planner estimates a hash join a
// little cheaper, a table of every tagged contact probed with every contact
// of the index walk, and splits it over two parallel workers. Counting the
// Indian numbers with the vip tag at a million contacts on the busy 2-core
// bench machine: 130-290 ms (p50) on one core, where the parallel hash
// join took 360-580 ms on three processes. The settings last for this
// read-only transaction only.
func (db *DB) countMerging(ctx context.Context, s *contactd.Segment, query string, args []any) (n int64, err error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("count segment %d: %w", s.ID, err)
	}
	defer tx.Rollback()
	for _, set := range []string{`SET LOCAL enable_hashjoin = off`, `SET LOCAL max_parallel_workers_per_gather = 0`} {
		if _, err := tx.ExecContext(ctx, set); err != nil {
			return 0, fmt.Errorf("count segment %d: %w", s.ID, err)
		}
	}
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count segment %d: %w", s.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("count segment %d: %w", s.ID, err)
	}
	return n, nil
}

// segmentCountSQL is the query that counts the members of s whose ids lie
// past after and up to upTo (0, 0 for all). PostgreSQL counts the
// selection as it is: it merge-joins a tag's contacts with an index walk in
// id order itself. SQLite has no merge join: for lower(phone_country) =
// 'in' AND c.id IN (the vip contacts) it lists the 118,000 vip contacts
// and looks each up in the country's index, about 250 ms of CPU at a
// million contacts; the same sets as a compound SELECT are two ordered
// lists it steps through once, about 140 ms (rules.PlanSets).
func (db *DB) segmentCountSQL(ctx context.Context, q queryer, s *contactd.Segment, now time.Time, after, upTo int64) (string, []any, error) {
	if s.Type == contactd.SegmentDynamic && db.dialect.name() == SQLite {
		w := &where{}
		t := &ruleTarget{db: db, ctx: ctx, q: q, ws: s.WorkspaceID, w: w, now: now, self: s.ID, after: after, upTo: upTo}
		plan, err := rules.PlanSets(s.Rules, t)
		if err != nil {
			return "", nil, err
		}
		if plan != nil {
			if plan.Exact && plan.Cond == "" {
				return "SELECT count(*) FROM (" + plan.Set + " ORDER BY 1)", w.args, nil
			}
			// Some of the set may be contacts that are no longer active, or
			// the rules test each contact of it further.
			query := fmt.Sprintf("SELECT count(*) FROM contacts c WHERE c.workspace_id = %s AND c.status = %s AND c.id IN (%s ORDER BY 1)",
				t.Arg(s.WorkspaceID), t.Arg(contactd.StatusActive), plan.Set)
			query += t.idRange("c.id")
			if plan.Cond != "" {
				query += " AND " + plan.Cond
			}
			return query, w.args, nil
		}
	}
	sel, err := db.segmentPage(ctx, q, s, now, false, after, upTo)
	if err != nil {
		return "", nil, err
	}
	if after > 0 {
		sel.w.add(sel.order+" > $%d", after)
	}
	if upTo > 0 {
		sel.w.add(sel.order+" <= $%d", upTo)
	}
	return `SELECT count(*) FROM ` + sel.from + ` WHERE ` + sel.w.sql(), sel.w.args, nil
}

// Indexed is rules.SetTarget's.
func (t *ruleTarget) Indexed(field string) bool { return ruleIndexed[field] }

// FieldSet is rules.SetTarget's: an index walk, the rowid in order.
func (t *ruleTarget) FieldSet(cond string) string {
	return "SELECT c.id AS id FROM contacts c WHERE c.workspace_id = " + t.Arg(t.ws) + " AND c.status = " + t.Arg(contactd.StatusActive) + " AND " + cond + t.idRange("c.id")
}

// ManyTagged is rules.SetTarget's: it counts no further than it needs.
func (t *ruleTarget) ManyTagged(tags []string) (bool, error) {
	args := []any{t.ws}
	q := "SELECT 1 FROM contact_tags WHERE workspace_id = $1"
	if len(tags) > 0 {
		marks := make([]string, len(tags))
		for i, tag := range tags {
			args = append(args, tag)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		q += " AND tag IN (" + strings.Join(marks, ", ") + ")"
	}
	return t.atLeast(q, args, "count tagged contacts")
}

// ManyMembers is rules.SetTarget's.
func (t *ruleTarget) ManyMembers(id int64) (bool, error) {
	return t.atLeast("SELECT 1 FROM segment_members WHERE workspace_id = $1 AND segment_id = $2", []any{t.ws, id}, "count segment members")
}

// atLeast reports whether the rows query reads number segmentMergeRows.
func (t *ruleTarget) atLeast(query string, args []any, what string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(t.ctx, fmt.Sprintf("SELECT count(*) FROM (%s LIMIT %d) t", query, segmentMergeRows), args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n >= segmentMergeRows, nil
}

// TagSet is rules.SetTarget's: the tag's range of the primary key.
func (t *ruleTarget) TagSet(tag string) string {
	return "SELECT contact_id AS id FROM contact_tags WHERE workspace_id = " + t.Arg(t.ws) + " AND tag = " + t.Arg(tag) + t.pastCursor()
}

// AnyTagSet is rules.SetTarget's: the index by contact, in which a contact
// with several tags comes several times (the compound SELECT drops
// repeats).
func (t *ruleTarget) AnyTagSet() string {
	return "SELECT contact_id AS id FROM contact_tags WHERE workspace_id = " + t.Arg(t.ws) + t.pastCursor()
}

// MemberSet is rules.SetTarget's: the segment's part of the primary key.
func (t *ruleTarget) MemberSet(id int64) string {
	return "SELECT contact_id AS id FROM segment_members WHERE workspace_id = " + t.Arg(t.ws) + " AND segment_id = " + t.Arg(id) + t.pastCursor()
}

// SegmentRules is rules.SetTarget's; its errors are InSegment's.
func (t *ruleTarget) SegmentRules(id int64, depth int) (*contactd.Rule, error) {
	if id == t.self && t.self != 0 {
		return nil, t.invalid("segments: segment %d refers back to itself", id)
	}
	s, err := findSegment(t.ctx, t.q, t.ws, id, "")
	if err != nil {
		if contactd.ErrorCode(err) == contactd.ENotFound {
			return nil, t.invalid("segments: segment %d not found in this workspace", id)
		}
		return nil, err
	}
	if s.Type == contactd.SegmentStatic {
		return nil, nil
	}
	if depth >= maxSegmentNesting {
		return nil, t.invalid("segments conditions nest more than %d segments deep", maxSegmentNesting)
	}
	return s.Rules, nil
}
