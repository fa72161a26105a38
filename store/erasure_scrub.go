package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/phone"
	"github.com/contactd/contactd/tabfile"
)

// person is what identifies one person across the database: the phones,
// emails and names of a contact and of every contact merged into it.
type person struct {
	ids    []int64
	phones []string // E.164
	emails []string // lower case
	names  []string // lower case, 3+ characters
	// digitForms are the ways a phone's digits are written: E.164 digits,
	// the national form with its trunk prefix, the national significant
	// number, and international dialling from abroad (00..., 011...).
	digitForms []string
}

func newPerson(cs []*contactd.Contact) *person {
	p := &person{}
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	for _, c := range cs {
		p.ids = append(p.ids, c.ID)
		for _, ph := range append([]string{c.PhoneE164}, c.AltPhones...) {
			if ph == "" {
				continue
			}
			add(&p.phones, ph)
			d := strings.TrimPrefix(ph, "+")
			add(&p.digitForms, d)
			add(&p.digitForms, "00"+d)
			add(&p.digitForms, "011"+d)
			if n, err := phone.Normalize(ph, ""); err == nil {
				add(&p.digitForms, phone.Digits(n.National))
			}
			if pn, err := phonenumbers.Parse(ph, ""); err == nil {
				add(&p.digitForms, phonenumbers.GetNationalSignificantNumber(pn))
			}
		}
		for _, e := range append([]string{c.Email}, c.AltEmails...) {
			add(&p.emails, strings.ToLower(strings.TrimSpace(e)))
		}
		for _, n := range []string{c.FirstName, c.LastName, strings.TrimSpace(c.FirstName + " " + c.LastName)} {
			n = strings.ToLower(strings.TrimSpace(n))
			if len([]rune(n)) >= 3 {
				add(&p.names, n)
			}
		}
	}
	return p
}

// holds reports whether a text (a cell, an audit value) carries one of the
// person's phones or emails, however the phone is punctuated. Names alone
// do not identify a row: other people share them.
func (p *person) holds(s string) bool {
	if s == "" {
		return false
	}
	lower := strings.ToLower(s)
	for _, e := range p.emails {
		if strings.Contains(lower, e) {
			return true
		}
	}
	d := phone.Digits(s)
	if len(d) < 6 {
		return false
	}
	for _, f := range p.digitForms {
		if d == f || (len(f) >= 8 && strings.Contains(d, f)) {
			return true
		}
	}
	return false
}

// named reports whether a text carries one of the person's names.
func (p *person) named(s string) bool {
	lower := strings.ToLower(s)
	for _, n := range p.names {
		if strings.Contains(lower, n) {
			return true
		}
	}
	return false
}

// rowHolds reports whether any cell of a row is the person's.
func (p *person) rowHolds(cells []string) bool {
	for _, c := range cells {
		if p.holds(c) {
			return true
		}
	}
	return false
}

// likeTerms are the substrings an SQL LIKE can look for to find candidate
// rows cheaply before Go decides: phone digits and emails.
func (p *person) likeTerms() []string {
	var out []string
	for _, ph := range p.phones {
		out = append(out, strings.TrimPrefix(ph, "+"))
	}
	for _, f := range p.digitForms {
		if len(f) >= 8 && !strings.HasPrefix(f, "0") {
			out = append(out, f)
		}
	}
	return append(out, p.emails...)
}

const erasedMark = "[erased]"

// scrubJSON replaces every string in v that holds the person (or, with
// names, one of their names) by "[erased]", keeping keys, numbers and the
// rest. It reports whether anything changed.
func scrubJSON(v any, p *person, names bool) (any, bool) {
	switch x := v.(type) {
	case string:
		if p.holds(x) || (names && p.named(x)) {
			return erasedMark, true
		}
		return x, false
	case []any:
		changed := false
		for i := range x {
			var c bool
			x[i], c = scrubJSON(x[i], p, names)
			changed = changed || c
		}
		return x, changed
	case map[string]any:
		changed := false
		for k, val := range x {
			nv, c := scrubJSON(val, p, names)
			if c {
				x[k] = nv
				changed = true
			}
		}
		return x, changed
	}
	return v, false
}

