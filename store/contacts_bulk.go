package store

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/contactd/contactd"
)

// bulkChunk is how many rows one multi-row INSERT carries: 21 columns x 200
// rows stays far below both engines' parameter limits.
const bulkChunk = 200

// contactChunk is how many contacts one INSERT carries. Bigger is cheaper
// up to a point because SQLite's FTS5 writes its pending index terms to
// disk as a new segment at the start of every statement of the
// transaction: 200-row statements made ten small segments per batch and
// most of the search index's cost was merging them again. Smaller keeps
// memory down: SQLite's writer journals, in memory (see Open), every page
// a statement changes until the statement ends. Importing 100,000 rows
// into 1.14M contacts, 1,500-row INSERTs (spread over nine indexes) put
// the server's peak RSS at 148 MB (155 in the bench's 300,000), 500-row
// ones at 130 MB, at the same speed within the noise (1,610-1,930 rows/s
// against 1,870).
const contactChunk = 500

// CreateContacts validates and inserts many new contacts in one transaction.
// Each input gets a result: its new id, or the error that kept it out
// (validation, or EConflict with ExistingID when its phone is live already or
// earlier in the same batch, EErased for an erased person). The error
// return is for failures of the whole batch, after which nothing was
// written.
func (db *DB) CreateContacts(ctx context.Context, inputs []contactd.ContactInput) ([]contactd.BatchResult, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	results := make([]contactd.BatchResult, len(inputs))
	built := make([]*contactd.Contact, len(inputs))
	docs := make([]string, len(inputs))
	buildParallel(len(inputs), func(i int) {
		c, nationals, err := buildContact(inputs[i], ws.DefaultRegion)
		if err != nil {
			results[i].Err = err
			return
		}
		built[i], docs[i] = c, searchDoc(c, nationals)
	})
	err = db.inTx(ctx, func(tx *Tx) error {
		refused, err := refuseErased(ctx, tx, tx.actor.WorkspaceID, built)
		if err != nil {
			return err
		}
		for i, e := range refused {
			if e != nil {
				results[i].Err, built[i] = e, nil
			}
		}
		// Phones already live, or repeated within the batch, conflict.
		var phones []string
		for _, c := range built {
			if c != nil {
				phones = append(phones, c.PhoneE164)
			}
		}
		owners, err := tx.liveOwners(ctx, phones)
		if err != nil {
			return err
		}
		firstInBatch := map[string]int{}
		var rows []int
		for i, c := range built {
			if c == nil {
				continue
			}
			if owner, ok := owners[c.PhoneE164]; ok {
				results[i].Err = phoneConflict(c.PhoneE164, owner)
				continue
			}
			if _, dup := firstInBatch[c.PhoneE164]; dup {
				continue // resolved once the first one has its id
			}
			firstInBatch[c.PhoneE164] = i
			rows = append(rows, i)
		}
		for start := 0; start < len(rows); start += contactChunk {
			chunk := rows[start:min(start+contactChunk, len(rows))]
			if err := tx.insertContactChunk(ctx, chunk, built, docs, results, nil); err != nil {
				return err
			}
		}
		inserted := contactsAt(built, rows)
		fresh := make(map[int64]bool, len(inserted))
		for _, c := range inserted {
			fresh[c.ID] = true
		}
		if err := tx.refreshMatchKeysOf(ctx, inserted, fresh); err != nil {
			return err
		}
		for i, c := range built {
			if c == nil || results[i].Err != nil || results[i].ID != 0 {
				continue
			}
			first := firstInBatch[c.PhoneE164]
			results[i].Err = phoneConflict(c.PhoneE164, results[first].ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// buildParallel runs fn for 0..n-1 on every core: phone parsing is the cost
// of a bulk create, and it needs no database.
func buildParallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 64 || workers == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// liveOwners maps each of phones that an active contact holds to that contact.
func (tx *Tx) liveOwners(ctx context.Context, phones []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(phones) == 0 {
		return out, nil
	}
	head, list := tx.db.valueJoin(2, phones)
	rows, err := tx.QueryContext(ctx, `
		SELECT c.phone_e164, c.id FROM `+head+` contacts c ON c.workspace_id = $1 AND c.phone_e164 = v.value
		WHERE c.status = 'active'`, tx.actor.WorkspaceID, list)
	if err != nil {
		return nil, fmt.Errorf("find live phones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var id int64
		if err := rows.Scan(&p, &id); err != nil {
			return nil, err
		}
		out[p] = id
	}
	return out, rows.Err()
}

// insertContactChunk inserts the contacts at idx with one statement each for
// contacts, tags and audit events. RETURNING order is not promised by SQLite,
// so ids are matched back by phone, which is unique within the chunk.
// provenance, when set, adds to each contact's audit event where it came
// from (an import and its row).
func (tx *Tx) insertContactChunk(ctx context.Context, idx []int, built []*contactd.Contact, docs []string, results []contactd.BatchResult, provenance func(i int) map[string]any) error {
	ins := newBulkInsert("contacts", "workspace_id bigint", "phone_e164 text", "first_name text", "last_name text",
		"email text", "company text", "city text", "country text", "timezone text", "tags jsonb", "custom_fields jsonb",
		"alt_phones jsonb", "alt_emails jsonb", "phone_country text", "phone_type text", "phone_timezones jsonb",
		"status text", "version bigint", "created_at timestamptz", "updated_at timestamptz", "search_doc text")
	byPhone := make(map[string]int, len(idx))
	for _, i := range idx {
		c := built[i]
		c.WorkspaceID, c.Status, c.Version, c.CreatedAt, c.UpdatedAt = tx.actor.WorkspaceID, contactd.StatusActive, 1, tx.now, tx.now
		ins.add(c.WorkspaceID, c.PhoneE164, c.FirstName, c.LastName, c.Email, c.Company, c.City,
			c.Country, c.Timezone, jsonArg(c.Tags), jsonArg(c.CustomFields), jsonArg(c.AltPhones), jsonArg(c.AltEmails),
			c.PhoneCountry, c.PhoneType, jsonArg(c.PhoneTimezones), c.Status, c.Version,
			timeArg(c.CreatedAt), timeArg(c.UpdatedAt), docs[i])
		byPhone[c.PhoneE164] = i
	}
	q, args := ins.sql(tx.db.dialect.name(), "RETURNING id, phone_e164")
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("insert contacts: %w", err)
	}
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return err
		}
		i := byPhone[p]
		results[i].ID, built[i].ID = id, id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert contacts: %w", err)
	}
	tags := newRowBatch(tx, "insert tags", "contact_tags", "workspace_id bigint", "tag text", "contact_id bigint")
	audits := newRowBatch(tx, "insert audit events", "audit_events", "workspace_id bigint", "action text",
		"actor_key_id bigint", "contact_id bigint", "details jsonb", "at timestamptz")
	var key any
	if tx.actor.KeyID > 0 {
		key = tx.actor.KeyID
	}
	for _, i := range idx {
		c := built[i]
		for _, t := range c.Tags {
			if err := tags.add(ctx, c.WorkspaceID, strings.ToLower(t), c.ID); err != nil {
				return err
			}
		}
		details := map[string]any{"fields": setFields(c), "bulk": true}
		if provenance != nil {
			for k, v := range provenance(i) {
				details[k] = v
			}
		}
		if err := audits.add(ctx, c.WorkspaceID, contactd.ActionContactCreated, key, c.ID, jsonArg(details), timeArg(tx.now)); err != nil {
			return err
		}
	}
	if err := tags.flush(ctx); err != nil {
		return err
	}
	return audits.flush(ctx)
}

// rowBatch gathers the rows of one multi-row INSERT and runs it whenever
// it holds bulkChunk rows, and at flush.
type rowBatch struct {
	tx   *Tx
	ins  *bulkInsert
	what string // for errors: "insert tags"
}

// newRowBatch batches rows into table; cols are "name pgtype" as for
// newBulkInsert.
func newRowBatch(tx *Tx, what, table string, cols ...string) *rowBatch {
	return &rowBatch{tx: tx, ins: newBulkInsert(table, cols...), what: what}
}

func (b *rowBatch) add(ctx context.Context, row ...any) error {
	b.ins.add(row...)
	if b.ins.len() >= bulkChunk {
		return b.flush(ctx)
	}
	return nil
}

func (b *rowBatch) flush(ctx context.Context) error {
	if b.ins.len() == 0 {
		return nil
	}
	q, args := b.ins.sql(b.tx.db.dialect.name(), "")
	_, err := b.tx.ExecContext(ctx, q, args...)
	b.ins.reset()
	if err != nil {
		return fmt.Errorf("%s: %w", b.what, err)
	}
	return nil
}

// placeholders returns "($from, ..., $from+n-1)".
func placeholders(from, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	b.WriteByte(')')
	return b.String()
}
