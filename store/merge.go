package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/contactd/contactd"
)

// mergeState is what a merge record keeps so that the merge can be undone
// exactly. It holds personal data, so erasure scrubs it (scrubMerges).
type mergeState struct {
	PrimaryBefore *contactd.Contact   `json:"primary_before"`
	PrimaryAfter  *contactd.Contact   `json:"primary_after"`
	Secondaries   []*contactd.Contact `json:"secondaries"`
	// Repointed are contacts merged earlier into a secondary, which now
	// point at the primary: merged_into always names a live contact.
	Repointed []repoint `json:"repointed"`
	// Overruled are the values of secondaries that the primary's own (or a
	// more recently updated secondary's) won over.
	Overruled []overruled `json:"overruled"`
	// SegmentsAdded are the static segments of secondaries that the primary
	// joined; ConsentsMoved the consent records moved to the primary (From
	// is the secondary that had each).
	SegmentsAdded []int64   `json:"segments_added"`
	ConsentsMoved []repoint `json:"consents_moved"`
	Scrubbed      bool      `json:"scrubbed,omitempty"`
}

type repoint struct {
	ID   int64 `json:"id"`
	From int64 `json:"from"`
}

type overruled struct {
	Field     string `json:"field"`
	ContactID int64  `json:"contact_id"`
	Value     any    `json:"value"`
}

