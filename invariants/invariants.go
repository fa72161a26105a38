// Package invariants checks, with plain SQL on a contactd database, the
// promises that must hold whatever happened to the server: a kill -9, a
// restarted database server, or many clients at once. The crash tests and
// the concurrency soak run it after the fact; it reads the database
// directly rather than through the API, so that it sees rows the API would
// hide (tombstones, stored files, merge state, the job queue).
package invariants

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	_ "github.com/contactd/contactd/store" // registers the "pgx" and "sqlite" drivers
)

// Person is what an erased person was known by. None of it may be left
// anywhere in the database once the person is erased. Use values that are
// specific to the person (a made-up last name, not "Sharma"), or the check
// finds other people who share them.
type Person struct {
	ContactID int64
	Phones    []string // E.164; the national digits are looked for too
	Emails    []string
	Names     []string
}

// Options say what else to check.
type Options struct {
	// Erased people: their data must be gone from every table.
	Erased []Person
	// Lease is the job lease of the servers; a job still running with a
	// lease that lapsed longer than this ago is stuck. Zero skips the check.
	Lease time.Duration
	// Settled requires every import and export to have ended (completed,
	// failed or cancelled), no job to be running, and no stored file to be
	// left incomplete: nothing is in flight when the check runs.
	Settled bool
}

// Open opens the database of dsn (a postgres:// URL, else a SQLite file)
// for checking: read-only on SQLite, whose WAL lets it read while a server
// writes.
func Open(dsn string) (*sql.DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(2)
		return db, nil
	}
	db, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// Check runs every check and returns what it found broken, one sentence a
// violation (nil when all hold). An error means a check could not run.
func Check(ctx context.Context, db *sql.DB, opts Options) ([]string, error) {
	c := &checker{ctx: ctx, db: db}
	c.pg = c.isPostgres()
	for _, fn := range []func(Options) error{
		c.mergedIntoActive, c.onePhoneLive, c.mergesWhole, c.importCounts, c.jobs, c.files, c.erased,
	} {
		if err := fn(opts); err != nil {
			return c.found, err
		}
	}
	return c.found, nil
}

type checker struct {
	ctx   context.Context
	db    *sql.DB
	pg    bool
	found []string
}

func (c *checker) isPostgres() bool {
	var v string
	return c.db.QueryRowContext(c.ctx, `SELECT version()`).Scan(&v) == nil && strings.Contains(v, "PostgreSQL")
}

func (c *checker) violation(format string, args ...any) {
	if len(c.found) < 50 {
		c.found = append(c.found, fmt.Sprintf(format, args...))
	}
}

// rows runs q and calls fn with each row's scan.
func (c *checker) rows(q string, fn func(scan func(...any) error) error, args ...any) error {
	rs, err := c.db.QueryContext(c.ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(strings.Fields(q), " "), err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs.Scan); err != nil {
			return err
		}
	}
	return rs.Err()
}

// mergedIntoActive: a merged contact points to a live contact of its own
// workspace (merges repoint earlier secondaries to the newest primary).
func (c *checker) mergedIntoActive(Options) error {
	return c.rows(`
		SELECT m.workspace_id, m.id, m.merged_into, COALESCE(p.status, '(missing)')
		FROM contacts m LEFT JOIN contacts p ON p.workspace_id = m.workspace_id AND p.id = m.merged_into
		WHERE m.status = 'merged' AND (m.merged_into IS NULL OR p.status IS NULL OR p.status <> 'active')`,
		func(scan func(...any) error) error {
			var ws, id int64
			var into sql.NullInt64
			var status string
			if err := scan(&ws, &id, &into, &status); err != nil {
				return err
			}
			c.violation("workspace %d: contact %d is merged into contact %v, which is %s, not active", ws, id, into.Int64, status)
			return nil
		})
}

// onePhoneLive: at most one active contact per phone per workspace.
func (c *checker) onePhoneLive(Options) error {
	return c.rows(`
		SELECT workspace_id, phone_e164, count(*) FROM contacts WHERE status = 'active'
		GROUP BY workspace_id, phone_e164 HAVING count(*) > 1`,
		func(scan func(...any) error) error {
			var ws, n int64
			var ph string
			if err := scan(&ws, &ph, &n); err != nil {
				return err
			}
			c.violation("workspace %d: %d active contacts have phone %q", ws, n, ph)
			return nil
		})
}

