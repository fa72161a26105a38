package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/contactd/contactd"
)

const dncListColumns = `id, name, kind, region, max_age_days, generation, refreshed_at, created_at`

func scanDNCList(row scanner) (*contactd.DNCList, error) {
	var l contactd.DNCList
	var refreshed, created scanTime
	if err := row.Scan(&l.ID, &l.Name, &l.Kind, &l.Region, &l.MaxAgeDays, &l.Generation, &refreshed, &created); err != nil {
		return nil, err
	}
	l.RefreshedAt, l.CreatedAt = refreshed.ptr(), created.T
	return &l, nil
}

// querier is what both the read pool and a transaction can run.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dncListByName finds a list of the workspace; the internal list is made on
// first use. Returns ENotFound for an unknown name.
func (tx *Tx) dncListByName(ctx context.Context, name string) (*contactd.DNCList, error) {
	if name == "" || name == contactd.InternalListName {
		name = contactd.InternalListName
		_, err := tx.ExecContext(ctx, `
			INSERT INTO dnc_lists (workspace_id, name, kind, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (workspace_id, name) DO NOTHING`,
			tx.actor.WorkspaceID, name, contactd.DNCListInternal, timeArg(tx.now))
		if err != nil {
			return nil, fmt.Errorf("create internal dnc list: %w", err)
		}
	}
	l, err := scanDNCList(tx.QueryRowContext(ctx, `SELECT `+dncListColumns+` FROM dnc_lists WHERE workspace_id = $1 AND name = $2`, tx.actor.WorkspaceID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "DNC list %q not found", truncate(name, 80))
	}
	if err != nil {
		return nil, fmt.Errorf("find dnc list: %w", err)
	}
	return l, nil
}

// findDNCLists returns every list of the workspace by id.
func findDNCLists(ctx context.Context, q querier, ws int64) (map[int64]*contactd.DNCList, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+dncListColumns+` FROM dnc_lists WHERE workspace_id = $1`, ws)
	if err != nil {
		return nil, fmt.Errorf("find dnc lists: %w", err)
	}
	defer rows.Close()
	out := map[int64]*contactd.DNCList{}
	for rows.Next() {
		l, err := scanDNCList(rows)
		if err != nil {
			return nil, fmt.Errorf("find dnc lists: %w", err)
		}
		out[l.ID] = l
	}
	return out, rows.Err()
}