// MergeContacts folds secondaries into primary and answers the primary. It
// keeps the primary's id and values and loses nothing: its empty fields are
// filled from the secondaries, most recently updated first; every other
// phone and email becomes an alternate; tags and custom fields are united,
// the primary winning a conflict (the overruled values are kept in the
// merge record, their field names in the audit event); DNC is set if any
// contact had it. Secondaries become merged with merged_into = primary, and
// contacts merged earlier into a secondary now point at the primary.
//
// Contacts are locked in id order, so two merges sharing a contact run one
// after the other and the second sees the first's outcome. Returns EInvalid
// for an empty, oversized or repeating list or a primary among the
// secondaries, ENotFound naming an unknown id, and EConflict naming a
// contact that is not active. Nothing is written on error.
func (db *DB) MergeContacts(ctx context.Context, primaryID int64, secondaryIDs []int64) (*contactd.Contact, error) {
	if _, err := actorFrom(ctx); err != nil {
		return nil, err
	}
	if err := checkIDList("secondary_ids", secondaryIDs, 1, contactd.MaxMergeSecondaries, primaryID); err != nil {
		return nil, err
	}
	var out *contactd.Contact
	err := db.inTx(ctx, func(tx *Tx) error {
		locked, err := tx.lockContacts(ctx, append([]int64{primaryID}, secondaryIDs...))
		if err != nil {
			return err
		}
		byID := map[int64]*contactd.Contact{}
		for _, c := range locked {
			byID[c.ID] = c
		}
		primary := byID[primaryID]
		if primary == nil {
			return contactd.Errorf(contactd.ENotFound, "contact %d not found", primaryID)
		}
		if err := missingContact("secondary_ids", secondaryIDs, locked); err != nil {
			return err
		}
		if primary.Status != contactd.StatusActive {
			return mergeConflict(primary, "the primary")
		}
		secs := make([]*contactd.Contact, len(secondaryIDs))
		for i, id := range secondaryIDs {
			secs[i] = byID[id]
			if secs[i].Status != contactd.StatusActive {
				return mergeConflict(secs[i], "secondary")
			}
		}
		// Most recently updated first: its values fill the primary's gaps.
		sort.SliceStable(secs, func(i, j int) bool {
			if !secs[i].UpdatedAt.Equal(secs[j].UpdatedAt) {
				return secs[i].UpdatedAt.After(secs[j].UpdatedAt)
			}
			return secs[i].ID > secs[j].ID
		})
		state := &mergeState{PrimaryBefore: cloneContact(primary)}
		for _, s := range secs {
			state.Secondaries = append(state.Secondaries, cloneContact(s))
		}
		next := cloneContact(primary)
		filled, over := mergeValues(next, secs)
		state.Overruled = over
		next.Version, next.UpdatedAt = primary.Version+1, tx.now
		if err := tx.writeContactValues(ctx, next); err != nil {
			return err
		}
		// A merge only adds tags (mergeValues appends those the primary
		// lacks, ignoring case): they go in as one statement.
		tags := newRowBatch(tx, "add merged tags", "contact_tags", "workspace_id bigint", "tag text", "contact_id bigint")
		for _, t := range next.Tags[len(primary.Tags):] {
			if err := tags.add(ctx, tx.actor.WorkspaceID, strings.ToLower(t), next.ID); err != nil {
				return err
			}
		}
		if err := tags.flush(ctx); err != nil {
			return err
		}
		state.PrimaryAfter = cloneContact(next)

		ids := make([]int64, len(secs))
		for i, s := range secs {
			ids[i] = s.ID
		}
		args, marks := inArgs(tx.actor.WorkspaceID, ids)
		if err := tx.scanPairs(ctx, `SELECT id, merged_into FROM contacts WHERE workspace_id = $1 AND status = 'merged' AND merged_into IN (`+marks+`)`,
			args, func(id, from int64) { state.Repointed = append(state.Repointed, repoint{id, from}) }); err != nil {
			return fmt.Errorf("find contacts merged into secondaries: %w", err)
		}
		sort.Slice(state.Repointed, func(i, j int) bool { return state.Repointed[i].ID < state.Repointed[j].ID })
		n := len(args)
		args = append(args, primaryID, timeArg(tx.now))
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`
			UPDATE %s SET status = 'merged', merged_into = $%d, version = version + 1, updated_at = $%d
			WHERE c.workspace_id = $1 AND c.id IN (%s)`, contactsByID(tx.db.dialect), n+1, n+2, marks), args...); err != nil {
			return fmt.Errorf("mark secondaries merged: %w", err)
		}
		if len(state.Repointed) > 0 {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`
				UPDATE contacts SET merged_into = $%d, version = version + 1, updated_at = $%d
				WHERE workspace_id = $1 AND status = 'merged' AND merged_into IN (%s)`, n+1, n+2, marks), args...); err != nil {
				return fmt.Errorf("repoint merged contacts: %w", err)
			}
		}
		if err := tx.uniteMemberships(ctx, primaryID, ids, state); err != nil {
			return err
		}
		mergeID, err := tx.insertMerge(ctx, primaryID, ids, state)
		if err != nil {
			return err
		}
		overFields := []string{}
		for _, o := range over {
			if !containsString(overFields, o.Field) {
				overFields = append(overFields, o.Field)
			}
		}
		// The events of the primary and of each secondary, as tx.audit
		// writes them, in one statement rather than one each.
		var key any
		if tx.actor.KeyID > 0 {
			key = tx.actor.KeyID
		}
		audits := newRowBatch(tx, "insert audit events", "audit_events", "workspace_id bigint", "action text",
			"actor_key_id bigint", "contact_id bigint", "details jsonb", "at timestamptz")
		if err := audits.add(ctx, tx.actor.WorkspaceID, contactd.ActionContactMerged, key, primaryID, jsonArg(map[string]any{
			"merge_id": mergeID, "secondary_ids": ids, "filled": filled, "changed": changedFields(primary, next),
			"overruled": overFields, "version": next.Version, "dnc_set": next.DNC && !primary.DNC,
			"segment_ids": state.SegmentsAdded, "consent_ids": repointIDs(state.ConsentsMoved),
		}), timeArg(tx.now)); err != nil {
			return err
		}
		for _, s := range secs {
			if err := audits.add(ctx, tx.actor.WorkspaceID, contactd.ActionContactMergedInto, key, s.ID,
				jsonArg(map[string]any{"merge_id": mergeID, "primary_id": primaryID}), timeArg(tx.now)); err != nil {
				return err
			}
			s.Status, s.MergedInto = contactd.StatusMerged, &primaryID
		}
		if err := audits.flush(ctx); err != nil {
			return err
		}
		out = next
		return tx.refreshMatchKeys(ctx, append([]*contactd.Contact{next}, secs...)...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mergeConflict explains why c cannot take part in a merge.
func mergeConflict(c *contactd.Contact, role string) error {
	var msg string
	switch c.Status {
	case contactd.StatusMerged:
		into := int64(0)
		if c.MergedInto != nil {
			into = *c.MergedInto
		}
		msg = fmt.Sprintf("contact %d (%s) was already merged into contact %d", c.ID, role, into)
		if role == "the primary" {
			msg += fmt.Sprintf("; merge into contact %d instead", into)
		}
		return &contactd.Error{Code: contactd.EConflict, Message: msg, ExistingID: into}
	case contactd.StatusDeleted:
		msg = fmt.Sprintf("contact %d (%s) is deleted; restore it first or leave it out", c.ID, role)
	case contactd.StatusErased:
		msg = fmt.Sprintf("contact %d (%s) was erased and cannot be merged", c.ID, role)
	default:
		msg = fmt.Sprintf("contact %d (%s) is %s", c.ID, role, c.Status)
	}
	return contactd.Errorf(contactd.EConflict, "%s", msg)
}

// mergeValues folds secs (most recently updated first) into p and returns
// the fields it filled and the values p overruled.
func mergeValues(p *contactd.Contact, secs []*contactd.Contact) (filled []string, over []overruled) {
	filled = []string{}
	text := []struct {
		name string
		dst  *string
		get  func(*contactd.Contact) string
	}{
		{"first_name", &p.FirstName, func(c *contactd.Contact) string { return c.FirstName }},
		{"last_name", &p.LastName, func(c *contactd.Contact) string { return c.LastName }},
		{"company", &p.Company, func(c *contactd.Contact) string { return c.Company }},
		{"city", &p.City, func(c *contactd.Contact) string { return c.City }},
		{"country", &p.Country, func(c *contactd.Contact) string { return c.Country }},
		{"timezone", &p.Timezone, func(c *contactd.Contact) string { return c.Timezone }},
	}
	for _, f := range text {
		for _, s := range secs {
			v := f.get(s)
			switch {
			case v == "":
			case *f.dst == "":
				*f.dst = v
				filled = append(filled, f.name)
			case *f.dst != v:
				over = append(over, overruled{f.name, s.ID, v})
			}
		}
	}
	// Emails: the first one found fills an empty email; every other
	// address becomes an alternate.
	for _, s := range secs {
		for _, e := range append([]string{s.Email}, s.AltEmails...) {
			switch {
			case e == "" || strings.EqualFold(e, p.Email) || containsFold(p.AltEmails, e):
			case p.Email == "":
				p.Email = e
				filled = append(filled, "email")
			default:
				p.AltEmails = append(p.AltEmails, e)
			}
		}
	}
	for _, s := range secs {
		for _, ph := range append([]string{s.PhoneE164}, s.AltPhones...) {
			if ph != "" && ph != p.PhoneE164 && !containsString(p.AltPhones, ph) {
				p.AltPhones = append(p.AltPhones, ph)
			}
		}
		for _, t := range s.Tags {
			if !containsFold(p.Tags, t) {
				p.Tags = append(p.Tags, t)
			}
		}
		for _, k := range sortedFieldNames(s.CustomFields) {
			v := s.CustomFields[k]
			cur, ok := p.CustomFields[k]
			switch {
			case !ok:
				p.CustomFields[k] = v
				filled = append(filled, "custom_fields."+k)
			case fmt.Sprint(cur) != fmt.Sprint(v):
				over = append(over, overruled{"custom_fields." + k, s.ID, v})
			}
		}
		p.DNC = p.DNC || s.DNC
	}
	return filled, over
}

func sortedFieldNames(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// lockContacts reads ids for change, locking their rows in id order on
// PostgreSQL so that transactions locking overlapping sets never deadlock.
// Missing ids are left out.
func (tx *Tx) lockContacts(ctx context.Context, ids []int64) ([]*contactd.Contact, error) {
	return readContacts(ctx, tx.Tx, tx.db.dialect, tx.actor.WorkspaceID, ids, tx.db.dialect.forUpdate())
}

// readContactsChunk is how many ids one statement of readContacts looks up.
const readContactsChunk = 500

// contactsByID names the contacts table, as c, for a statement that finds
// its rows by a list of ids. SQLite, which keeps no statistics, guesses that
// a workspace holds ten contacts, and for "workspace_id = $1 AND id IN
// (thirty ids)" scanned a workspace index of every contact rather than look
// the ids up; NOT INDEXED leaves it only the rowid lookups.
func contactsByID(d dialect) string {
	if d.name() == SQLite {
		return "contacts AS c NOT INDEXED"
	}
	return "contacts AS c"
}

// readContacts reads ids (deduplicated, in id order), a statement per
// readContactsChunk ids; suffix may lock the rows, which PostgreSQL then
// locks in id order (the sort runs below the lock). One statement rather
// than one per id: on PostgreSQL each is a round trip, and a page of fifty
// duplicate groups made a thousand of them.
func readContacts(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, d dialect, ws int64, ids []int64, suffix string) ([]*contactd.Contact, error) {
	var out []*contactd.Contact
	for _, chunk := range chunkIDs(dedupeIDs(ids), readContactsChunk) {
		args, marks := inArgs(ws, chunk)
		rows, err := q.QueryContext(ctx, `SELECT `+contactColumns+` FROM `+contactsByID(d)+`
			WHERE c.workspace_id = $1 AND c.id IN (`+marks+`) ORDER BY c.id`+suffix, args...)
		if err != nil {
			return nil, fmt.Errorf("read contacts: %w", err)
		}
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read contacts: %w", err)
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read contacts: %w", err)
		}
	}
	return out, nil
}

// writeContactValues stores every value of c (an active contact).
func (tx *Tx) writeContactValues(ctx context.Context, c *contactd.Contact) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE contacts SET phone_e164 = $1, first_name = $2, last_name = $3, email = $4, company = $5,
			city = $6, country = $7, timezone = $8, tags = $9, custom_fields = $10, alt_phones = $11,
			alt_emails = $12, phone_country = $13, phone_type = $14, phone_timezones = $15, dnc = $16,
			status = $17, merged_into = $18, version = $19, updated_at = $20, search_doc = $21
		WHERE workspace_id = $22 AND id = $23`,
		c.PhoneE164, c.FirstName, c.LastName, c.Email, c.Company,
		c.City, c.Country, c.Timezone, jsonArg(c.Tags), jsonArg(c.CustomFields), jsonArg(c.AltPhones),
		jsonArg(c.AltEmails), c.PhoneCountry, c.PhoneType, jsonArg(c.PhoneTimezones), c.DNC,
		c.Status, c.MergedInto, c.Version, timeArg(c.UpdatedAt), searchDoc(c, nil), tx.actor.WorkspaceID, c.ID)
	if tx.db.dialect.isUniqueViolation(err) {
		return errPhoneRace
	}
	if err != nil {
		return fmt.Errorf("write contact %d: %w", c.ID, err)
	}
	return nil
}

func (tx *Tx) insertMerge(ctx context.Context, primaryID int64, secondaryIDs []int64, state *mergeState) (int64, error) {
	var key any
	if tx.actor.KeyID > 0 {
		key = tx.actor.KeyID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO contact_merges (workspace_id, primary_id, secondary_ids, state, actor_key_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tx.actor.WorkspaceID, primaryID, jsonArg(secondaryIDs), jsonArg(state), key, timeArg(tx.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record merge: %w", err)
	}
	args := []any{}
	values := []string{}
	for _, c := range append([]int64{primaryID}, secondaryIDs...) {
		values = append(values, placeholders(len(args)+1, 3))
		args = append(args, tx.actor.WorkspaceID, c, id)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO contact_merge_contacts (workspace_id, contact_id, merge_id) VALUES `+strings.Join(values, ", "), args...); err != nil {
		return 0, fmt.Errorf("record merge: %w", err)
	}
	return id, nil
}

