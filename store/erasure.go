package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/contactd/contactd"
)

// personContacts loads a contact and every contact merged into it, directly
// or through a chain: together they are the records of one person.
func personContacts(ctx context.Context, q querier, ws, id int64) ([]*contactd.Contact, error) {
	c, err := scanContact(q.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2`, ws, id))
	if isNoRows(err) {
		return nil, contactd.Errorf(contactd.ENotFound, "contact %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find contact: %w", err)
	}
	out := []*contactd.Contact{c}
	seen := map[int64]bool{id: true}
	frontier := []int64{id}
	for len(frontier) > 0 {
		args := []any{ws}
		for _, f := range frontier {
			args = append(args, f)
		}
		rows, err := q.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.workspace_id = $1 AND c.merged_into IN `+placeholders(2, len(frontier))+` ORDER BY c.id`, args...)
		if err != nil {
			return nil, fmt.Errorf("find merged contacts: %w", err)
		}
		frontier = nil
		for rows.Next() {
			m, err := scanContact(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
				frontier = append(frontier, m.ID)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// personRoot follows merged_into from a contact to the record that holds
// the person now.
func personRoot(ctx context.Context, q querier, ws, id int64) (int64, error) {
	for hop := 0; hop < 16; hop++ {
		var into sql.NullInt64
		err := q.QueryRowContext(ctx, `SELECT merged_into FROM contacts WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&into)
		if isNoRows(err) {
			if hop == 0 {
				return 0, contactd.Errorf(contactd.ENotFound, "contact %d not found", id)
			}
			return id, nil
		}
		if err != nil {
			return 0, fmt.Errorf("find merged contact: %w", err)
		}
		if !into.Valid {
			return id, nil
		}
		id = into.Int64
	}
	return id, nil
}

// EraseContact erases a person for good (GDPR Art. 17): the contact, and
// every contact merged into it, becomes an "erased" tombstone that keeps its
// id and nothing else; their tags, custom fields, alternates and search text
// go, consent proof text is emptied, the internal DNC list drops their
// numbers, audit details and import error rows that mention them are
// scrubbed, and stored files holding them (import uploads, exports) are
// deleted, or rewritten without them when an import still reads them. An
// HMAC of each phone and email is kept, so that the person is refused if
// created or imported again and a compliance check of the number answers
// erased. Erasing a record that was merged into another erases the record
// it was merged into, with all of its merged records: they are one person.
// Repeating it changes nothing. Returns ENotFound for an unknown contact.
// Irreversible.
func (db *DB) EraseContact(ctx context.Context, id int64) (*contactd.Contact, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	root, err := personRoot(ctx, db.read, actor.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	records, err := personContacts(ctx, db.read, actor.WorkspaceID, root)
	if err != nil {
		return nil, err
	}
	var live []*contactd.Contact
	for _, c := range records {
		if c.Status != contactd.StatusErased {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return db.FindContactByID(ctx, id) // erased already: nothing is left to erase
	}
	p := newPerson(live)
	// Finding the person outside the write transaction keeps the scans of
	// audit events, error reports and files from holding the write lock.
	events, err := db.auditCandidates(ctx, actor.WorkspaceID, p)
	if err != nil {
		return nil, err
	}
	errorRows, err := db.errorRowsHolding(ctx, actor.WorkspaceID, p)
	if err != nil {
		return nil, err
	}
	seen, err := db.completeFileIDs(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	files, err := db.filesHolding(ctx, actor.WorkspaceID, p, "")
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		for _, f := range files {
			if f.rewrite > 0 {
				_ = db.DeleteFile(context.WithoutCancel(ctx), f.rewrite)
			}
		}
	}()
	var out *contactd.Contact
	err = db.inTx(ctx, func(tx *Tx) error {
		key, err := tx.identityKeyForWrite(ctx)
		if err != nil {
			return err
		}
		var tombs []*contactd.Contact
		for _, c := range live {
			cur, err := tx.lockContact(ctx, c.ID)
			if err != nil {
				return err
			}
			if cur.Status == contactd.StatusErased {
				continue
			}
			if err := tx.tombstone(ctx, cur); err != nil {
				return err
			}
			tombs = append(tombs, cur)
		}
		if len(tombs) == 0 {
			return nil // a concurrent erasure did it
		}
		if err := tx.forgetKeptAnswers(ctx); err != nil {
			return err
		}
		n := 0
		for _, ph := range p.phones {
			if err := tx.rememberErased(ctx, key.phone(ph), "phone", id); err != nil {
				return err
			}
			n++
		}
		for _, e := range p.emails {
			if err := tx.rememberErased(ctx, key.email(e), "email", id); err != nil {
				return err
			}
			n++
		}
		args := []any{"", tx.actor.WorkspaceID}
		for _, cid := range p.ids {
			args = append(args, cid)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contact_consents SET proof = $1 WHERE workspace_id = $2 AND contact_id IN `+placeholders(3, len(p.ids)), args...); err != nil {
			return fmt.Errorf("empty consent proof: %w", err)
		}
		// Their numbers stay suppressed by the HMAC (reason erased); the
		// internal list must not keep them in clear.
		removed, err := tx.removeInternalNumbers(ctx, p.phones)
		if err != nil {
			return err
		}
		scrubbed, err := tx.scrubAudit(ctx, p, events)
		if err != nil {
			return err
		}
		if err := tx.scrubErrorRows(ctx, errorRows); err != nil {
			return err
		}
		if err := tx.applyFileVerdicts(ctx, p, files); err != nil {
			return err
		}
		partial, err := tx.deletePartialUploads(ctx)
		if err != nil {
			return err
		}
		if err := tx.settleExports(ctx, p, seen); err != nil {
			return err
		}
		if err := tx.refreshMatchKeys(ctx, tombs...); err != nil {
			return err
		}
		for _, c := range tombs {
			if err := tx.scrubMerges(ctx, c.ID); err != nil {
				return err
			}
		}
		rewritten := 0
		for _, f := range files {
			if f.rewrite > 0 {
				rewritten++
			}
		}
		ids := make([]int64, len(tombs))
		for i, c := range tombs {
			ids[i] = c.ID
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if err := tx.recordPrivacyRequest(ctx, contactd.PrivacyErasure, id); err != nil {
			return err
		}
		return tx.audit(ctx, contactd.ActionErased, id, map[string]any{
			"contact_ids": ids, "identities_hashed": n, "dnc_entries_removed": len(removed),
			"audit_events_scrubbed": scrubbed, "error_rows_scrubbed": len(errorRows),
			"files_deleted": len(files) - rewritten, "files_rewritten": rewritten, "partial_uploads_deleted": partial,
		})
	})
	if err != nil {
		return nil, err
	}
	committed = true
	db.compactAfterErasure(ctx)
	out, err = db.FindContactByID(ctx, id)
	return out, err
}

// tombstone empties a contact of everything but its id, status and times.
func (tx *Tx) tombstone(ctx context.Context, c *contactd.Contact) error {
	c.Version, c.UpdatedAt = c.Version+1, tx.now
	err := tx.withSecureSearchDelete(ctx, func() error {
		_, err := tx.ExecContext(ctx, `
		UPDATE contacts SET phone_e164 = '', first_name = '', last_name = '', email = '', company = '', city = '',
			country = '', timezone = '', tags = '[]', custom_fields = '{}', alt_phones = '[]', alt_emails = '[]',
			phone_country = '', phone_type = '', phone_timezones = '[]', search_doc = '',
			status = $1, version = $2, updated_at = $3
		WHERE workspace_id = $4 AND id = $5`,
			contactd.StatusErased, c.Version, timeArg(tx.now), tx.actor.WorkspaceID, c.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("erase contact: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_tags WHERE workspace_id = $1 AND contact_id = $2`, tx.actor.WorkspaceID, c.ID); err != nil {
		return fmt.Errorf("erase tags: %w", err)
	}
	*c = contactd.Contact{ID: c.ID, WorkspaceID: c.WorkspaceID, Status: contactd.StatusErased, DNC: c.DNC, MergedInto: c.MergedInto,
		Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	fillEmpty(c)
	return nil
}

func (tx *Tx) rememberErased(ctx context.Context, hash, kind string, contactID int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO erased_identities (workspace_id, hash, kind, contact_id, erased_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (workspace_id, hash) DO NOTHING`,
		tx.actor.WorkspaceID, hash, kind, contactID, timeArg(tx.now))
	if err != nil {
		return fmt.Errorf("remember erased identity: %w", err)
	}
	return nil
}

// compactAfterErasure makes SQLite drop the old page images that still hold
// the erased values: the WAL is checkpointed into the database file and
// truncated. Freed space inside the file is zeroed as it is freed (the
// write connection runs with secure_delete), and FTS5 deletes index terms
// physically (secure-delete, migration 0004). It is best effort: a reader
// holding an old snapshot keeps the WAL until it finishes, and the next
// checkpoint reuses it. PostgreSQL removes dead row versions with vacuum.
func (db *DB) compactAfterErasure(ctx context.Context) {
	if db.dialect.name() != SQLite {
		return
	}
	ctx = context.WithoutCancel(ctx)
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	// Wait at most a second for readers of older snapshots (a long check
	// streaming a segment): writers queue behind this connection meanwhile.
	var timeout int
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		return
	}
	_, _ = conn.ExecContext(ctx, `PRAGMA busy_timeout = 1000`)
	_, _ = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	_, _ = conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, timeout))
}
