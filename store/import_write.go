package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
)

// existingForImport loads the live contacts that the batch's phones (and,
// matching on email, emails) point at, each once however it was found.
func (tx *Tx) existingForImport(ctx context.Context, built []*contactd.Contact, emails bool) (map[string]*importEntry, map[string]*importEntry, error) {
	byPhone, byEmail := map[string]*importEntry{}, map[string]*importEntry{}
	byID := map[int64]*importEntry{}
	var phones, mails []string
	for _, c := range built {
		if c == nil {
			continue
		}
		phones = append(phones, c.PhoneE164)
		if emails && c.Email != "" {
			mails = append(mails, c.Email)
		}
	}
	load := func(column string, values []string) error {
		if len(values) == 0 {
			return nil
		}
		head, list := tx.db.valueJoin(2, values)
		// "<> ''" repeats the partial indexes' condition (contacts_email).
		rows, err := tx.QueryContext(ctx, `SELECT `+contactColumns+` FROM `+head+` contacts c
			ON c.workspace_id = $1 AND c.`+column+` = v.value
			WHERE c.status = 'active' AND c.`+column+` <> ''
			ORDER BY c.id`, tx.actor.WorkspaceID, list)
		if err != nil {
			return fmt.Errorf("find contacts to update: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				return err
			}
			e := byID[c.ID]
			if e == nil {
				e = &importEntry{c: c}
				byID[c.ID] = e
			}
			if byPhone[e.c.PhoneE164] == nil {
				byPhone[e.c.PhoneE164] = e
			}
			if k := strings.ToLower(e.c.Email); k != "" && byEmail[k] == nil {
				byEmail[k] = e
			}
		}
		return rows.Err()
	}
	if err := load("phone_e164", phones); err != nil {
		return nil, nil, err
	}
	if err := load("email", mails); err != nil {
		return nil, nil, err
	}
	return byPhone, byEmail, nil
}

// writeImportEntries inserts the batch's new contacts and updates the
// existing ones it changed, each with an audit event that names the import
// and the file line, which is the contact's provenance.
func (tx *Tx) writeImportEntries(ctx context.Context, importID int64, entries []*importEntry, rows []contactd.ImportRow) error {
	var newOnes []*contactd.Contact
	var docs []string
	var lines []int
	for _, e := range entries {
		if e.isNew {
			newOnes = append(newOnes, e.c)
			docs = append(docs, searchDoc(e.c, e.nationals))
			lines = append(lines, rows[e.firstRow].Line)
		}
	}
	results := make([]contactd.BatchResult, len(newOnes))
	idx := make([]int, len(newOnes))
	for i := range idx {
		idx[i] = i
	}
	for start := 0; start < len(idx); start += contactChunk {
		chunk := idx[start:min(start+contactChunk, len(idx))]
		err := tx.insertContactChunk(ctx, chunk, newOnes, docs, results, func(i int) map[string]any {
			return map[string]any{"import_id": importID, "row_number": lines[i]}
		})
		if err != nil {
			return err
		}
	}
	for _, e := range entries {
		if e.isNew || e.before == nil {
			continue
		}
		changed := changedFields(e.before, e.c)
		if len(changed) == 0 {
			continue
		}
		c := e.c
		c.Version, c.UpdatedAt = e.before.Version+1, tx.now
		_, err := tx.ExecContext(ctx, `
			UPDATE contacts SET first_name = $1, last_name = $2, email = $3, company = $4, city = $5, country = $6,
				timezone = $7, tags = $8, custom_fields = $9, alt_phones = $10, alt_emails = $11,
				version = version + 1, updated_at = $12, search_doc = $13
			WHERE workspace_id = $14 AND id = $15`,
			c.FirstName, c.LastName, c.Email, c.Company, c.City, c.Country, c.Timezone,
			jsonArg(c.Tags), jsonArg(c.CustomFields), jsonArg(c.AltPhones), jsonArg(c.AltEmails),
			timeArg(tx.now), searchDoc(c, nil), tx.actor.WorkspaceID, c.ID)
		if err != nil {
			return fmt.Errorf("update contact from import: %w", err)
		}
		if containsString(changed, "tags") {
			if err := tx.setTags(ctx, c.ID, c.Tags); err != nil {
				return err
			}
		}
		var lineNums []int
		for _, r := range e.rows {
			lineNums = append(lineNums, rows[r].Line)
		}
		if err := tx.audit(ctx, contactd.ActionContactUpdated, c.ID, map[string]any{
			"fields": changed, "version": c.Version, "import_id": importID, "row_numbers": lineNums,
		}); err != nil {
			return err
		}
	}
	touched := make([]*contactd.Contact, len(entries))
	fresh := make(map[int64]bool, len(newOnes))
	for i, e := range entries {
		touched[i] = e.c
		if e.isNew {
			fresh[e.c.ID] = true
		}
	}
	return tx.refreshMatchKeysOf(ctx, touched, fresh)
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// insertImportErrors records the batch's failed rows for the error report.
func (tx *Tx) insertImportErrors(ctx context.Context, importID int64, failures []*contactd.ImportError) error {
	var args []any
	var values []string
	flush := func() error {
		if len(values) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO contact_import_errors (workspace_id, import_id, row_number, error_field, error_code, error_message, raw)
			VALUES `+strings.Join(values, ", "), args...)
		args, values = args[:0], values[:0]
		if err != nil {
			return fmt.Errorf("record import errors: %w", err)
		}
		return nil
	}
	for _, f := range failures {
		if f == nil {
			continue
		}
		raw := f.Raw
		if raw == nil {
			raw = []string{}
		}
		values = append(values, placeholders(len(args)+1, 7))
		args = append(args, tx.actor.WorkspaceID, importID, f.Line, f.Field, f.Code, truncate(f.Message, 500), jsonArg(raw))
		if len(values) == bulkChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