// mergesWhole: a merge that is recorded (and not undone) was applied whole:
// each of its secondaries is merged (or erased since), none is still active.
func (c *checker) mergesWhole(Options) error {
	type merge struct {
		ws, id, primary int64
		secs            []int64
	}
	var ms []merge
	err := c.rows(`SELECT workspace_id, id, primary_id, secondary_ids FROM contact_merges WHERE undone_at IS NULL`,
		func(scan func(...any) error) error {
			var m merge
			var secs []byte
			if err := scan(&m.ws, &m.id, &m.primary, &secs); err != nil {
				return err
			}
			if err := json.Unmarshal(secs, &m.secs); err != nil {
				return fmt.Errorf("merge %d secondary_ids %q: %w", m.id, secs, err)
			}
			ms = append(ms, m)
			return nil
		})
	if err != nil {
		return err
	}
	for _, m := range ms {
		for _, s := range m.secs {
			var status string
			err := c.db.QueryRowContext(c.ctx, `SELECT status FROM contacts WHERE workspace_id = $1 AND id = $2`, m.ws, s).Scan(&status)
			if err != nil {
				c.violation("workspace %d: merge %d names secondary %d, which cannot be read: %v", m.ws, m.id, s, err)
				continue
			}
			if status != "merged" && status != "erased" {
				c.violation("workspace %d: merge %d of %d into %d is recorded, but contact %d is %s: the merge was applied in part", m.ws, m.id, s, m.primary, s, status)
			}
		}
	}
	return nil
}

// importCounts: what an import reports adds up, and an ended import
// processed every row it counted.
func (c *checker) importCounts(Options) error {
	return c.rows(`
		SELECT workspace_id, id, status, total_rows, processed_rows, created, updated, skipped, failed FROM contact_imports`,
		func(scan func(...any) error) error {
			var ws, id, total, processed, created, updated, skipped, failed int64
			var status string
			if err := scan(&ws, &id, &status, &total, &processed, &created, &updated, &skipped, &failed); err != nil {
				return err
			}
			if created+updated+skipped+failed != processed {
				c.violation("workspace %d: import %d (%s) processed %d rows but counts created %d + updated %d + skipped %d + failed %d",
					ws, id, status, processed, created, updated, skipped, failed)
			}
			if status == "completed" && processed != total {
				c.violation("workspace %d: import %d completed with %d of %d rows processed", ws, id, processed, total)
			}
			if processed > total && total > 0 {
				c.violation("workspace %d: import %d processed %d rows of %d", ws, id, processed, total)
			}
			return nil
		})
}

// jobs: no job is stuck running on a lease that lapsed long ago; when
// settled, nothing runs and every import and export has ended.
func (c *checker) jobs(o Options) error {
	now := time.Now().UTC()
	err := c.rows(`SELECT workspace_id, id, kind, ref_id, status, lease_until FROM jobs WHERE status = 'running'`,
		func(scan func(...any) error) error {
			var ws, id, ref int64
			var kind, status string
			var until any
			if err := scan(&ws, &id, &kind, &ref, &status, &until); err != nil {
				return err
			}
			if o.Settled {
				c.violation("workspace %d: job %d (%s %d) is still running", ws, id, kind, ref)
				return nil
			}
			t, ok := asTime(until)
			if o.Lease > 0 && (!ok || now.Sub(t) > 2*o.Lease+5*time.Second) {
				c.violation("workspace %d: job %d (%s %d) is running on a lease that ended at %v, longer than twice the lease (%v) ago: nobody took it over",
					ws, id, kind, ref, until, o.Lease)
			}
			return nil
		})
	if err != nil || !o.Settled {
		return err
	}
	for _, table := range []string{"contact_imports", "contact_exports", "dnc_imports"} {
		err := c.rows(`SELECT workspace_id, id, status FROM `+table+` WHERE status NOT IN ('completed', 'failed', 'cancelled')`,
			func(scan func(...any) error) error {
				var ws, id int64
				var status string
				if err := scan(&ws, &id, &status); err != nil {
					return err
				}
				c.violation("workspace %d: %s %d is %s, want completed, failed or cancelled", ws, strings.TrimSuffix(table, "s"), id, status)
				return nil
			})
		if err != nil {
			return err
		}
	}
	return nil
}

func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		return t, err == nil
	case []byte:
		t, err := time.Parse(time.RFC3339Nano, string(x))
		return t, err == nil
	}
	return time.Time{}, false
}

