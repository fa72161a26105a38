package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/contactd/contactd"
)

func (tx *Tx) recordPrivacyRequest(ctx context.Context, kind string, contactID int64) error {
	var key any
	if tx.actor.KeyID > 0 {
		key = tx.actor.KeyID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO privacy_requests (workspace_id, kind, contact_id, actor_key_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
		tx.actor.WorkspaceID, kind, contactID, key, timeArg(tx.now))
	if err != nil {
		return fmt.Errorf("record privacy request: %w", err)
	}
	return nil
}

// FindPrivacyRequests lists the workspace's data exports, erasures and hard
// deletes, newest first: who asked, about which contact id, when.
func (db *DB) FindPrivacyRequests(ctx context.Context, contactID int64, p contactd.Page) ([]contactd.PrivacyRequest, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	w := &where{}
	w.add("workspace_id = $%d", actor.WorkspaceID)
	if contactID > 0 {
		w.add("contact_id = $%d", contactID)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM privacy_requests WHERE `+w.sql(), w.args...).Scan(&info.Total); err != nil {
		return nil, info, fmt.Errorf("count privacy requests: %w", err)
	}
	offset := p.Offset()
	if p.AfterID > 0 {
		w.add("id < $%d", p.AfterID)
		offset = 0
	}
	out, err := scanPrivacyRequests(db.read.QueryContext(ctx, fmt.Sprintf(`
		SELECT id, kind, contact_id, actor_key_id, created_at FROM privacy_requests
		WHERE %s ORDER BY id DESC LIMIT %d OFFSET %d`, w.sql(), p.PerPage+1, offset), w.args...))
	if err != nil {
		return nil, info, err
	}
	if len(out) > p.PerPage {
		out = out[:p.PerPage]
		info.NextAfterID = out[len(out)-1].ID
	}
	return out, info, nil
}

func scanPrivacyRequests(rows *sql.Rows, err error) ([]contactd.PrivacyRequest, error) {
	if err != nil {
		return nil, fmt.Errorf("find privacy requests: %w", err)
	}
	defer rows.Close()
	out := []contactd.PrivacyRequest{}
	for rows.Next() {
		var r contactd.PrivacyRequest
		var key sql.NullInt64
		var at scanTime
		if err := rows.Scan(&r.ID, &r.Kind, &r.ContactID, &key, &at); err != nil {
			return nil, fmt.Errorf("find privacy requests: %w", err)
		}
		if key.Valid {
			r.ActorKeyID = &key.Int64
		}
		r.At = at.T
		out = append(out, r)
	}
	return out, rows.Err()
}

// auditEventsOf returns the audit events about contacts, oldest first.
func auditEventsOf(ctx context.Context, q querier, ws int64, ids []int64) ([]*contactd.AuditEvent, error) {
	args := []any{ws}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, action, actor_key_id, contact_id, details, at FROM audit_events
		WHERE workspace_id = $1 AND contact_id IN `+placeholders(2, len(ids))+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find audit events: %w", err)
	}
	defer rows.Close()
	out := []*contactd.AuditEvent{}
	for rows.Next() {
		var e contactd.AuditEvent
		var key, contact sql.NullInt64
		var details []byte
		var at scanTime
		if err := rows.Scan(&e.ID, &e.Action, &key, &contact, &details, &at); err != nil {
			return nil, err
		}
		if key.Valid {
			e.ActorKey = &key.Int64
		}
		if contact.Valid {
			e.ContactID = &contact.Int64
		}
		if err := json.Unmarshal(details, &e.Details); err != nil {
			return nil, fmt.Errorf("audit event %d: %w", e.ID, err)
		}
		e.At = at.T
		out = append(out, &e)
	}
	return out, rows.Err()
}

// ExportContactData gathers everything held about the person of a contact
// (GDPR Art. 15 and 20): the profile with custom fields, phones and emails,
// the records merged into it, segments, consent and DNC history, the
// imports and file lines it came from, merges, and every audit event about
// it. The export is itself recorded (privacy request and audit event).
// Returns ENotFound for an unknown contact.
func (db *DB) ExportContactData(ctx context.Context, id int64) (*contactd.DataExport, error) {
	var out *contactd.DataExport
	err := db.inTx(ctx, func(tx *Tx) error {
		records, err := personContacts(ctx, tx, tx.actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		doc := &contactd.DataExport{ExportedAt: tx.now, Contact: records[0], MergedContacts: records[1:],
			Segments: []contactd.ExportSegment{}, Provenance: []contactd.ExportOrigin{}}
		ids := make([]int64, len(records))
		var numbers []string
		for i, c := range records {
			ids[i] = c.ID
			doc.DNC.OptedOut = doc.DNC.OptedOut || c.DNC
			for _, p := range append([]string{c.PhoneE164}, c.AltPhones...) {
				if p != "" && !containsString(numbers, p) {
					numbers = append(numbers, p)
				}
			}
		}
		if doc.Segments, err = tx.segmentsOf(ctx, ids); err != nil {
			return err
		}
		if doc.Consents, err = findConsents(ctx, tx, tx.actor.WorkspaceID, ids); err != nil {
			return err
		}
		if doc.DNC.Entries, err = tx.dncEntriesFor(ctx, numbers); err != nil {
			return err
		}
		if doc.AuditEvents, err = auditEventsOf(ctx, tx, tx.actor.WorkspaceID, ids); err != nil {
			return err
		}
		doc.DNC.History = []*contactd.AuditEvent{}
		doc.Merges.MergedInto = records[0].MergedInto
		doc.Merges.MergedFrom = append([]int64{}, ids[1:]...)
		doc.Merges.Events = []*contactd.AuditEvent{}
		imports := map[int64]string{}
		for _, e := range doc.AuditEvents {
			switch e.Action {
			case contactd.ActionContactOptOut, contactd.ActionContactOptIn, contactd.ActionConsentRecorded:
				doc.DNC.History = append(doc.DNC.History, e)
			case contactd.ActionContactMerged, contactd.ActionContactMergedInto, contactd.ActionContactUnmerged, contactd.ActionContactMergeUndone:
				doc.Merges.Events = append(doc.Merges.Events, e)
			}
			if o, ok := originOf(e); ok {
				if _, seen := imports[o.ImportID]; !seen {
					var name string
					if err := tx.QueryRowContext(ctx, `SELECT filename FROM contact_imports WHERE workspace_id = $1 AND id = $2`,
						tx.actor.WorkspaceID, o.ImportID).Scan(&name); err != nil && !isNoRows(err) {
						return fmt.Errorf("find import: %w", err)
					}
					imports[o.ImportID] = name
				}
				o.Filename = imports[o.ImportID]
				doc.Provenance = append(doc.Provenance, o)
			}
		}
		if doc.PrivacyLog, err = scanPrivacyRequests(tx.QueryContext(ctx, `
			SELECT id, kind, contact_id, actor_key_id, created_at FROM privacy_requests
			WHERE workspace_id = $1 AND contact_id = $2 ORDER BY id`, tx.actor.WorkspaceID, id)); err != nil {
			return err
		}
		if err := tx.recordPrivacyRequest(ctx, contactd.PrivacyDataExport, id); err != nil {
			return err
		}
		out = doc
		return tx.audit(ctx, contactd.ActionDataExported, id, map[string]any{"contact_ids": ids})
	})
	return out, err
}

// originOf reads an import's provenance from an audit event: the import and
// the file line (or lines) that created or changed the contact.
func originOf(e *contactd.AuditEvent) (contactd.ExportOrigin, bool) {
	o := contactd.ExportOrigin{Action: e.Action, At: e.At, RowNumbers: []int64{}}
	if e.ContactID != nil {
		o.ContactID = *e.ContactID
	}
	id, ok := jsonInt(e.Details["import_id"])
	if !ok {
		return o, false
	}
	o.ImportID = id
	if n, ok := jsonInt(e.Details["row_number"]); ok {
		o.RowNumbers = append(o.RowNumbers, n)
	}
	if list, ok := e.Details["row_numbers"].([]any); ok {
		for _, v := range list {
			if n, ok := jsonInt(v); ok {
				o.RowNumbers = append(o.RowNumbers, n)
			}
		}
	}
	return o, true
}

func jsonInt(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

// segmentsOf lists the static segments the contacts are members of.
func (tx *Tx) segmentsOf(ctx context.Context, ids []int64) ([]contactd.ExportSegment, error) {
	args := []any{tx.actor.WorkspaceID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, `SELECT segment_id, added_at FROM segment_members
		WHERE workspace_id = $1 AND contact_id IN `+placeholders(2, len(ids))+` ORDER BY segment_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find segments of contact: %w", err)
	}
	defer rows.Close()
	out := []contactd.ExportSegment{}
	seen := map[int64]bool{}
	for rows.Next() {
		var s contactd.ExportSegment
		var at scanTime
		if err := rows.Scan(&s.ID, &at); err != nil {
			return nil, err
		}
		if !seen[s.ID] {
			seen[s.ID] = true
			s.AddedAt = at.T
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// dncEntriesFor lists the current entries suppressing any of numbers:
// each number itself and every prefix covering it.
func (tx *Tx) dncEntriesFor(ctx context.Context, numbers []string) ([]*contactd.DNCEntry, error) {
	out := []*contactd.DNCEntry{}
	if len(numbers) == 0 {
		return out, nil
	}
	var keys []string
	for _, n := range numbers {
		keys = append(keys, prefixesOf(n)...)
	}
	args := []any{tx.actor.WorkspaceID}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+dncEntryColumns+` FROM `+dncEntryFrom+`
		WHERE e.workspace_id = $1 AND e.number IN `+placeholders(2, len(keys))+` ORDER BY e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find dnc entries of contact: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanDNCEntry(rows)
		if err != nil {
			return nil, err
		}
		// A full number matches only itself; prefixes cover what they start.
		if e.PhoneE164 != "" && !containsString(numbers, e.PhoneE164) {
			continue
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// HardDeleteContact removes every row of a contact and of the contacts
// merged into it: the contacts, their tags, consents, segment memberships
// and match keys. Their audit events stay, scrubbed of their phones, emails
// and names, and one more records the deletion; DNC entries for their
// numbers stay, since those are keyed by number. confirm must repeat id:
// EPreconditionRequired without it, EBadRequest when it differs. Returns
// ENotFound for an unknown contact. Irreversible. It removes rows, not
// copies of the person elsewhere (import files, error reports): that is
// erasure's job (EraseContact).
func (db *DB) HardDeleteContact(ctx context.Context, id, confirm int64) error {
	actor, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	records, err := personContacts(ctx, db.read, actor.WorkspaceID, id)
	if err != nil {
		return err
	}
	if confirm == 0 {
		return contactd.Errorf(contactd.EPreconditionRequired, "hard delete removes contact %d for good: repeat its id as ?confirm=%d", id, id)
	}
	if confirm != id {
		return contactd.Errorf(contactd.EBadRequest, "confirm does not repeat the id of contact %d; nothing was deleted", id)
	}
	p := newPerson(records)
	events, err := db.auditCandidates(ctx, actor.WorkspaceID, &person{ids: p.ids})
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		records, err := personContacts(ctx, tx, tx.actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if err := tx.forgetKeptAnswers(ctx); err != nil {
			return err
		}
		ids := make([]int64, len(records))
		gone := make([]*contactd.Contact, len(records))
		for i, c := range records {
			ids[i] = c.ID
			gone[i] = &contactd.Contact{ID: c.ID, Status: contactd.StatusErased}
			fillEmpty(gone[i])
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if err := tx.refreshMatchKeys(ctx, gone...); err != nil {
			return err
		}
		for _, cid := range ids {
			if err := tx.scrubMerges(ctx, cid); err != nil {
				return err
			}
		}
		if _, err := tx.scrubAudit(ctx, newPerson(records), events); err != nil {
			return err
		}
		args := []any{tx.actor.WorkspaceID}
		for _, cid := range ids {
			args = append(args, cid)
		}
		in := placeholders(2, len(ids))
		for _, table := range []string{"contact_tags", "contact_consents", "segment_members"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE workspace_id = $1 AND contact_id IN `+in, args...); err != nil {
				return fmt.Errorf("hard delete from %s: %w", table, err)
			}
		}
		err = tx.withSecureSearchDelete(ctx, func() error {
			_, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE workspace_id = $1 AND id IN `+in, args...)
			return err
		})
		if err != nil {
			return fmt.Errorf("hard delete contact: %w", err)
		}
		if err := tx.recordPrivacyRequest(ctx, contactd.PrivacyHardDelete, id); err != nil {
			return err
		}
		return tx.audit(ctx, contactd.ActionHardDeleted, id, map[string]any{"contact_ids": ids})
	})
}