// auditCandidates finds the audit events that may hold the person: every
// event about their contacts, and any event whose details mention one of
// their phones or emails.
func (db *DB) auditCandidates(ctx context.Context, ws int64, p *person) ([]int64, error) {
	w := &where{}
	w.add("workspace_id = $%d", ws)
	var ors []string
	args := []any{}
	n := w.next()
	for _, id := range p.ids {
		ors = append(ors, fmt.Sprintf("contact_id = $%d", n))
		args = append(args, id)
		n++
	}
	for _, t := range p.likeTerms() {
		ors = append(ors, fmt.Sprintf(`LOWER(CAST(details AS TEXT)) LIKE $%d ESCAPE '\'`, n))
		args = append(args, "%"+escapeLike(strings.ToLower(t))+"%")
		n++
	}
	w.conds = append(w.conds, "("+strings.Join(ors, " OR ")+")")
	w.args = append(w.args, args...)
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM audit_events WHERE `+w.sql(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find audit events to scrub: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// scrubAudit rewrites the details of the candidate events without the
// person. Names are scrubbed only from events about the person's own
// contacts: elsewhere a name would match other people.
func (tx *Tx) scrubAudit(ctx context.Context, p *person, ids []int64) (int, error) {
	mine := map[int64]bool{}
	for _, id := range p.ids {
		mine[id] = true
	}
	n := 0
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{tx.actor.WorkspaceID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, contact_id, details FROM audit_events WHERE workspace_id = $1 AND id IN `+placeholders(2, len(chunk)), args...)
		if err != nil {
			return n, fmt.Errorf("read audit events to scrub: %w", err)
		}
		type change struct {
			id      int64
			details string
		}
		var changes []change
		for rows.Next() {
			var id int64
			var contact *int64
			var raw []byte
			if err := rows.Scan(&id, &contact, &raw); err != nil {
				rows.Close()
				return n, err
			}
			var v any
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			if err := d.Decode(&v); err != nil {
				rows.Close()
				return n, fmt.Errorf("audit event %d: %w", id, err)
			}
			if nv, changed := scrubJSON(v, p, contact != nil && mine[*contact]); changed {
				changes = append(changes, change{id, jsonArg(nv)})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		for _, c := range changes {
			if _, err := tx.ExecContext(ctx, `UPDATE audit_events SET details = $1 WHERE workspace_id = $2 AND id = $3`, c.details, tx.actor.WorkspaceID, c.id); err != nil {
				return n, fmt.Errorf("scrub audit event: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// errorRowKey names one row of an import's error report.
type errorRowKey struct {
	table    string
	importID int64
	row      int64
}

// errorRowsHolding scans the error reports of every import, contact and
// DNC, for rows whose original cells hold the person. Error reports keep a
// failed row's cells so the operator can fix it; the person's must go.
func (db *DB) errorRowsHolding(ctx context.Context, ws int64, p *person) ([]errorRowKey, error) {
	var out []errorRowKey
	for _, table := range []string{"contact_import_errors", "dnc_import_errors"} {
		rows, err := db.read.QueryContext(ctx, `SELECT import_id, row_number, raw, error_message FROM `+table+` WHERE workspace_id = $1`, ws)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", table, err)
		}
		for rows.Next() {
			var k errorRowKey
			var raw []byte
			var msg string
			if err := rows.Scan(&k.importID, &k.row, &raw, &msg); err != nil {
				rows.Close()
				return nil, err
			}
			var cells []string
			_ = json.Unmarshal(raw, &cells)
			if p.rowHolds(cells) || p.holds(msg) {
				k.table = table
				out = append(out, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (tx *Tx) scrubErrorRows(ctx context.Context, keys []errorRowKey) error {
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET raw = $1, error_message = $2 WHERE workspace_id = $3 AND import_id = $4 AND row_number = $5`,
			"[]", "the row's cells were removed when the person was erased (GDPR)", tx.actor.WorkspaceID, k.importID, k.row); err != nil {
			return fmt.Errorf("scrub error row: %w", err)
		}
	}
	return nil
}

// fileVerdict is what erasure does with one stored file.
type fileVerdict struct {
	id      int64
	rewrite int64 // the id of the file that replaces it, or 0 to delete it
}

// filesHolding finds the stored files (uploads of contact and DNC imports,
// exports) that hold the person. Files of imports still running are
// rewritten without the person's rows, which keep their place so that the
// import's progress still counts rows correctly; every other such file is
// deleted, since a finished import needs its file no more. The rewritten
// copies are stored before the erasure's transaction; fix swaps them in.
func (db *DB) filesHolding(ctx context.Context, ws int64, p *person, tempDir string) ([]fileVerdict, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name FROM files WHERE workspace_id = $1 AND complete = $2 ORDER BY id`, ws, true)
	if err != nil {
		return nil, fmt.Errorf("list stored files: %w", err)
	}
	type file struct {
		id   int64
		name string
	}
	var files []file
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.id, &f.name); err != nil {
			rows.Close()
			return nil, err
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []fileVerdict
	for _, f := range files {
		held, rewritten, err := db.scanFile(ctx, ws, f.id, f.name, p, tempDir)
		if err != nil {
			for _, v := range out {
				if v.rewrite > 0 {
					_ = db.DeleteFile(context.WithoutCancel(ctx), v.rewrite)
				}
			}
			return nil, err
		}
		if held {
			out = append(out, fileVerdict{id: f.id, rewrite: rewritten})
		}
	}
	return out, nil
}

// activeFile reports whether a running or queued import reads the file.
func (db *DB) activeFile(ctx context.Context, ws, fileID int64) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM contact_imports WHERE workspace_id = $1 AND file_id = $2 AND status IN ('queued', 'running'))
		     + (SELECT count(*) FROM dnc_imports WHERE workspace_id = $1 AND file_id = $2 AND status IN ('queued', 'running'))`,
		ws, fileID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("find imports of file: %w", err)
	}
	return n > 0, nil
}

// scanFile reads one stored file and reports whether it holds the person;
// when it does and an import still needs it, it stores a rewritten copy.
func (db *DB) scanFile(ctx context.Context, ws, id int64, name string, p *person, tempDir string) (held bool, rewritten int64, err error) {
	f, err := os.CreateTemp(tempDir, "contactd-erase-*")
	if err != nil {
		return false, 0, fmt.Errorf("scan stored file: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	size, err := db.CopyFile(ctx, id, f)
	if contactd.ErrorCode(err) == contactd.ENotFound {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	rd, err := tabfile.Open(f, size, tabfile.Options{})
	if err != nil {
		// Not a table (JSON lines, or damaged): look for the person's
		// phones and emails in the raw bytes.
		return db.scanRaw(f, p)
	}
	defer rd.Close()
	info := rd.Info()
	held = p.rowHolds(info.RawHeaders)
	for !held {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return db.scanRaw(f, p)
		}
		held = p.rowHolds(r.Fields) || p.rowHolds(r.Extra)
	}
	if !held {
		return false, 0, nil
	}
	active, err := db.activeFile(ctx, ws, id)
	if err != nil || !active {
		return true, 0, err
	}
	if p.holds(name) || p.named(name) {
		name = erasedMark
	}
	rewritten, err = db.rewriteFile(ctx, f, size, name, p, tempDir)
	return true, rewritten, err
}

func (db *DB) scanRaw(f *os.File, p *person) (bool, int64, error) {
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return false, 0, err
	}
	lower := bytes.ToLower(b)
	for _, t := range append(append([]string{}, p.phones...), p.likeTerms()...) {
		if bytes.Contains(lower, []byte(strings.ToLower(t))) {
			return true, 0, nil
		}
	}
	return false, 0, nil
}

// rewriteFile stores a CSV copy of a table file in which every cell of the
// person's rows reads "[erased]": the rows keep their place (a resumed
// import skips by row count) but fail as invalid.
func (db *DB) rewriteFile(ctx context.Context, f *os.File, size int64, name string, p *person, tempDir string) (int64, error) {
	rd, err := tabfile.Open(f, size, tabfile.Options{})
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	out, err := os.CreateTemp(tempDir, "contactd-rewrite-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		out.Close()
		os.Remove(out.Name())
	}()
	w := csv.NewWriter(out)
	blank := func(cells []string) []string {
		if !p.rowHolds(cells) {
			return cells
		}
		b := make([]string, len(cells))
		for i := range b {
			b[i] = erasedMark
		}
		return b
	}
	info := rd.Info()
	if err := w.Write(blank(info.RawHeaders)); err != nil {
		return 0, err
	}
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		if err := w.Write(blank(append(r.Fields, r.Extra...))); err != nil {
			return 0, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, err
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	stored, err := db.StoreFile(ctx, name, out, 1<<40)
	if err != nil {
		return 0, err
	}
	return stored.ID, nil
}

// applyFileVerdicts swaps rewritten files in and deletes the others, with
// the imports that pointed at them keeping their counts. An upload named
// after the person ("zebulon-leads.csv") loses its name too.
func (tx *Tx) applyFileVerdicts(ctx context.Context, p *person, verdicts []fileVerdict) error {
	for _, v := range verdicts {
		var repl any
		if v.rewrite > 0 {
			repl = v.rewrite
		}
		for _, table := range []string{"contact_imports", "dnc_imports"} {
			if err := tx.scrubFilenames(ctx, p, table, v.id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET file_id = $1 WHERE workspace_id = $2 AND file_id = $3`,
				repl, tx.actor.WorkspaceID, v.id); err != nil {
				return fmt.Errorf("repoint %s file: %w", table, err)
			}
		}
		// A completed export whose file goes must not point at it: its
		// download then answers that the file is gone (410, export again)
		// instead of a 404 for an export that exists.
		if _, err := tx.ExecContext(ctx, `UPDATE contact_exports SET file_id = NULL WHERE workspace_id = $1 AND file_id = $2`,
			tx.actor.WorkspaceID, v.id); err != nil {
			return fmt.Errorf("detach export file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE workspace_id = $1 AND file_id = $2`, tx.actor.WorkspaceID, v.id); err != nil {
			return fmt.Errorf("delete file chunks: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, v.id); err != nil {
			return fmt.Errorf("delete file: %w", err)
		}
	}
	return nil
}

// scrubFilenames renames the imports of a file that holds the person when
// their file name mentions the person.
func (tx *Tx) scrubFilenames(ctx context.Context, p *person, table string, fileID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, filename FROM `+table+` WHERE workspace_id = $1 AND file_id = $2`, tx.actor.WorkspaceID, fileID)
	if err != nil {
		return fmt.Errorf("read %s file names: %w", table, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		if p.holds(name) || p.named(name) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET filename = $1 WHERE workspace_id = $2 AND id = $3`, erasedMark, tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("scrub %s file name: %w", table, err)
		}
	}
	return nil
}
