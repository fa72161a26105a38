package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/contactd/contactd"
)

// groupCursorShift packs a group's sort key (match rank, group id) into one
// cursor value: rank<<48 | group id.
const groupCursorShift = 48

// FindDuplicateGroups lists the groups of live contacts that may be one
// person, strongest match first, then by lowest contact id: the same order
// on every call while nothing changes. The groups are kept up to date by
// every write, so a page costs an index range and the contacts on it. The
// total stops counting at MaxListCount (TotalCapped).
// Returns EInvalid for an unknown match and EInvalidPagination for a bad
// page.
func (db *DB) FindDuplicateGroups(ctx context.Context, f contactd.DuplicateFilter) ([]*contactd.DuplicateGroup, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	if f.Page.PerPage <= 0 || f.Page.PerPage > contactd.MaxPerPage || f.Page.Page < 1 {
		return nil, info, contactd.Errorf(contactd.EInvalidPagination, "page must be at least 1 and per_page between 1 and %d", contactd.MaxPerPage)
	}
	w := &where{}
	w.add("workspace_id = $%d", actor.WorkspaceID)
	switch f.Match {
	case "":
	case contactd.MatchName:
		w.add("match_rank >= $%d", matchRank[contactd.MatchNameCompany])
	default:
		rank, ok := matchRank[f.Match]
		if !ok {
			return nil, info, contactd.ValidationError([]contactd.FieldError{{Field: "match", Code: "invalid",
				Message: "must be email, phone, name, name_company, name_domain or name_city"}})
		}
		w.add("match_rank = $%d", rank)
	}
	// The total stops at MaxListCount, as a search's does: every write
	// regroups, so on PostgreSQL the table's pages are rarely all-visible,
	// and counting 45,000 groups visited each one's row (90 ms a page).
	if err := db.countContacts(ctx, "duplicate_groups", w, contactd.MaxListCount, &info); err != nil {
		return nil, info, err
	}
	offset := 0
	if f.Page.AfterID > 0 {
		rank, gid := f.Page.AfterID>>groupCursorShift, f.Page.AfterID&(1<<groupCursorShift-1)
		w.add("(match_rank > $%d OR (match_rank = $%d AND group_id > $%d))", rank, rank, gid)
	} else {
		offset = f.Page.Offset()
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`
		SELECT group_id, match_rank, summary FROM duplicate_groups
		WHERE %s ORDER BY match_rank, group_id LIMIT %d OFFSET %d`, w.sql(), f.Page.PerPage+1, offset), w.args...)
	if err != nil {
		return nil, info, fmt.Errorf("find duplicate groups: %w", err)
	}
	type pageGroup struct {
		gid, rank int64
		g         *contactd.DuplicateGroup
	}
	var page []pageGroup
	for rows.Next() {
		var gid, rank int64
		var summary []byte
		if err := rows.Scan(&gid, &rank, &summary); err != nil {
			rows.Close()
			return nil, info, fmt.Errorf("find duplicate groups: %w", err)
		}
		g := &contactd.DuplicateGroup{}
		if err := json.Unmarshal(summary, &g.Links); err != nil || len(g.Links) == 0 {
			rows.Close()
			return nil, info, fmt.Errorf("duplicate group %d: bad summary: %v", gid, err)
		}
		best := g.Links[0]
		g.Match, g.Key, g.Confidence = best.Match, best.Key, best.Confidence
		page = append(page, pageGroup{gid, rank, g})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, info, fmt.Errorf("find duplicate groups: %w", err)
	}
	if len(page) > f.Page.PerPage {
		page = page[:f.Page.PerPage]
		last := page[len(page)-1]
		info.NextAfterID = last.rank<<groupCursorShift | last.gid
	}
	if len(page) == 0 {
		return []*contactd.DuplicateGroup{}, info, nil
	}
	byGID := map[int64]*contactd.DuplicateGroup{}
	for _, p := range page {
		byGID[p.gid] = p.g
	}
	// A group's members are the contacts of its links, so the contacts are
	// one primary-key lookup. (A join through duplicate_members would let a
	// planner without fresh statistics walk every contact in id order.)
	groupOf := map[int64]int64{}
	var ids []int64
	for _, p := range page {
		for _, l := range p.g.Links {
			for _, id := range l.ContactIDs {
				if _, ok := groupOf[id]; !ok {
					groupOf[id] = p.gid
					ids = append(ids, id)
				}
			}
		}
	}
	cs, err := readContacts(ctx, db.read, db.dialect, actor.WorkspaceID, ids, "")
	if err != nil {
		return nil, info, err
	}
	for _, c := range cs {
		g := byGID[groupOf[c.ID]]
		g.Contacts = append(g.Contacts, c)
		g.ContactIDs = append(g.ContactIDs, c.ID)
	}
	out := make([]*contactd.DuplicateGroup, len(page))
	for i, p := range page {
		p.g.SuggestedPrimaryID = suggestPrimary(p.g.Contacts)
		out[i] = p.g
	}
	return out, info, nil
}