// CreateDNCList adds a named list. Returns EInvalid for a bad name, kind,
// region or age, and EConflict when the name is taken.
func (db *DB) CreateDNCList(ctx context.Context, in contactd.DNCListInput) (*contactd.DNCList, error) {
	var fe fieldErrors
	name := cleanText(&fe, "name", in.Name, 100)
	if name == "" {
		fe.add("name", "required", "a list needs a name")
	}
	kind := in.Kind
	if kind == "" {
		kind = contactd.DNCListRegistry
	}
	if kind != contactd.DNCListRegistry && kind != contactd.DNCListInternal {
		fe.add("kind", "invalid", "kind must be registry or internal")
	}
	if kind == contactd.DNCListInternal && name != contactd.InternalListName {
		fe.add("kind", "invalid", "a workspace has one internal list, named %q; other lists are registry lists", contactd.InternalListName)
	}
	region := cleanRegion(&fe, "region", in.Region)
	if in.MaxAgeDays < 0 || in.MaxAgeDays > 3650 {
		fe.add("max_age_days", "invalid", "max_age_days must be 0 (never stale) to 3650")
	}
	if kind == contactd.DNCListInternal && (in.MaxAgeDays != 0 || region != "") {
		fe.add("max_age_days", "invalid", "only registry lists have a region and a maximum age")
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	var out *contactd.DNCList
	err := db.inTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `
			INSERT INTO dnc_lists (workspace_id, name, kind, region, max_age_days, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			tx.actor.WorkspaceID, name, kind, region, in.MaxAgeDays, timeArg(tx.now)).Scan(&id)
		if db.dialect.isUniqueViolation(err) {
			return contactd.Errorf(contactd.EConflict, "a DNC list named %q already exists", name)
		}
		if err != nil {
			return fmt.Errorf("create dnc list: %w", err)
		}
		out = &contactd.DNCList{ID: id, Name: name, Kind: kind, Region: region, MaxAgeDays: in.MaxAgeDays, CreatedAt: tx.now}
		return tx.audit(ctx, contactd.ActionDNCListCreated, 0, map[string]any{"list_id": id, "kind": kind})
	})
	return out, err
}

// FindDNCLists lists the workspace's lists by name. The internal list is
// always there.
func (db *DB) FindDNCLists(ctx context.Context, p contactd.Page) ([]*contactd.DNCList, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	// The internal list is made on first use; a listing shows it always.
	var one int
	err = db.read.QueryRowContext(ctx, `SELECT 1 FROM dnc_lists WHERE workspace_id = $1 AND name = $2`, actor.WorkspaceID, contactd.InternalListName).Scan(&one)
	if isNoRows(err) {
		err = db.inTx(ctx, func(tx *Tx) error { _, err := tx.dncListByName(ctx, ""); return err })
	}
	if err != nil {
		return nil, info, err
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM dnc_lists WHERE workspace_id = $1`, actor.WorkspaceID).Scan(&info.Total); err != nil {
		return nil, info, fmt.Errorf("count dnc lists: %w", err)
	}
	w := &where{}
	w.add("workspace_id = $%d", actor.WorkspaceID)
	offset := p.Offset()
	if p.AfterID > 0 {
		w.add("id > $%d", p.AfterID)
		offset = 0
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM dnc_lists WHERE %s ORDER BY id LIMIT %d OFFSET %d`,
		dncListColumns, w.sql(), p.PerPage+1, offset), w.args...)
	if err != nil {
		return nil, info, fmt.Errorf("find dnc lists: %w", err)
	}
	defer rows.Close()
	out := []*contactd.DNCList{}
	for rows.Next() {
		l, err := scanDNCList(rows)
		if err != nil {
			return nil, info, err
		}
		out = append(out, l)
	}
	if len(out) > p.PerPage {
		out = out[:p.PerPage]
		info.NextAfterID = out[len(out)-1].ID
	}
	return out, info, rows.Err()
}

const dncEntryColumns = `e.id, e.workspace_id, e.list_id, l.name, e.number, e.is_prefix, e.channel, e.reason, e.source, e.call_id,
	e.expires_at, e.import_id, e.created_by_key, e.created_at`

// dncEntryFrom joins entries to the list generation that counts: an entry of
// a registry list that a later load replaced is invisible.
const dncEntryFrom = `dnc_entries e JOIN dnc_lists l ON l.workspace_id = e.workspace_id AND l.id = e.list_id AND l.generation = e.generation`

func scanDNCEntry(row scanner) (*contactd.DNCEntry, error) {
	var e contactd.DNCEntry
	var number string
	var prefix bool
	var expires, created scanTime
	var imp, key sql.NullInt64
	if err := row.Scan(&e.ID, &e.WorkspaceID, &e.ListID, &e.List, &number, &prefix, &e.Channel, &e.Reason, &e.Source, &e.CallID,
		&expires, &imp, &key, &created); err != nil {
		return nil, err
	}
	if prefix {
		e.Prefix = number
	} else {
		e.PhoneE164 = number
	}
	e.ExpiresAt, e.CreatedAt = expires.ptr(), created.T
	if imp.Valid {
		e.ImportID = &imp.Int64
	}
	if key.Valid {
		e.ActorKeyID = &key.Int64
	}
	return &e, nil
}

// dncSources that the API may set; import and registry come from DNC imports.
var apiDNCSources = map[string]bool{contactd.DNCSourceManual: true, contactd.DNCSourceOptOut: true, contactd.DNCSourceAgent: true}

// cleanDNCMeta checks what every way of adding an entry shares.
func cleanDNCMeta(fe *fieldErrors, channel, source, callID, reason *string) {
	if *channel == "" {
		*channel = contactd.ChannelAll
	}
	if !dncChannels[*channel] {
		fe.add("channel", "invalid", "channel must be voice, sms or all")
	}
	if *source == "" {
		*source = contactd.DNCSourceManual
	}
	if !apiDNCSources[*source] {
		fe.add("source", "invalid", "source must be manual, opt_out or agent (import and registry entries come from POST /api/v1/dnc/import)")
	}
	*callID = cleanText(fe, "call_id", *callID, 200)
	if *source == contactd.DNCSourceAgent && *callID == "" {
		fe.add("call_id", "required", "an entry from an agent names the call (call_id) where the person asked")
	}
	if *source != contactd.DNCSourceAgent && *callID != "" {
		fe.add("call_id", "invalid", "call_id goes with source agent")
	}
	*reason = cleanText(fe, "reason", *reason, 500)
}

// AddDNCEntry puts a number (any written form) or a prefix on a list, the
// internal one by default. Adding what is there already (same list, number
// or prefix, and channel) returns the existing entry with created=false;
// the repeat can only lengthen its expiry, never shorten it. Returns
// EInvalidPhone for a number that is not one, EInvalid for a bad prefix or
// field, ENotFound for an unknown list, EConflict for a registry list
// (those change only by loading the registry again), and EErased for an
// erased person's number, which checks suppress already.
func (db *DB) AddDNCEntry(ctx context.Context, in contactd.DNCEntryInput) (*contactd.DNCEntry, bool, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, false, err
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, false, err
	}
	var fe fieldErrors
	number, isPrefix := "", false
	switch {
	case in.Phone != "" && in.Prefix != "":
		fe.add("prefix", "invalid", "send phone_e164 or prefix, not both")
	case in.Phone != "":
		region := pickRegion(&fe, in.DefaultRegion, "", ws.DefaultRegion)
		if n, ok := cleanPhone(&fe, "phone_e164", in.Phone, region); ok {
			number = n.E164
		}
	case in.Prefix != "":
		p, msg := parseDNCPrefix(in.Prefix)
		if msg != "" {
			fe.add("prefix", "invalid_prefix", "%s", msg)
		}
		number, isPrefix = p, true
	default:
		fe.add("phone_e164", contactd.EInvalidPhone, "send the number to block as phone_e164, or a range as prefix")
	}
	cleanDNCMeta(&fe, &in.Channel, &in.Source, &in.CallID, &in.Reason)
	if in.ExpiresAt != nil && !in.ExpiresAt.After(db.now()) {
		fe.add("expires_at", "invalid", "expires_at is in the past")
	}
	if err := fe.err(); err != nil {
		return nil, false, err
	}
	var out *contactd.DNCEntry
	created := false
	err = db.inTx(ctx, func(tx *Tx) error {
		l, err := tx.dncListByName(ctx, in.List)
		if err != nil {
			return err
		}
		if l.Kind == contactd.DNCListRegistry {
			return contactd.Errorf(contactd.EConflict, "DNC list %q is a registry list: it changes only when the registry is loaded again (POST /api/v1/dnc/import); add single numbers to the internal list", l.Name)
		}
		if !isPrefix {
			if kept, err := withoutErased(ctx, tx, tx.actor.WorkspaceID, []string{number}); err != nil {
				return err
			} else if len(kept) == 0 {
				return &contactd.Error{Code: contactd.EErased, Message: "this number belongs to a person who was erased (GDPR): every check suppresses it already (reason erased), and it is not stored again",
					Fields: []contactd.FieldError{{Field: "phone_e164", Code: contactd.EErased, Message: "an erased person's number"}}}
			}
		}
		e, added, err := tx.putDNCEntry(ctx, l, number, isPrefix, in.Channel, in.Reason, in.Source, in.CallID, in.ExpiresAt)
		if err != nil {
			return err
		}
		out, created = e, added
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// putDNCEntry adds an entry to an internal list or returns the one already
// there, lengthening its expiry when expires asks for more. It writes the
// audit event when something changed.
func (tx *Tx) putDNCEntry(ctx context.Context, l *contactd.DNCList, number string, isPrefix bool, channel, reason, source, callID string, expires *time.Time) (*contactd.DNCEntry, bool, error) {
	find := func() (*contactd.DNCEntry, error) {
		e, err := scanDNCEntry(tx.QueryRowContext(ctx, `SELECT `+dncEntryColumns+` FROM `+dncEntryFrom+`
			WHERE e.workspace_id = $1 AND e.list_id = $2 AND e.generation = $3 AND e.number = $4 AND e.is_prefix = $5 AND e.channel = $6`,
			tx.actor.WorkspaceID, l.ID, l.Generation, number, isPrefix, channel))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return e, err
	}
	old, err := find()
	if err != nil {
		return nil, false, fmt.Errorf("find dnc entry: %w", err)
	}
	if old != nil {
		// The strictest wins: an entry without expiry, or the later one.
		if old.ExpiresAt == nil || (expires != nil && !expires.After(*old.ExpiresAt)) {
			return old, false, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dnc_entries SET expires_at = $1 WHERE workspace_id = $2 AND id = $3`,
			nullTimeArg(expires), tx.actor.WorkspaceID, old.ID); err != nil {
			return nil, false, fmt.Errorf("extend dnc entry: %w", err)
		}
		old.ExpiresAt = expires
		return old, false, tx.audit(ctx, contactd.ActionDNCAdded, 0, map[string]any{"dnc_entry_id": old.ID, "list_id": l.ID, "expiry_extended": true})
	}
	var key any
	if tx.actor.KeyID > 0 {
		key = tx.actor.KeyID
	}
	var id int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO dnc_entries (workspace_id, list_id, generation, number, is_prefix, channel, reason, source, call_id, expires_at, created_by_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		tx.actor.WorkspaceID, l.ID, l.Generation, number, isPrefix, channel, reason, source, callID, nullTimeArg(expires), key, timeArg(tx.now)).Scan(&id)
	if err != nil {
		return nil, false, fmt.Errorf("add dnc entry: %w", err)
	}
	e := &contactd.DNCEntry{ID: id, WorkspaceID: tx.actor.WorkspaceID, ListID: l.ID, List: l.Name, Channel: channel, Reason: reason,
		Source: source, CallID: callID, ExpiresAt: expires, CreatedAt: tx.now}
	if tx.actor.KeyID > 0 {
		k := tx.actor.KeyID
		e.ActorKeyID = &k
	}
	if isPrefix {
		e.Prefix = number
	} else {
		e.PhoneE164 = number
	}
	return e, true, tx.audit(ctx, contactd.ActionDNCAdded, 0, map[string]any{"dnc_entry_id": id, "list_id": l.ID, "source": source, "channel": channel, "prefix": isPrefix})
}

