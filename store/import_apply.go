package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
)

// ErrStaleBatch means the import moved on since the batch was read: another
// worker applied it already. The batch must be dropped, not applied twice.
var ErrStaleBatch = errors.New("import batch already applied")

// importEntry is one contact a batch touches, new or existing.
type importEntry struct {
	c         *contactd.Contact
	before    *contactd.Contact // nil for new contacts
	nationals map[string]string
	isNew     bool
	firstRow  int // index of the row that created it
	rows      []int
}

// ApplyImportBatch applies rows (the next rows of the file after the
// processedBefore already applied) in one transaction, together with the
// import's progress and counts, so that a crash either keeps the whole batch
// or none of it and a resumed import never applies a row twice. It reports
// whether the operator asked to cancel, in which case the batch was not
// applied.
//
// Rows that match a live contact (by phone, or by email with match_on email)
// update it: non-empty values overwrite, empty ones never clear, tags and
// alternates are united, DNC is never touched. Rows repeating a contact of
// the same file update the contact the first one created. Rows of erased
// people fail with code erased, and their cells are not kept in the error
// report.
func (db *DB) ApplyImportBatch(ctx context.Context, imp *contactd.ContactImport, processedBefore int64, rows []contactd.ImportRow) (cancel bool, err error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return false, err
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return false, err
	}
	opts := imp.Options
	region := ws.DefaultRegion
	built := make([]*contactd.Contact, len(rows))
	nationals := make([]map[string]string, len(rows))
	failures := make([]*contactd.ImportError, len(rows))
	warned := make([]bool, len(rows))
	buildParallel(len(rows), func(i int) {
		r := rows[i]
		if r.Err != nil {
			failures[i] = r.Err
			return
		}
		in := r.Input
		if opts.DefaultRegion != "" && in.DefaultRegion == "" {
			in.DefaultRegion = opts.DefaultRegion
		}
		in.Tags = append(in.Tags, opts.Tags...)
		c, nat, err := buildContact(in, region)
		if err != nil {
			if soft, ok := demoteSoftFields(in, err); ok {
				if c, nat, err = buildContact(soft, region); err == nil {
					warned[i] = true
				}
			}
		}
		if err != nil {
			failures[i] = rowFailure(r, err)
			return
		}
		built[i], nationals[i] = c, nat
	})

	var counts struct{ created, updated, skipped, failed, warnings int64 }
	err = db.inTx(ctx, func(tx *Tx) error {
		counts.created, counts.updated, counts.skipped, counts.failed, counts.warnings = 0, 0, 0, 0, 0
		var processed int64
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT processed_rows, status, cancel_requested FROM contact_imports WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(),
			tx.actor.WorkspaceID, imp.ID).Scan(&processed, &status, &cancel); err != nil {
			return fmt.Errorf("lock import: %w", err)
		}
		if processed != processedBefore || status != contactd.JobRunning {
			return ErrStaleBatch
		}
		if cancel {
			return nil // the operator asked to stop: this batch is not applied
		}
		refused, err := refuseErased(ctx, tx, tx.actor.WorkspaceID, built)
		if err != nil {
			return err
		}
		for i, e := range refused {
			if e != nil {
				// The report says why, never who: no cell of the row is kept.
				built[i] = nil
				failures[i] = &contactd.ImportError{Line: rows[i].Line, Field: e.Fields[0].Field, Code: contactd.EErased, Message: e.Fields[0].Message}
			}
		}
		byPhone, byEmail, err := tx.existingForImport(ctx, built, opts.MatchOn == contactd.MatchOnEmail)
		if err != nil {
			return err
		}
		var entries []*importEntry
		var touched []*importEntry // every contact a row created, updated or matched, for opts.SegmentID
		for i, nc := range built {
			if rows[i].Warning != "" || warned[i] {
				counts.warnings++
			}
			if nc == nil {
				counts.failed++
				continue
			}
			var e *importEntry
			if opts.MatchOn == contactd.MatchOnEmail && nc.Email != "" {
				e = byEmail[strings.ToLower(nc.Email)]
			} else {
				e = byPhone[nc.PhoneE164]
			}
			if e == nil {
				if opts.Mode == contactd.ModeUpdateOnly {
					counts.skipped++
					continue
				}
				if owner := byPhone[nc.PhoneE164]; owner != nil {
					// Matched on email, but this phone is another contact's.
					failures[i] = phoneInUse(rows[i], owner, rows)
					counts.failed++
					continue
				}
				e = &importEntry{c: nc, nationals: nationals[i], isNew: true, firstRow: i, rows: []int{i}}
				entries = append(entries, e)
				byPhone[nc.PhoneE164] = e
				if nc.Email != "" && byEmail[strings.ToLower(nc.Email)] == nil {
					byEmail[strings.ToLower(nc.Email)] = e
				}
				counts.created++
				touched = append(touched, e)
				continue
			}
			touched = append(touched, e)
			if opts.Mode == contactd.ModeCreateOnly {
				counts.skipped++
				continue
			}
			if e.before == nil && !e.isNew {
				e.before = cloneContact(e.c)
				entries = append(entries, e)
			}
			if mergeImported(e.c, nc) {
				counts.updated++
				e.rows = append(e.rows, i)
			} else {
				counts.skipped++
			}
		}
		if err := tx.writeImportEntries(ctx, imp.ID, entries, rows); err != nil {
			return err
		}
		if opts.SegmentID > 0 {
			ids := make([]int64, len(touched))
			for i, e := range touched {
				ids[i] = e.c.ID
			}
			if err := tx.addImportToSegment(ctx, imp.ID, opts.SegmentID, ids); err != nil {
				return err
			}
		}
		if err := tx.insertImportErrors(ctx, imp.ID, failures); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE contact_imports SET processed_rows = processed_rows + $1, created = created + $2, updated = updated + $3,
				skipped = skipped + $4, failed = failed + $5, warnings = warnings + $6
			WHERE workspace_id = $7 AND id = $8`,
			len(rows), counts.created, counts.updated, counts.skipped, counts.failed, counts.warnings, tx.actor.WorkspaceID, imp.ID)
		if err != nil {
			return fmt.Errorf("record import progress: %w", err)
		}
		return nil
	})
	return cancel, err
}

func rowFailure(r contactd.ImportRow, err error) *contactd.ImportError {
	f := &contactd.ImportError{Line: r.Line, Raw: r.Raw, Code: contactd.ErrorCode(err), Message: err.Error()}
	var e *contactd.Error
	if errors.As(err, &e) {
		f.Message = e.Message
		if len(e.Fields) > 0 {
			f.Field, f.Code, f.Message = e.Fields[0].Field, e.Fields[0].Code, e.Fields[0].Message
		}
	}
	return f
}

func phoneInUse(r contactd.ImportRow, owner *importEntry, rows []contactd.ImportRow) *contactd.ImportError {
	who := fmt.Sprintf("contact %d", owner.c.ID)
	if owner.isNew {
		who = fmt.Sprintf("the contact of line %d of this file", rows[owner.firstRow].Line)
	}
	return &contactd.ImportError{Line: r.Line, Raw: r.Raw, Field: "phone_e164", Code: "phone_in_use",
		Message: "this phone already belongs to " + who + ", which has another email; fix the row or import with match_on=phone_e164"}
}

func cloneContact(c *contactd.Contact) *contactd.Contact {
	d := *c
	d.Tags = append([]string{}, c.Tags...)
	d.AltPhones = append([]string{}, c.AltPhones...)
	d.AltEmails = append([]string{}, c.AltEmails...)
	d.CustomFields = make(map[string]any, len(c.CustomFields))
	for k, v := range c.CustomFields {
		d.CustomFields[k] = v
	}
	return &d
}

// mergeImported folds a row into an existing contact and reports whether
// anything changed. Non-empty values win, empty ones never clear; a second
// phone or email is kept as an alternate, never dropped.
func mergeImported(dst, src *contactd.Contact) bool {
	before := cloneContact(dst)
	set := func(d *string, s string) {
		if s != "" {
			*d = s
		}
	}
	set(&dst.FirstName, src.FirstName)
	set(&dst.LastName, src.LastName)
	set(&dst.Company, src.Company)
	set(&dst.City, src.City)
	set(&dst.Country, src.Country)
	set(&dst.Timezone, src.Timezone)
	if src.Email != "" && !strings.EqualFold(src.Email, dst.Email) {
		if dst.Email != "" {
			dst.AltEmails = addUnique(dst.AltEmails, dst.Email)
		}
		dst.Email = src.Email
		dst.AltEmails = removeValue(dst.AltEmails, src.Email)
	}
	if src.PhoneE164 != "" && src.PhoneE164 != dst.PhoneE164 {
		dst.AltPhones = addUnique(dst.AltPhones, src.PhoneE164)
	}
	for _, p := range src.AltPhones {
		if p != dst.PhoneE164 {
			dst.AltPhones = addUnique(dst.AltPhones, p)
		}
	}
	for _, e := range src.AltEmails {
		if !strings.EqualFold(e, dst.Email) {
			dst.AltEmails = addUnique(dst.AltEmails, e)
		}
	}
	for _, t := range src.Tags {
		if !containsFold(dst.Tags, t) {
			dst.Tags = append(dst.Tags, t)
		}
	}
	for k, v := range src.CustomFields {
		dst.CustomFields[k] = v
	}
	return len(changedFields(before, dst)) > 0
}

func addUnique(list []string, v string) []string {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return list
		}
	}
	return append(list, v)
}

func removeValue(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if !strings.EqualFold(x, v) {
			out = append(out, x)
		}
	}
	return out
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
