package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
)

const contactColumns = `c.id, c.workspace_id, c.phone_e164, c.first_name, c.last_name, c.email,
	c.company, c.city, c.country, c.timezone, c.tags, c.custom_fields, c.alt_phones, c.alt_emails,
	c.phone_country, c.phone_type, c.phone_timezones, c.dnc, c.status, c.merged_into, c.version,
	c.created_at, c.updated_at`

type scanner interface{ Scan(...any) error }

func scanContact(row scanner) (*contactd.Contact, error) {
	var c contactd.Contact
	var tags, custom, altPhones, altEmails, zones []byte
	var created, updated scanTime
	var merged sql.NullInt64
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.PhoneE164, &c.FirstName, &c.LastName, &c.Email,
		&c.Company, &c.City, &c.Country, &c.Timezone, &tags, &custom, &altPhones, &altEmails,
		&c.PhoneCountry, &c.PhoneType, &zones, &c.DNC, &c.Status, &merged, &c.Version,
		&created, &updated)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = created.T, updated.T
	if merged.Valid {
		c.MergedInto = &merged.Int64
	}
	// Most of these are empty ([] or {}, which fillEmpty gives); only the
	// custom fields need numbers kept as written.
	for _, f := range []struct {
		raw []byte
		dst any
	}{{tags, &c.Tags}, {altPhones, &c.AltPhones}, {altEmails, &c.AltEmails}, {zones, &c.PhoneTimezones}} {
		if string(f.raw) == "[]" {
			continue
		}
		if err := json.Unmarshal(f.raw, f.dst); err != nil {
			return nil, fmt.Errorf("contact %d: decode json column: %w", c.ID, err)
		}
	}
	if string(custom) != "{}" {
		d := json.NewDecoder(bytes.NewReader(custom))
		d.UseNumber()
		if err := d.Decode(&c.CustomFields); err != nil {
			return nil, fmt.Errorf("contact %d: decode json column: %w", c.ID, err)
		}
	}
	fillEmpty(&c)
	return &c, nil
}

// fillEmpty makes lists and maps encode as [] and {}, never null.
func fillEmpty(c *contactd.Contact) {
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if c.CustomFields == nil {
		c.CustomFields = map[string]any{}
	}
	if c.AltPhones == nil {
		c.AltPhones = []string{}
	}
	if c.AltEmails == nil {
		c.AltEmails = []string{}
	}
	if c.PhoneTimezones == nil {
		c.PhoneTimezones = []string{}
	}
}

func jsonArg(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: marshal %T: %v", v, err)) // only our own types reach here
	}
	return string(b)
}

