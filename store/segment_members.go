package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/contactd/contactd"
)

// memberChunk is how many ids one IN list carries, and rowChunk how many
// rows one multi-row INSERT does: about a thousand placeholders a
// statement, well within both engines' limits.
const (
	memberChunk = 500
	rowChunk    = 160
)

// checkMemberIDs validates the contact_ids of a bulk membership change and
// returns them without repeats, in order.
func checkMemberIDs(ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: "contact_ids", Code: "required", Message: "send at least one contact id"}})
	}
	if len(ids) > contactd.MaxSegmentBatch {
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: "contact_ids", Code: "too_many", Message: fmt.Sprintf("at most %d ids a call; send the rest in further calls", contactd.MaxSegmentBatch)}})
	}
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for i, id := range ids {
		if id <= 0 {
			return nil, contactd.ValidationError([]contactd.FieldError{{Field: fmt.Sprintf("contact_ids[%d]", i), Code: contactd.EInvalidID, Message: "must be a positive integer id"}})
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// lockStaticSegment reads segment id for a membership change. Returns
// ENotFound, and EConflict for a dynamic segment.
func (tx *Tx) lockStaticSegment(ctx context.Context, id int64) (*contactd.Segment, error) {
	s, err := findSegment(ctx, tx, tx.actor.WorkspaceID, id, tx.db.dialect.forUpdate())
	if err != nil {
		return nil, err
	}
	if s.Type != contactd.SegmentStatic {
		return nil, contactd.Errorf(contactd.EConflict, "segment %d is dynamic: its members are whoever matches its rules; change the rules instead", id)
	}
	return s, nil
}

// contactStatuses maps each of ids that is a contact of the workspace to its
// status.
func (tx *Tx) contactStatuses(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for start := 0; start < len(ids); start += memberChunk {
		chunk := ids[start:min(start+memberChunk, len(ids))]
		args := []any{tx.actor.WorkspaceID}
		rows, err := tx.QueryContext(ctx, `SELECT id, status FROM contacts WHERE workspace_id = $1 AND id IN (`+idMarks(&args, chunk)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("find contacts: %w", err)
		}
		for rows.Next() {
			var id int64
			var status string
			if err := rows.Scan(&id, &status); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = status
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// idMarks appends ids to args and returns their placeholders.
func idMarks(args *[]any, ids []int64) string {
	marks := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		marks[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(marks, ", ")
}

// AddSegmentMembers adds up to MaxSegmentBatch contacts to a static segment
// in one transaction. Ids that are no contact of the workspace are reported
// in NotFound, deleted, merged and erased contacts in NotActive; neither is
// added. Returns ENotFound for the segment, EConflict for a dynamic one,
// EInvalid for an empty or oversized list or an id that is not positive.
func (db *DB) AddSegmentMembers(ctx context.Context, id int64, contactIDs []int64) (*contactd.MembershipChange, error) {
	var out *contactd.MembershipChange
	err := db.inTx(ctx, func(tx *Tx) error {
		// The segment first: another workspace's id is not found whatever
		// the body holds.
		s, err := tx.lockStaticSegment(ctx, id)
		if err != nil {
			return err
		}
		ids, err := checkMemberIDs(contactIDs)
		if err != nil {
			return err
		}
		statuses, err := tx.contactStatuses(ctx, ids)
		if err != nil {
			return err
		}
		out = &contactd.MembershipChange{NotFound: []int64{}, NotActive: []int64{}}
		var active []int64
		for _, cid := range ids {
			switch st, ok := statuses[cid]; {
			case !ok:
				out.NotFound = append(out.NotFound, cid)
			case st != contactd.StatusActive:
				out.NotActive = append(out.NotActive, cid)
			default:
				active = append(active, cid)
			}
		}
		added, err := tx.addSegmentMembers(ctx, id, active, nil)
		if err != nil {
			return err
		}
		out.Changed, out.Unchanged = int64(len(added)), int64(len(active)-len(added))
		out.ContactCount, err = db.countSegment(ctx, tx, s)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addSegmentMembers inserts the memberships of ids (active contacts of the
// workspace) that do not exist yet, with an audit event for each, and
// returns the ids it added. details go into each event besides segment_id.
func (tx *Tx) addSegmentMembers(ctx context.Context, segmentID int64, ids []int64, details map[string]any) ([]int64, error) {
	var added []int64
	for start := 0; start < len(ids); start += rowChunk {
		chunk := ids[start:min(start+rowChunk, len(ids))]
		args := make([]any, 0, 4*len(chunk))
		values := make([]string, len(chunk))
		for i, cid := range chunk {
			values[i] = placeholders(len(args)+1, 4)
			args = append(args, tx.actor.WorkspaceID, segmentID, cid, timeArg(tx.now))
		}
		rows, err := tx.QueryContext(ctx, `
			INSERT INTO segment_members (workspace_id, segment_id, contact_id, added_at)
			VALUES `+strings.Join(values, ", ")+`
			ON CONFLICT DO NOTHING
			RETURNING contact_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("add segment members: %w", err)
		}
		for rows.Next() {
			var cid int64
			if err := rows.Scan(&cid); err != nil {
				rows.Close()
				return nil, err
			}
			added = append(added, cid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("add segment members: %w", err)
		}
	}
	sort.Slice(added, func(i, j int) bool { return added[i] < added[j] })
	return added, tx.auditEach(ctx, contactd.ActionSegmentMemberAdded, added, withSegment(segmentID, details))
}

func withSegment(segmentID int64, details map[string]any) map[string]any {
	out := map[string]any{"segment_id": segmentID}
	for k, v := range details {
		out[k] = v
	}
	return out
}

// auditEach records one event per contact with the same details, a few
// statements for any number of contacts.
func (tx *Tx) auditEach(ctx context.Context, action string, contactIDs []int64, details map[string]any) error {
	var key any
	if tx.actor.KeyID > 0 {
		key = tx.actor.KeyID
	}
	d := jsonArg(details)
	for start := 0; start < len(contactIDs); start += rowChunk {
		chunk := contactIDs[start:min(start+rowChunk, len(contactIDs))]
		args := make([]any, 0, 6*len(chunk))
		values := make([]string, len(chunk))
		for i, cid := range chunk {
			values[i] = placeholders(len(args)+1, 6)
			args = append(args, tx.actor.WorkspaceID, action, key, cid, d, timeArg(tx.now))
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO audit_events (workspace_id, action, actor_key_id, contact_id, details, at)
			VALUES `+strings.Join(values, ", "), args...); err != nil {
			return fmt.Errorf("insert audit events: %w", err)
		}
	}
	return nil
}

// RemoveSegmentMembers removes up to MaxSegmentBatch contacts from a static
// segment in one transaction; contacts that were not members count as
// Unchanged, ids that are no contact of the workspace are listed in
// NotFound. Returns ENotFound for the segment, EConflict for a dynamic one,
// EInvalid for a bad list.
func (db *DB) RemoveSegmentMembers(ctx context.Context, id int64, contactIDs []int64) (*contactd.MembershipChange, error) {
	var out *contactd.MembershipChange
	err := db.inTx(ctx, func(tx *Tx) error {
		// The segment first: another workspace's id is not found whatever
		// the body holds.
		s, err := tx.lockStaticSegment(ctx, id)
		if err != nil {
			return err
		}
		ids, err := checkMemberIDs(contactIDs)
		if err != nil {
			return err
		}
		statuses, err := tx.contactStatuses(ctx, ids)
		if err != nil {
			return err
		}
		out = &contactd.MembershipChange{NotFound: []int64{}, NotActive: []int64{}}
		var known []int64
		for _, cid := range ids {
			if _, ok := statuses[cid]; ok {
				known = append(known, cid)
			} else {
				out.NotFound = append(out.NotFound, cid)
			}
		}
		var removed []int64
		for start := 0; start < len(known); start += memberChunk {
			chunk := known[start:min(start+memberChunk, len(known))]
			args := []any{tx.actor.WorkspaceID, id}
			rows, err := tx.QueryContext(ctx, `
				DELETE FROM segment_members WHERE workspace_id = $1 AND segment_id = $2 AND contact_id IN (`+idMarks(&args, chunk)+`)
				RETURNING contact_id`, args...)
			if err != nil {
				return fmt.Errorf("remove segment members: %w", err)
			}
			for rows.Next() {
				var cid int64
				if err := rows.Scan(&cid); err != nil {
					rows.Close()
					return err
				}
				removed = append(removed, cid)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("remove segment members: %w", err)
			}
		}
		sort.Slice(removed, func(i, j int) bool { return removed[i] < removed[j] })
		if err := tx.auditEach(ctx, contactd.ActionSegmentMemberRemoved, removed, withSegment(id, nil)); err != nil {
			return err
		}
		out.Changed, out.Unchanged = int64(len(removed)), int64(len(known)-len(removed))
		out.ContactCount, err = db.countSegment(ctx, tx, s)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindSegmentMembers pages the active members of a segment by contact id.
// The total stops counting at MaxListCount (TotalCapped), so that a page
// stays fast on a segment of a million contacts; the segment's exact count
// is its ContactCount. Returns ENotFound for the segment.
func (db *DB) FindSegmentMembers(ctx context.Context, id int64, p contactd.Page) ([]*contactd.Contact, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	if p.PerPage <= 0 || p.PerPage > contactd.MaxPerPage || p.Page < 1 {
		return nil, info, contactd.Errorf(contactd.EInvalidPagination, "page must be at least 1 and per_page between 1 and %d", contactd.MaxPerPage)
	}
	s, err := findSegment(ctx, db.read, actor.WorkspaceID, id, "")
	if err != nil {
		return nil, info, err
	}
	now := db.now()
	sel, err := db.segmentSelection(ctx, db.read, s, now, false)
	if err != nil {
		return nil, info, err
	}
	// On SQLite, a set count first lists every contact with the segment's
	// tag; PostgreSQL merge-joins the set in id order and stops at the
	// count, and the window's extra queries only cost it.
	many := false
	if s.Type == contactd.SegmentDynamic && db.dialect.name() == SQLite {
		if many, err = db.manyInWindow(ctx, s, now); err != nil {
			return nil, info, err
		}
	}
	if many {
		info.Total, info.TotalCapped = contactd.MaxListCount, true
	} else if err := db.countContacts(ctx, sel.from, sel.w, contactd.MaxListCount, &info); err != nil {
		return nil, info, err
	}
	if info.TotalCapped {
		// Matches are plentiful: walking contacts in id order finds a page
		// of them soon, where looking up every match first would not.
		if sel, err = db.segmentPage(ctx, db.read, s, now, true, p.AfterID, 0); err != nil {
			return nil, info, err
		}
	}
	offset := 0
	if p.AfterID > 0 {
		sel.w.add(sel.order+" > $%d", p.AfterID)
	} else {
		offset = p.Offset()
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d OFFSET %d`,
		contactColumns, sel.from, sel.w.sql(), sel.order, p.PerPage+1, offset), sel.w.args...)
	if err != nil {
		return nil, info, fmt.Errorf("find segment members: %w", err)
	}
	defer rows.Close()
	out := make([]*contactd.Contact, 0, p.PerPage)
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, info, fmt.Errorf("find segment members: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, info, fmt.Errorf("find segment members: %w", err)
	}
	if len(out) > p.PerPage {
		out = out[:p.PerPage]
		info.NextAfterID = out[len(out)-1].ID
	}
	return out, info, nil
}

// ForEachSegmentMember calls fn for every active member of the segment
// (static or dynamic), in id order, streaming: the members are never all in
// memory. An error from fn stops the walk and is returned. Returns
// ENotFound for an unknown segment or one of another workspace.
func (db *DB) ForEachSegmentMember(ctx context.Context, segmentID int64, fn func(c *contactd.Contact) error) error {
	actor, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	s, err := findSegment(ctx, db.read, actor.WorkspaceID, segmentID, "")
	if err != nil {
		return err
	}
	sel, err := db.segmentSelection(ctx, db.read, s, db.now(), false)
	if err != nil {
		return err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+contactColumns+` FROM `+sel.from+` WHERE `+sel.w.sql()+` ORDER BY `+sel.order, sel.w.args...)
	if err != nil {
		return fmt.Errorf("read segment members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return fmt.Errorf("read segment members: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// addImportToSegment adds the contacts an import batch created, updated or
// matched to the import's static segment, in the batch's transaction.
// Returns EConflict when the segment was deleted, or made no longer static,
// since the import was queued.
func (tx *Tx) addImportToSegment(ctx context.Context, importID, segmentID int64, contactIDs []int64) error {
	if _, err := tx.lockStaticSegment(ctx, segmentID); err != nil {
		if contactd.ErrorCode(err) == contactd.ENotFound {
			return contactd.Errorf(contactd.EConflict, "segment %d was deleted while the import ran; the rows imported so far are kept", segmentID)
		}
		return err
	}
	seen := make(map[int64]bool, len(contactIDs))
	ids := make([]int64, 0, len(contactIDs))
	for _, id := range contactIDs {
		if id > 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	_, err := tx.addSegmentMembers(ctx, segmentID, ids, map[string]any{"import_id": importID})
	return err
}
