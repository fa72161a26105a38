package store

import (
	"context"
	"fmt"
	"time"

	"github.com/contactd/contactd"
)

var consentChannels = map[string]bool{contactd.ChannelVoice: true, contactd.ChannelSMS: true, contactd.ChannelEmail: true, contactd.ChannelAll: true}

// maxProofLen bounds the proof text of one consent record (a form's wording,
// an IVR transcript).
const maxProofLen = 10000

// RecordConsent adds a consent or opt-out record to a contact's history;
// earlier records stay as they were. Returns ENotFound for an unknown
// contact, EConflict for one that is not active, and EInvalid for bad
// values (a capture time in the future among them).
func (db *DB) RecordConsent(ctx context.Context, contactID int64, in contactd.ConsentInput) (*contactd.Consent, error) {
	var fe fieldErrors
	if !consentChannels[in.Channel] {
		fe.add("channel", "invalid", "channel must be voice, sms, email or all")
	}
	if in.Status != contactd.ConsentGranted && in.Status != contactd.ConsentRevoked {
		fe.add("status", "invalid", "status must be granted or revoked")
	}
	source := cleanText(&fe, "source", in.Source, 100)
	if source == "" {
		fe.add("source", "required", "say where the consent was captured (web_form, ivr, agent, paper, ...)")
	}
	proof := cleanMultiline(&fe, "proof", in.Proof, maxProofLen)
	now := db.now()
	captured := now
	if in.CapturedAt != nil {
		captured = in.CapturedAt.UTC().Truncate(time.Microsecond)
		if captured.After(now.Add(5 * time.Minute)) {
			fe.add("captured_at", "invalid", "captured_at is in the future")
		}
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	var out *contactd.Consent
	err := db.inTx(ctx, func(tx *Tx) error {
		c, err := tx.lockContact(ctx, contactID)
		if err != nil {
			return err
		}
		if c.Status != contactd.StatusActive {
			return notActive(c)
		}
		rec := &contactd.Consent{ContactID: contactID, Channel: in.Channel, Status: in.Status, Source: source, CapturedAt: captured, Proof: proof, CreatedAt: tx.now}
		err = tx.QueryRowContext(ctx, `
			INSERT INTO contact_consents (workspace_id, contact_id, channel, status, source, captured_at, proof, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			tx.actor.WorkspaceID, contactID, rec.Channel, rec.Status, rec.Source, timeArg(rec.CapturedAt), rec.Proof, timeArg(tx.now)).Scan(&rec.ID)
		if err != nil {
			return fmt.Errorf("record consent: %w", err)
		}
		out = rec
		return tx.audit(ctx, contactd.ActionConsentRecorded, contactID, map[string]any{"consent_id": rec.ID, "channel": rec.Channel, "status": rec.Status})
	})
	return out, err
}

// FindConsents returns a contact's consent history, newest capture first.
// Returns ENotFound for an unknown contact.
func (db *DB) FindConsents(ctx context.Context, contactID int64) ([]*contactd.Consent, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := db.FindContactByID(ctx, contactID); err != nil {
		return nil, err
	}
	return findConsents(ctx, db.read, actor.WorkspaceID, []int64{contactID})
}

func findConsents(ctx context.Context, q querier, ws int64, contactIDs []int64) ([]*contactd.Consent, error) {
	out := []*contactd.Consent{}
	if len(contactIDs) == 0 {
		return out, nil
	}
	args := []any{ws}
	for _, id := range contactIDs {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT id, contact_id, channel, status, source, captured_at, proof, created_at FROM contact_consents
		WHERE workspace_id = $1 AND contact_id IN `+placeholders(2, len(contactIDs))+`
		ORDER BY captured_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find consents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c contactd.Consent
		var captured, created scanTime
		if err := rows.Scan(&c.ID, &c.ContactID, &c.Channel, &c.Status, &c.Source, &captured, &c.Proof, &created); err != nil {
			return nil, fmt.Errorf("find consents: %w", err)
		}
		c.CapturedAt, c.CreatedAt = captured.T, created.T
		out = append(out, &c)
	}
	return out, rows.Err()
}

// latestConsent is the record that counts for channel: the newest capture
// for the channel itself or for all.
func latestConsent(history []*contactd.Consent, channel string) *contactd.Consent {
	var best *contactd.Consent
	for _, c := range history {
		if c.Channel != channel && c.Channel != contactd.ChannelAll {
			continue
		}
		if best == nil || c.CapturedAt.After(best.CapturedAt) || (c.CapturedAt.Equal(best.CapturedAt) && c.ID > best.ID) {
			best = c
		}
	}
	return best
}

// OptOut records that a person asked not to be contacted: the contact's dnc
// becomes true and every number of the contact goes on the internal DNC
// list, where it stays suppressed whatever becomes of the contact (merge,
// delete, a new contact with the number). Repeating it changes nothing.
// Returns ENotFound for an unknown contact, EConflict for a merged or
// erased one, and EInvalid for bad values.
func (db *DB) OptOut(ctx context.Context, contactID int64, in contactd.OptOutInput) (*contactd.Contact, []*contactd.DNCEntry, error) {
	var fe fieldErrors
	if in.Source == "" {
		in.Source = contactd.DNCSourceOptOut
	}
	cleanDNCMeta(&fe, &in.Channel, &in.Source, &in.CallID, &in.Reason)
	if err := fe.err(); err != nil {
		return nil, nil, err
	}
	var out *contactd.Contact
	var entries []*contactd.DNCEntry
	err := db.inTx(ctx, func(tx *Tx) error {
		entries = nil
		c, err := tx.lockContact(ctx, contactID)
		if err != nil {
			return err
		}
		if c.Status != contactd.StatusActive && c.Status != contactd.StatusDeleted {
			return notActive(c)
		}
		l, err := tx.dncListByName(ctx, "")
		if err != nil {
			return err
		}
		var ids []int64
		for _, p := range append([]string{c.PhoneE164}, c.AltPhones...) {
			if p == "" {
				continue
			}
			e, _, err := tx.putDNCEntry(ctx, l, p, false, in.Channel, in.Reason, in.Source, in.CallID, nil)
			if err != nil {
				return err
			}
			entries = append(entries, e)
			ids = append(ids, e.ID)
		}
		out = c
		if c.DNC {
			return nil
		}
		c.DNC, c.Version, c.UpdatedAt = true, c.Version+1, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET dnc = $1, version = $2, updated_at = $3 WHERE workspace_id = $4 AND id = $5`,
			true, c.Version, timeArg(tx.now), tx.actor.WorkspaceID, c.ID); err != nil {
			return fmt.Errorf("set contact dnc: %w", err)
		}
		details := map[string]any{"version": c.Version, "channel": in.Channel, "source": in.Source, "dnc_entry_ids": ids}
		if in.CallID != "" {
			details["call_id"] = in.CallID
		}
		return tx.audit(ctx, contactd.ActionContactOptOut, c.ID, details)
	})
	if err != nil {
		return nil, nil, err
	}
	return out, entries, nil
}

// OptIn undoes an opt-out: the contact's dnc becomes false and its numbers
// come off the internal DNC list (registry lists are the registry's and
// stay). It is the only way a contact's dnc is ever cleared. Returns
// ENotFound for an unknown contact and EConflict for a merged or erased one.
func (db *DB) OptIn(ctx context.Context, contactID int64) (*contactd.Contact, error) {
	var out *contactd.Contact
	err := db.inTx(ctx, func(tx *Tx) error {
		c, err := tx.lockContact(ctx, contactID)
		if err != nil {
			return err
		}
		if c.Status != contactd.StatusActive && c.Status != contactd.StatusDeleted {
			return notActive(c)
		}
		removed, err := tx.removeInternalNumbers(ctx, append([]string{c.PhoneE164}, c.AltPhones...))
		if err != nil {
			return err
		}
		out = c
		if !c.DNC && len(removed) == 0 {
			return nil
		}
		c.DNC, c.Version, c.UpdatedAt = false, c.Version+1, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET dnc = $1, version = $2, updated_at = $3 WHERE workspace_id = $4 AND id = $5`,
			false, c.Version, timeArg(tx.now), tx.actor.WorkspaceID, c.ID); err != nil {
			return fmt.Errorf("clear contact dnc: %w", err)
		}
		return tx.audit(ctx, contactd.ActionContactOptIn, c.ID, map[string]any{"version": c.Version, "removed_dnc_entry_ids": removed})
	})
	return out, err
}

// removeInternalNumbers deletes the internal list's entries for numbers
// (exact entries, every channel) and returns their ids.
func (tx *Tx) removeInternalNumbers(ctx context.Context, numbers []string) ([]int64, error) {
	removed := []int64{}
	var nums []string
	for _, n := range numbers {
		if n != "" {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return removed, nil
	}
	args := []any{tx.actor.WorkspaceID, contactd.DNCListInternal, false}
	for _, n := range nums {
		args = append(args, n)
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT e.id FROM dnc_entries e JOIN dnc_lists l ON l.workspace_id = e.workspace_id AND l.id = e.list_id
		WHERE e.workspace_id = $1 AND l.kind = $2 AND e.is_prefix = $3 AND e.number IN `+placeholders(4, len(nums)), args...)
	if err != nil {
		return nil, fmt.Errorf("find internal dnc entries: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		removed = append(removed, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(removed) == 0 {
		return removed, nil
	}
	args = []any{tx.actor.WorkspaceID}
	for _, id := range removed {
		args = append(args, id)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM dnc_entries WHERE workspace_id = $1 AND id IN `+placeholders(2, len(removed)), args...); err != nil {
		return nil, fmt.Errorf("remove internal dnc entries: %w", err)
	}
	return removed, nil
}