// suggestPrimary picks the contact to keep: the most complete (each filled
// field, alternate, tag and custom field counts one), then the oldest.
func suggestPrimary(cs []*contactd.Contact) int64 {
	if len(cs) == 0 {
		return 0
	}
	best := cs[0]
	for _, c := range cs[1:] {
		cb, cc := completeness(best), completeness(c)
		if cc > cb || cc == cb && (c.CreatedAt.Before(best.CreatedAt) || c.CreatedAt.Equal(best.CreatedAt) && c.ID < best.ID) {
			best = c
		}
	}
	return best.ID
}

func completeness(c *contactd.Contact) int {
	n := len(c.AltPhones) + len(c.AltEmails) + len(c.Tags) + len(c.CustomFields)
	for _, f := range []string{c.FirstName, c.LastName, c.Email, c.Company, c.City, c.Country, c.Timezone} {
		if f != "" {
			n++
		}
	}
	return n
}

// DismissDuplicates records that no two of ids are one person: the links
// between them stop counting, and groups held together only by those links
// fall apart. Dismissing a pair again changes nothing. Returns EInvalid for
// fewer than two, more than MaxDismissContacts or repeated ids, ENotFound
// naming an id that is not a contact of the workspace.
func (db *DB) DismissDuplicates(ctx context.Context, ids []int64) (int, error) {
	if err := checkIDList("contact_ids", ids, 2, contactd.MaxDismissContacts, 0); err != nil {
		return 0, err
	}
	pairs := 0
	err := db.inTx(ctx, func(tx *Tx) error {
		pairs = 0
		if err := tx.lockMatchKeys(ctx); err != nil {
			return err
		}
		found, err := readContacts(ctx, tx.Tx, tx.db.dialect, tx.actor.WorkspaceID, ids, "")
		if err != nil {
			return err
		}
		if err := missingContact("contact_ids", ids, found); err != nil {
			return err
		}
		sorted := append([]int64{}, ids...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		var args []any
		var values []string
		flush := func() error {
			if len(values) == 0 {
				return nil
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO duplicate_dismissals (workspace_id, contact_a, contact_b, created_at) VALUES `+
				strings.Join(values, ", ")+` ON CONFLICT DO NOTHING`, args...)
			if err != nil {
				return fmt.Errorf("dismiss duplicates: %w", err)
			}
			n, _ := res.RowsAffected()
			pairs += int(n)
			args, values = args[:0], values[:0]
			return nil
		}
		for i, a := range sorted {
			for _, b := range sorted[i+1:] {
				values = append(values, placeholders(len(args)+1, 4))
				args = append(args, tx.actor.WorkspaceID, a, b, timeArg(tx.now))
				if len(values) == bulkChunk {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		seeds := map[int64]bool{}
		for _, id := range sorted {
			seeds[id] = true
			if err := tx.audit(ctx, contactd.ActionDuplicateDismissed, id, map[string]any{"contact_ids": sorted}); err != nil {
				return err
			}
		}
		return tx.regroup(ctx, seeds, nil)
	})
	return pairs, err
}

// checkIDList validates a list of ids from a request body: between least
// and most positive ids, none repeated, and none equal to except.
func checkIDList(field string, ids []int64, least, most int, except int64) error {
	var fe fieldErrors
	switch {
	case len(ids) < least:
		fe.add(field, "too_few", "give at least %d contact ids", least)
	case len(ids) > most:
		fe.add(field, "too_many", "at most %d contact ids at once (got %d)", most, len(ids))
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case id <= 0:
			fe.add(f, contactd.EInvalidID, "%d is not a positive integer id", id)
		case id == except:
			fe.add(f, "is_primary", "contact %d is the primary of the merge; it cannot also be a secondary", id)
		case seen[id]:
			fe.add(f, "repeated", "contact %d is listed twice", id)
		}
		seen[id] = true
		if len(fe) >= 10 {
			break
		}
	}
	return fe.err()
}

// missingContact names the first of ids that found lacks.
func missingContact(field string, ids []int64, found []*contactd.Contact) error {
	have := map[int64]bool{}
	for _, c := range found {
		have[c.ID] = true
	}
	for _, id := range ids {
		if !have[id] {
			return &contactd.Error{Code: contactd.ENotFound, Message: fmt.Sprintf("contact %d not found", id),
				Fields: []contactd.FieldError{{Field: field, Code: contactd.ENotFound, Message: fmt.Sprintf("contact %d not found", id)}}}
		}
	}
	return nil
}