// files: a complete stored file is exactly its chunks (size and SHA-256);
// a completed export's file exists and is complete; when settled, no
// incomplete file is left behind.
func (c *checker) files(o Options) error {
	type file struct {
		ws, id, size int64
		sum, name    string
		complete     bool
	}
	var fs []file
	err := c.rows(`SELECT workspace_id, id, size_bytes, sha256, name, complete FROM files ORDER BY workspace_id, id`,
		func(scan func(...any) error) error {
			var f file
			if err := scan(&f.ws, &f.id, &f.size, &f.sum, &f.name, &f.complete); err != nil {
				return err
			}
			fs = append(fs, f)
			return nil
		})
	if err != nil {
		return err
	}
	for _, f := range fs {
		if !f.complete {
			if o.Settled {
				c.violation("workspace %d: stored file %d (%s) was left incomplete", f.ws, f.id, f.name)
			}
			continue
		}
		h := sha256.New()
		var size, seqs, last int64 = 0, 0, -1
		err := c.rows(`SELECT seq, data FROM file_chunks WHERE workspace_id = $1 AND file_id = $2 ORDER BY seq`,
			func(scan func(...any) error) error {
				var seq int64
				var data []byte
				if err := scan(&seq, &data); err != nil {
					return err
				}
				if seq != last+1 {
					c.violation("workspace %d: stored file %d (%s) has chunk %d after chunk %d", f.ws, f.id, f.name, seq, last)
				}
				last = seq
				seqs++
				size += int64(len(data))
				h.Write(data)
				return nil
			}, f.ws, f.id)
		if err != nil {
			return err
		}
		if sum := hex.EncodeToString(h.Sum(nil)); size != f.size || sum != f.sum {
			c.violation("workspace %d: stored file %d (%s) says %d bytes, SHA-256 %s; its %d chunks hold %d bytes, SHA-256 %s",
				f.ws, f.id, f.name, f.size, f.sum, seqs, size, sum)
		}
	}
	return c.rows(`
		SELECT e.workspace_id, e.id, e.file_id, COALESCE(f.complete, false), f.id IS NULL
		FROM contact_exports e LEFT JOIN files f ON f.workspace_id = e.workspace_id AND f.id = e.file_id
		WHERE e.status = 'completed' AND e.file_id IS NOT NULL`,
		func(scan func(...any) error) error {
			var ws, id, fid int64
			var complete, missing bool
			if err := scan(&ws, &id, &fid, &complete, &missing); err != nil {
				return err
			}
			if missing || !complete {
				c.violation("workspace %d: export %d is completed with file %d, which is missing or incomplete", ws, id, fid)
			}
			return nil
		})
}

// erased: none of an erased person's phones, emails or names is in any
// column of any table, stored files and merge state included, and their
// contacts are tombstones.
func (c *checker) erased(o Options) error {
	if len(o.Erased) == 0 {
		return nil
	}
	type needle struct {
		text  string
		who   int64
		fold  bool // compare lower-cased
		label string
	}
	var needles []needle
	for _, p := range o.Erased {
		var status string
		err := c.db.QueryRowContext(c.ctx, `SELECT status FROM contacts WHERE id = $1`, p.ContactID).Scan(&status)
		if err != nil {
			c.violation("erased contact %d cannot be read: %v", p.ContactID, err)
		} else if status != "erased" {
			c.violation("erased contact %d is %s, not erased", p.ContactID, status)
		}
		for _, ph := range p.Phones {
			needles = append(needles, needle{ph, p.ContactID, false, "phone"})
			if d := strings.TrimPrefix(ph, "+"); len(d) > 10 {
				needles = append(needles, needle{d[len(d)-10:], p.ContactID, false, "phone digits"})
			}
		}
		for _, e := range p.Emails {
			needles = append(needles, needle{strings.ToLower(e), p.ContactID, true, "email"})
		}
		for _, n := range p.Names {
			needles = append(needles, needle{strings.ToLower(n), p.ContactID, true, "name"})
		}
	}
	tables, err := c.tables()
	if err != nil {
		return err
	}
	for _, table := range tables {
		rs, err := c.db.QueryContext(c.ctx, `SELECT * FROM `+table)
		if err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				rs.Close()
				return fmt.Errorf("read %s: %w", table, err)
			}
			for i, v := range vals {
				var b []byte
				switch x := v.(type) {
				case nil:
					continue
				case []byte:
					b = x
				case string:
					b = []byte(x)
				default:
					continue // numbers, times, booleans hold no one's data
				}
				lower := bytes.ToLower(b)
				for _, n := range needles {
					hay := b
					if n.fold {
						hay = lower
					}
					if bytes.Contains(hay, []byte(n.text)) {
						c.violation("erased contact %d: its %s %q is still in %s.%s", n.who, n.label, n.text, table, cols[i])
					}
				}
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
	}
	return nil
}

// tables lists the tables of the database (the current schema on
// PostgreSQL), SQLite's full-text index tables included.
func (c *checker) tables() ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if c.pg {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	var out []string
	err := c.rows(q, func(scan func(...any) error) error {
		var n string
		if err := scan(&n); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	sort.Strings(out)
	return out, err
}