// UnmergeContact undoes the latest merge into the primary id: the
// secondaries come back active exactly as they were (values, tags, custom
// fields; their version moves on), contacts repointed by the merge point
// at their secondary again, and what the merge added to the primary is
// taken off again unless it has been changed since (a later edit wins).
// Merges into one primary are undone latest first.
//
// Returns ENotFound when id is not a contact or has no merge to undo, and
// EConflict when id is not active (a merged primary: undo the merge that
// took it first), a contact of the merge was erased or deleted, or a
// secondary's phone has become live on another contact meanwhile.
func (db *DB) UnmergeContact(ctx context.Context, id int64) (*contactd.Unmerge, error) {
	if _, err := actorFrom(ctx); err != nil {
		return nil, err
	}
	var out *contactd.Unmerge
	err := db.inTx(ctx, func(tx *Tx) error {
		var mergeID int64
		var secJSON, stateJSON []byte
		err := tx.QueryRowContext(ctx, `
			SELECT id, secondary_ids, state FROM contact_merges
			WHERE workspace_id = $1 AND primary_id = $2 AND undone_at IS NULL
			ORDER BY id DESC LIMIT 1`, tx.actor.WorkspaceID, id).Scan(&mergeID, &secJSON, &stateJSON)
		if isNoRows(err) {
			if _, err := tx.lockContact(ctx, id); err != nil {
				return err
			}
			return contactd.Errorf(contactd.ENotFound, "contact %d has no merge to undo", id)
		}
		if err != nil {
			return fmt.Errorf("find merge: %w", err)
		}
		var secIDs []int64
		if err := json.Unmarshal(secJSON, &secIDs); err != nil {
			return fmt.Errorf("merge %d: %w", mergeID, err)
		}
		var state mergeState
		d := json.NewDecoder(strings.NewReader(string(stateJSON)))
		d.UseNumber()
		if err := d.Decode(&state); err != nil {
			return fmt.Errorf("merge %d: %w", mergeID, err)
		}
		if state.Scrubbed || state.PrimaryBefore == nil {
			return contactd.Errorf(contactd.EConflict, "merge %d cannot be undone: a contact of it was erased", mergeID)
		}
		lockIDs := append([]int64{id}, secIDs...)
		for _, r := range state.Repointed {
			lockIDs = append(lockIDs, r.ID)
		}
		locked, err := tx.lockContacts(ctx, dedupeIDs(lockIDs))
		if err != nil {
			return err
		}
		byID := map[int64]*contactd.Contact{}
		for _, c := range locked {
			byID[c.ID] = c
		}
		cur := byID[id]
		if cur == nil {
			return contactd.Errorf(contactd.ENotFound, "contact %d not found", id)
		}
		if cur.Status != contactd.StatusActive {
			return unmergeConflict(cur)
		}
		for _, s := range secIDs {
			c := byID[s]
			switch {
			case c == nil:
				return contactd.Errorf(contactd.EConflict, "contact %d of merge %d no longer exists; the merge cannot be undone", s, mergeID)
			case c.Status == contactd.StatusErased:
				return contactd.Errorf(contactd.EConflict, "contact %d of merge %d was erased; the merge cannot be undone", s, mergeID)
			case c.Status != contactd.StatusMerged || c.MergedInto == nil || *c.MergedInto != id:
				return contactd.Errorf(contactd.EConflict, "contact %d is no longer merged into contact %d; the merge cannot be undone", s, id)
			}
		}
		for _, snap := range state.Secondaries {
			if owner, err := tx.livePhoneOwner(ctx, snap.PhoneE164, 0); err != nil {
				return err
			} else if owner > 0 {
				return &contactd.Error{Code: contactd.EConflict, ExistingID: owner,
					Message: fmt.Sprintf("contact %d now holds the phone %s of contact %d; change or delete it before undoing the merge", owner, snap.PhoneE164, snap.ID)}
			}
		}

		next := unmergeValues(cur, state.PrimaryBefore, state.PrimaryAfter)
		next.Version, next.UpdatedAt = cur.Version+1, tx.now
		if err := tx.writeContactValues(ctx, next); err != nil {
			return err
		}
		if !reflect.DeepEqual(cur.Tags, next.Tags) {
			if err := tx.setTags(ctx, id, next.Tags); err != nil {
				return err
			}
		}
		restored := make([]*contactd.Contact, 0, len(state.Secondaries))
		for _, snap := range state.Secondaries {
			c := cloneContact(snap)
			c.WorkspaceID = tx.actor.WorkspaceID
			c.Status, c.MergedInto = contactd.StatusActive, nil
			c.Version, c.UpdatedAt = byID[c.ID].Version+1, tx.now
			if err := tx.writeContactValues(ctx, c); err != nil {
				if errors.Is(err, errPhoneRace) {
					return contactd.Errorf(contactd.EConflict, "the phone %s of contact %d was taken meanwhile; try again", c.PhoneE164, c.ID)
				}
				return err
			}
			if err := tx.setTags(ctx, c.ID, c.Tags); err != nil {
				return err
			}
			restored = append(restored, c)
		}
		for _, r := range state.Repointed {
			if c := byID[r.ID]; c == nil || c.Status != contactd.StatusMerged || c.MergedInto == nil || *c.MergedInto != id {
				continue // erased or hard-deleted meanwhile: nothing to point back
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET merged_into = $1, version = version + 1, updated_at = $2 WHERE workspace_id = $3 AND id = $4`,
				r.From, timeArg(tx.now), tx.actor.WorkspaceID, r.ID); err != nil {
				return fmt.Errorf("repoint merged contact: %w", err)
			}
		}
		if err := tx.separateMemberships(ctx, id, &state); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contact_merges SET undone_at = $1 WHERE workspace_id = $2 AND id = $3`,
			timeArg(tx.now), tx.actor.WorkspaceID, mergeID); err != nil {
			return fmt.Errorf("mark merge undone: %w", err)
		}
		if err := tx.audit(ctx, contactd.ActionContactUnmerged, id, map[string]any{
			"merge_id": mergeID, "secondary_ids": secIDs, "changed": changedFields(cur, next), "version": next.Version,
		}); err != nil {
			return err
		}
		for _, c := range restored {
			if err := tx.audit(ctx, contactd.ActionContactMergeUndone, c.ID, map[string]any{"merge_id": mergeID, "primary_id": id, "version": c.Version}); err != nil {
				return err
			}
		}
		sort.Slice(restored, func(i, j int) bool { return restored[i].ID < restored[j].ID })
		out = &contactd.Unmerge{MergeID: mergeID, Primary: next, Restored: restored}
		return tx.refreshMatchKeys(ctx, append([]*contactd.Contact{next}, restored...)...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func unmergeConflict(c *contactd.Contact) error {
	if c.Status == contactd.StatusMerged && c.MergedInto != nil {
		return &contactd.Error{Code: contactd.EConflict, ExistingID: *c.MergedInto,
			Message: fmt.Sprintf("contact %d was itself merged into contact %d; undo that merge first (POST /api/v1/contacts/%d/unmerge)", c.ID, *c.MergedInto, *c.MergedInto)}
	}
	return mergeConflict(c, "the primary")
}

// uniteMemberships puts the primary in every static segment of the
// secondaries and moves their consent records to it, noting both in state.
func (tx *Tx) uniteMemberships(ctx context.Context, primaryID int64, secIDs []int64, state *mergeState) error {
	args, marks := inArgs(tx.actor.WorkspaceID, secIDs)
	p := len(args) + 1
	args = append(args, primaryID)
	// Set logic in Go keeps the query a plain index lookup by contact.
	in, add := map[int64]bool{}, map[int64]bool{}
	if err := tx.scanPairs(ctx, fmt.Sprintf(`SELECT segment_id, contact_id FROM segment_members WHERE workspace_id = $1 AND contact_id IN (%s, $%d)`, marks, p),
		args, func(s, c int64) {
			if c == primaryID {
				in[s] = true
			} else {
				add[s] = true
			}
		}); err != nil {
		return fmt.Errorf("find segments of merged contacts: %w", err)
	}
	for s := range in {
		delete(add, s)
	}
	state.SegmentsAdded = sortedIDs(add)
	if len(state.SegmentsAdded) > 0 {
		var vals []string
		var iargs []any
		for _, s := range state.SegmentsAdded {
			vals = append(vals, placeholders(len(iargs)+1, 4))
			iargs = append(iargs, tx.actor.WorkspaceID, s, primaryID, timeArg(tx.now))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO segment_members (workspace_id, segment_id, contact_id, added_at) VALUES `+strings.Join(vals, ", "), iargs...); err != nil {
			return fmt.Errorf("add primary to segments: %w", err)
		}
	}
	if err := tx.scanPairs(ctx, `SELECT id, contact_id FROM contact_consents WHERE workspace_id = $1 AND contact_id IN (`+marks+`)`,
		args[:p-1], func(id, from int64) { state.ConsentsMoved = append(state.ConsentsMoved, repoint{id, from}) }); err != nil {
		return fmt.Errorf("find consents of secondaries: %w", err)
	}
	sort.Slice(state.ConsentsMoved, func(i, j int) bool { return state.ConsentsMoved[i].ID < state.ConsentsMoved[j].ID })
	if len(state.ConsentsMoved) > 0 {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE contact_consents SET contact_id = $%d WHERE workspace_id = $1 AND contact_id IN (%s)`, p, marks), args...); err != nil {
			return fmt.Errorf("move consents: %w", err)
		}
	}
	return nil
}

// separateMemberships undoes uniteMemberships: the primary leaves the
// segments the merge put it in, and the moved consent records go back.
func (tx *Tx) separateMemberships(ctx context.Context, primaryID int64, state *mergeState) error {
	if len(state.SegmentsAdded) > 0 {
		args, marks := inArgs(tx.actor.WorkspaceID, state.SegmentsAdded)
		args = append(args, primaryID)
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM segment_members WHERE workspace_id = $1 AND segment_id IN (%s) AND contact_id = $%d`, marks, len(args)), args...); err != nil {
			return fmt.Errorf("take primary out of segments: %w", err)
		}
	}
	byFrom := map[int64][]int64{}
	for _, m := range state.ConsentsMoved {
		byFrom[m.From] = append(byFrom[m.From], m.ID)
	}
	for _, from := range sortedKeys(byFrom) {
		args, marks := inArgs(tx.actor.WorkspaceID, byFrom[from])
		args = append(args, from, primaryID)
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE contact_consents SET contact_id = $%d WHERE workspace_id = $1 AND id IN (%s) AND contact_id = $%d`, len(args)-1, marks, len(args)), args...); err != nil {
			return fmt.Errorf("move consents back: %w", err)
		}
	}
	return nil
}

func repointIDs(rs []repoint) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// unmergeValues takes off cur what the merge added (after compared with
// before), field by field, where cur still holds what the merge put there:
// a value changed since the merge is a later decision and stays.
func unmergeValues(cur, before, after *contactd.Contact) *contactd.Contact {
	next := cloneContact(cur)
	text := []struct {
		dst       *string
		was, made string
	}{
		{&next.FirstName, before.FirstName, after.FirstName},
		{&next.LastName, before.LastName, after.LastName},
		{&next.Email, before.Email, after.Email},
		{&next.Company, before.Company, after.Company},
		{&next.City, before.City, after.City},
		{&next.Country, before.Country, after.Country},
		{&next.Timezone, before.Timezone, after.Timezone},
	}
	for _, f := range text {
		if f.was != f.made && *f.dst == f.made {
			*f.dst = f.was
		}
	}
	next.AltPhones = removeAdded(next.AltPhones, before.AltPhones, after.AltPhones)
	next.AltEmails = removeAdded(next.AltEmails, before.AltEmails, after.AltEmails)
	next.Tags = removeAdded(next.Tags, before.Tags, after.Tags)
	for k, v := range after.CustomFields {
		if _, had := before.CustomFields[k]; had {
			continue
		}
		if cv, ok := next.CustomFields[k]; ok && fmt.Sprint(cv) == fmt.Sprint(v) {
			delete(next.CustomFields, k)
		}
	}
	// DNC stays: a suppression is only ever lifted by an opt-in.
	return next
}

// removeAdded drops from list the values that after has and before lacks.
func removeAdded(list, before, after []string) []string {
	out := []string{}
	for _, v := range list {
		if containsFold(after, v) && !containsFold(before, v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// scrubMerges removes the saved values (state) of every merge contact id
// took part in, for erasure: the records stay, with ids only, and can no
// longer be undone.
func (tx *Tx) scrubMerges(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE contact_merges SET state = $1
		WHERE workspace_id = $2 AND id IN (SELECT merge_id FROM contact_merge_contacts WHERE workspace_id = $2 AND contact_id = $3)`,
		jsonArg(mergeState{Scrubbed: true}), tx.actor.WorkspaceID, id)
	if err != nil {
		return fmt.Errorf("scrub merges: %w", err)
	}
	return nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