// CreateContact validates in and stores a new active contact.
// Returns a validation error (EInvalid, EInvalidPhone, EInvalidEmail) for bad
// values, EConflict with ExistingID when the phone is already live, and
// EErased when a phone or email is an erased person's.
func (db *DB) CreateContact(ctx context.Context, in contactd.ContactInput) (*contactd.Contact, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	c, nationals, err := buildContact(in, ws.DefaultRegion)
	if err != nil {
		return nil, err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if refused, err := refuseErased(ctx, tx, tx.actor.WorkspaceID, []*contactd.Contact{c}); err != nil {
			return err
		} else if len(refused) > 0 && refused[0] != nil {
			return refused[0]
		}
		if owner, err := tx.livePhoneOwner(ctx, c.PhoneE164, 0); err != nil {
			return err
		} else if owner > 0 {
			return phoneConflict(c.PhoneE164, owner)
		}
		c.WorkspaceID, c.Status, c.Version = actor.WorkspaceID, contactd.StatusActive, 1
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		err := tx.QueryRowContext(ctx, `
			INSERT INTO contacts (workspace_id, phone_e164, first_name, last_name, email, company, city,
				country, timezone, tags, custom_fields, alt_phones, alt_emails, phone_country, phone_type,
				phone_timezones, status, version, created_at, updated_at, search_doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
			RETURNING id`,
			c.WorkspaceID, c.PhoneE164, c.FirstName, c.LastName, c.Email, c.Company, c.City,
			c.Country, c.Timezone, jsonArg(c.Tags), jsonArg(c.CustomFields), jsonArg(c.AltPhones), jsonArg(c.AltEmails),
			c.PhoneCountry, c.PhoneType, jsonArg(c.PhoneTimezones), c.Status, c.Version,
			timeArg(c.CreatedAt), timeArg(c.UpdatedAt), searchDoc(c, nationals)).Scan(&c.ID)
		if db.dialect.isUniqueViolation(err) {
			return errPhoneRace
		}
		if err != nil {
			return fmt.Errorf("insert contact: %w", err)
		}
		if err := tx.setTags(ctx, c.ID, c.Tags); err != nil {
			return err
		}
		if err := tx.refreshMatchKeys(ctx, c); err != nil {
			return err
		}
		return tx.audit(ctx, contactd.ActionContactCreated, c.ID, map[string]any{"fields": setFields(c)})
	})
	if errors.Is(err, errPhoneRace) {
		return nil, db.raceConflict(ctx, actor.WorkspaceID, c.PhoneE164)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// errPhoneRace is a unique violation on the live phone that the pre-check
// missed because another transaction committed in between.
var errPhoneRace = errors.New("live phone taken concurrently")

func (db *DB) raceConflict(ctx context.Context, ws int64, phone string) error {
	var owner int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2 AND status = 'active'`, ws, phone).Scan(&owner)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("find phone owner: %w", err)
	}
	return phoneConflict(phone, owner)
}

func phoneConflict(phone string, owner int64) error {
	return &contactd.Error{
		Code:       contactd.EConflict,
		Message:    fmt.Sprintf("contact %d already has the live phone %s; update that contact or delete it first", owner, phone),
		Fields:     []contactd.FieldError{{Field: "phone_e164", Code: "duplicate_phone", Message: "already in use by contact " + fmt.Sprint(owner)}},
		ExistingID: owner,
	}
}

// livePhoneOwner returns the active contact (other than except) holding phone.
func (tx *Tx) livePhoneOwner(ctx context.Context, phone string, except int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `
		SELECT id FROM contacts
		WHERE workspace_id = $1 AND phone_e164 = $2 AND status = 'active' AND phone_e164 <> '' AND id <> $3`,
		tx.actor.WorkspaceID, phone, except).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("check live phone: %w", err)
	}
	return id, nil
}

// setTags replaces the tag index rows of a contact.
func (tx *Tx) setTags(ctx context.Context, id int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_tags WHERE workspace_id = $1 AND contact_id = $2`, tx.actor.WorkspaceID, id); err != nil {
		return fmt.Errorf("clear tags: %w", err)
	}
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_tags (workspace_id, tag, contact_id) VALUES ($1, $2, $3)`,
			tx.actor.WorkspaceID, strings.ToLower(t), id); err != nil {
			return fmt.Errorf("set tag: %w", err)
		}
	}
	return nil
}

// FindContactByID returns a contact in any status, or ENotFound when it does
// not exist in the caller's workspace.
func (db *DB) FindContactByID(ctx context.Context, id int64) (*contactd.Contact, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	c, err := scanContact(db.read.QueryRowContext(ctx,
		`SELECT `+contactColumns+` FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2`, actor.WorkspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "contact %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find contact: %w", err)
	}
	return c, nil
}

// lockContact reads a contact for change inside tx, locking its row on
// PostgreSQL. Returns ENotFound when it does not exist in the workspace.
func (tx *Tx) lockContact(ctx context.Context, id int64) (*contactd.Contact, error) {
	c, err := scanContact(tx.QueryRowContext(ctx,
		`SELECT `+contactColumns+` FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2`+tx.db.dialect.forUpdate(),
		tx.actor.WorkspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "contact %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("lock contact: %w", err)
	}
	return c, nil
}

// notActive explains why a contact that is not active cannot change.
func notActive(c *contactd.Contact) error {
	switch c.Status {
	case contactd.StatusDeleted:
		return contactd.Errorf(contactd.EConflict, "contact %d is deleted; restore it first (POST /api/v1/contacts/%d/restore)", c.ID, c.ID)
	case contactd.StatusMerged:
		into := int64(0)
		if c.MergedInto != nil {
			into = *c.MergedInto
		}
		return &contactd.Error{Code: contactd.EConflict, Message: fmt.Sprintf("contact %d was merged into contact %d; change that one instead", c.ID, into), ExistingID: into}
	case contactd.StatusErased:
		return contactd.Errorf(contactd.EConflict, "contact %d was erased and cannot change", c.ID)
	}
	return contactd.Errorf(contactd.EConflict, "contact %d is %s", c.ID, c.Status)
}

func staleVersion(c *contactd.Contact, want int64) error {
	return contactd.Errorf(contactd.EPreconditionFailed, "contact %d is at version %d, not %d: someone changed it; GET it again and reapply your change", c.ID, c.Version, want)
}

// UpdateContact applies upd to an active contact and bumps its version.
// Returns EPreconditionFailed when upd.IfVersion is stale, EConflict when the
// contact is not active or the new phone is live elsewhere, and validation
// errors for bad values. An update that changes nothing keeps the version.
func (db *DB) UpdateContact(ctx context.Context, id int64, upd contactd.ContactUpdate) (*contactd.Contact, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var out *contactd.Contact
	err = db.inTx(ctx, func(tx *Tx) error {
		cur, err := tx.lockContact(ctx, id)
		if err != nil {
			return err
		}
		if cur.Status != contactd.StatusActive {
			return notActive(cur)
		}
		if upd.IfVersion != 0 && upd.IfVersion != cur.Version {
			return staleVersion(cur, upd.IfVersion)
		}
		next, changed, err := applyUpdate(cur, upd, ws.DefaultRegion)
		if err != nil {
			return err
		}
		if len(changed) == 0 {
			out = cur
			return nil
		}
		if next.PhoneE164 != cur.PhoneE164 {
			if owner, err := tx.livePhoneOwner(ctx, next.PhoneE164, id); err != nil {
				return err
			} else if owner > 0 {
				return phoneConflict(next.PhoneE164, owner)
			}
		}
		next.Version, next.UpdatedAt = cur.Version+1, tx.now
		_, err = tx.ExecContext(ctx, `
			UPDATE contacts SET phone_e164 = $1, first_name = $2, last_name = $3, email = $4, company = $5,
				city = $6, country = $7, timezone = $8, tags = $9, custom_fields = $10, alt_phones = $11,
				alt_emails = $12, phone_country = $13, phone_type = $14, phone_timezones = $15,
				version = $16, updated_at = $17, search_doc = $18
			WHERE workspace_id = $19 AND id = $20`,
			next.PhoneE164, next.FirstName, next.LastName, next.Email, next.Company,
			next.City, next.Country, next.Timezone, jsonArg(next.Tags), jsonArg(next.CustomFields), jsonArg(next.AltPhones),
			jsonArg(next.AltEmails), next.PhoneCountry, next.PhoneType, jsonArg(next.PhoneTimezones),
			next.Version, timeArg(next.UpdatedAt), searchDoc(next, nil), actor.WorkspaceID, id)
		if db.dialect.isUniqueViolation(err) {
			return errPhoneRace
		}
		if err != nil {
			return fmt.Errorf("update contact: %w", err)
		}
		if upd.Tags != nil {
			if err := tx.setTags(ctx, id, next.Tags); err != nil {
				return err
			}
		}
		out = next
		if err := tx.refreshMatchKeys(ctx, next); err != nil {
			return err
		}
		return tx.audit(ctx, contactd.ActionContactUpdated, id, map[string]any{"fields": changed, "version": next.Version})
	})
	if errors.Is(err, errPhoneRace) {
		return nil, db.raceConflict(ctx, actor.WorkspaceID, *upd.PhoneE164)
	}
	return out, err
}

// DeleteContact marks an active contact deleted, which frees its phone for
// another contact. Deleting a deleted contact changes nothing. Returns
// EConflict for merged and erased contacts and EPreconditionFailed when
// ifVersion is non-zero and stale.
func (db *DB) DeleteContact(ctx context.Context, id int64, ifVersion int64) (*contactd.Contact, error) {
	return db.setStatus(ctx, id, ifVersion, contactd.StatusDeleted)
}

// RestoreContact makes a deleted contact active again. Returns EConflict with
// ExistingID when its phone has become live on another contact meanwhile, and
// EConflict for merged or erased contacts. Restoring an active contact
// changes nothing.
func (db *DB) RestoreContact(ctx context.Context, id int64) (*contactd.Contact, error) {
	return db.setStatus(ctx, id, 0, contactd.StatusActive)
}

func (db *DB) setStatus(ctx context.Context, id, ifVersion int64, status string) (*contactd.Contact, error) {
	var out *contactd.Contact
	err := db.inTx(ctx, func(tx *Tx) error {
		c, err := tx.lockContact(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != 0 && ifVersion != c.Version {
			return staleVersion(c, ifVersion)
		}
		out = c
		if c.Status == status {
			return nil
		}
		if c.Status != contactd.StatusActive && c.Status != contactd.StatusDeleted {
			return notActive(c)
		}
		action, deletedAt := contactd.ActionContactDeleted, any(timeArg(tx.now))
		if status == contactd.StatusActive {
			action, deletedAt = contactd.ActionContactRestored, nil
			if owner, err := tx.livePhoneOwner(ctx, c.PhoneE164, id); err != nil {
				return err
			} else if owner > 0 {
				return phoneConflict(c.PhoneE164, owner)
			}
		}
		c.Status, c.Version, c.UpdatedAt = status, c.Version+1, tx.now
		if _, err := tx.ExecContext(ctx, `
			UPDATE contacts SET status = $1, version = $2, updated_at = $3, deleted_at = $4
			WHERE workspace_id = $5 AND id = $6`,
			status, c.Version, timeArg(tx.now), deletedAt, tx.actor.WorkspaceID, id); err != nil {
			if db.dialect.isUniqueViolation(err) {
				return phoneConflict(c.PhoneE164, 0)
			}
			return fmt.Errorf("set contact status: %w", err)
		}
		if err := tx.refreshMatchKeys(ctx, c); err != nil {
			return err
		}
		return tx.audit(ctx, action, id, map[string]any{"version": c.Version})
	})
	return out, err
}