// FindDNCEntryByID returns ENotFound when the entry is not in the workspace
// or belongs to a registry extract that has been replaced.
func (db *DB) FindDNCEntryByID(ctx context.Context, id int64) (*contactd.DNCEntry, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := scanDNCEntry(db.read.QueryRowContext(ctx, `SELECT `+dncEntryColumns+` FROM `+dncEntryFrom+` WHERE e.workspace_id = $1 AND e.id = $2`, actor.WorkspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "DNC entry %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find dnc entry: %w", err)
	}
	return e, nil
}

// RemoveDNCEntry takes an entry off the internal list; the number may be
// called again unless another entry or the person's opt-out says otherwise.
// Returns ENotFound for an unknown id and EConflict for an entry of a
// registry list.
func (db *DB) RemoveDNCEntry(ctx context.Context, id int64) (*contactd.DNCEntry, error) {
	var out *contactd.DNCEntry
	err := db.inTx(ctx, func(tx *Tx) error {
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT l.kind FROM `+dncEntryFrom+` WHERE e.workspace_id = $1 AND e.id = $2`, tx.actor.WorkspaceID, id).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return contactd.Errorf(contactd.ENotFound, "DNC entry %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("find dnc entry: %w", err)
		}
		if kind == contactd.DNCListRegistry {
			return contactd.Errorf(contactd.EConflict, "DNC entry %d belongs to a registry list, which changes only when the registry is loaded again", id)
		}
		out, err = scanDNCEntry(tx.QueryRowContext(ctx, `SELECT `+dncEntryColumns+` FROM `+dncEntryFrom+` WHERE e.workspace_id = $1 AND e.id = $2`, tx.actor.WorkspaceID, id))
		if err != nil {
			return fmt.Errorf("find dnc entry: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM dnc_entries WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("remove dnc entry: %w", err)
		}
		return tx.audit(ctx, contactd.ActionDNCRemoved, 0, map[string]any{"dnc_entry_id": id, "list_id": out.ListID})
	})
	return out, err
}

// FindDNCEntries lists the entries of the workspace's lists (the current
// load of each registry list), newest first. With Phone it lists the
// entries that suppress that number: the number itself and every prefix
// covering it, expired ones included (their expires_at says so).
func (db *DB) FindDNCEntries(ctx context.Context, f contactd.DNCFilter) ([]*contactd.DNCEntry, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	if f.Page.PerPage <= 0 || f.Page.PerPage > contactd.MaxPerPage || f.Page.Page < 1 {
		return nil, info, contactd.Errorf(contactd.EInvalidPagination, "page must be at least 1 and per_page between 1 and %d", contactd.MaxPerPage)
	}
	w := &where{}
	w.add("e.workspace_id = $%d", actor.WorkspaceID)
	if f.List != "" {
		w.add("l.name = $%d", f.List)
	}
	if f.Phone != "" {
		ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
		if err != nil {
			return nil, info, err
		}
		var fe fieldErrors
		n, ok := cleanPhone(&fe, "phone", f.Phone, ws.DefaultRegion)
		if !ok {
			return nil, info, fe.err()
		}
		prefixes := prefixesOf(n.E164)
		args := []any{false, n.E164, true}
		for _, p := range prefixes {
			args = append(args, p)
		}
		w.add("((e.is_prefix = $%d AND e.number = $%d) OR (e.is_prefix = $%d AND e.number IN ("+strings.TrimSuffix(strings.Repeat("$%d, ", len(prefixes)), ", ")+")))", args...)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+dncEntryFrom+` WHERE `+w.sql(), w.args...).Scan(&info.Total); err != nil {
		return nil, info, fmt.Errorf("count dnc entries: %w", err)
	}
	offset := f.Page.Offset()
	if f.Page.AfterID > 0 {
		w.add("e.id < $%d", f.Page.AfterID)
		offset = 0
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s ORDER BY e.id DESC LIMIT %d OFFSET %d`,
		dncEntryColumns, dncEntryFrom, w.sql(), f.Page.PerPage+1, offset), w.args...)
	if err != nil {
		return nil, info, fmt.Errorf("find dnc entries: %w", err)
	}
	defer rows.Close()
	out := []*contactd.DNCEntry{}
	for rows.Next() {
		e, err := scanDNCEntry(rows)
		if err != nil {
			return nil, info, fmt.Errorf("find dnc entries: %w", err)
		}
		out = append(out, e)
	}
	if len(out) > f.Page.PerPage {
		out = out[:f.Page.PerPage]
		info.NextAfterID = out[len(out)-1].ID
	}
	return out, info, rows.Err()
}
