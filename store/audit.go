package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/contactd/contactd"
)

// FindAuditEvents lists the audit log of the actor's workspace, newest first,
// optionally for one contact or one action.
func (db *DB) FindAuditEvents(ctx context.Context, f contactd.AuditFilter) ([]*contactd.AuditEvent, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	if err := checkPage(f.Page); err != nil {
		return nil, info, err
	}
	w := &where{}
	w.add("workspace_id = $%d", actor.WorkspaceID)
	if f.ContactID > 0 {
		w.add("contact_id = $%d", f.ContactID)
	}
	if f.Action != "" {
		w.add("action = $%d", f.Action)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE `+w.sql(), w.args...).Scan(&info.Total); err != nil {
		return nil, info, fmt.Errorf("count audit events: %w", err)
	}
	offset := 0
	if f.Page.AfterID > 0 {
		// Newest first, so the cursor walks down.
		w.add("id < $%d", f.Page.AfterID)
	} else {
		offset = f.Page.Offset()
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`
		SELECT id, action, actor_key_id, contact_id, details, at FROM audit_events
		WHERE %s ORDER BY id DESC LIMIT %d OFFSET %d`, w.sql(), f.Page.PerPage+1, offset), w.args...)
	if err != nil {
		return nil, info, fmt.Errorf("find audit events: %w", err)
	}
	defer rows.Close()
	var out []*contactd.AuditEvent
	for rows.Next() {
		var e contactd.AuditEvent
		var key, contact sql.NullInt64
		var details []byte
		var at scanTime
		if err := rows.Scan(&e.ID, &e.Action, &key, &contact, &details, &at); err != nil {
			return nil, info, fmt.Errorf("find audit events: %w", err)
		}
		if key.Valid {
			e.ActorKey = &key.Int64
		}
		if contact.Valid {
			e.ContactID = &contact.Int64
		}
		if err := json.Unmarshal(details, &e.Details); err != nil {
			return nil, info, fmt.Errorf("audit event %d: %w", e.ID, err)
		}
		e.At = at.T
		out = append(out, &e)
	}
	if len(out) > f.Page.PerPage {
		out = out[:f.Page.PerPage]
		info.NextAfterID = out[len(out)-1].ID
	}
	return out, info, rows.Err()
}
