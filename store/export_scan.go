package store

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// Kinds of contact columns, for a lean read.
const (
	kindText = iota // text as stored
	kindJSON        // JSON text as stored (lists, custom_fields)
	kindInt         // id, version, merged_into (NULL allowed)
	kindBool        // dnc
	kindTime        // created_at, updated_at
)

var exportFieldKinds = map[string]int{
	"id": kindInt, "phone_e164": kindText, "first_name": kindText, "last_name": kindText, "email": kindText,
	"company": kindText, "city": kindText, "country": kindText, "tags": kindJSON, "custom_fields": kindJSON,
	"alt_phones": kindJSON, "alt_emails": kindJSON, "phone_country": kindText, "phone_type": kindText,
	"phone_timezones": kindJSON, "timezone": kindText, "dnc": kindBool, "status": kindText,
	"merged_into": kindInt, "version": kindInt, "created_at": kindTime, "updated_at": kindTime,
}

// ExportRow is one contact of a lean read: only the fields asked for, each
// as the database holds it (lists and custom fields as their JSON text,
// undecoded), in buffers that the next row reuses. Nothing of a row may be
// kept past the callback that receives it.
type ExportRow struct {
	cells []exportCell
}

type exportCell struct {
	kind int
	raw  []byte
	n    sql.NullInt64
	b    bool
	t    scanTime
}

func newExportRow(fields []string) (*ExportRow, []string, error) {
	r := &ExportRow{cells: make([]exportCell, len(fields))}
	cols := make([]string, len(fields))
	for i, f := range fields {
		kind, ok := exportFieldKinds[f]
		if !ok {
			return nil, nil, fmt.Errorf("lean read: unknown contact field %q", f)
		}
		r.cells[i].kind = kind
		cols[i] = "c." + f
	}
	return r, cols, nil
}

// Bytes is field i's text: a text field as stored, a list or custom_fields
// as its stored JSON (whose spacing differs between the engines).
func (r *ExportRow) Bytes(i int) []byte { return r.cells[i].raw }

// Int is field i's number; ok is false for a NULL (merged_into).
func (r *ExportRow) Int(i int) (n int64, ok bool) { return r.cells[i].n.Int64, r.cells[i].n.Valid }

// Bool is field i's truth (dnc).
func (r *ExportRow) Bool(i int) bool { return r.cells[i].b }

// Time is field i's time, in UTC.
func (r *ExportRow) Time(i int) time.Time { return r.cells[i].t.T }

// Rows calls fn for every contact of the snapshot in id order with only
// fields (contact field names, as in contactd.ContactFields), read from
// the same snapshot as Count: the lean path of exports, which decodes
// nothing it was not asked for. ExportRow's accessors take a field's index
// in fields. An error from fn stops the walk and is returned.
func (s *ExportSnapshot) Rows(fields []string, fn func(r *ExportRow) error) error {
	r, cols, err := newExportRow(fields)
	if err != nil {
		return err
	}
	maxKey, err := s.maxExportKey()
	if err != nil {
		return err
	}
	if s.pg {
		return s.pgRows(r, cols, fields, maxKey, fn)
	}
	return s.sqliteRows(r, cols, fields, maxKey, fn)
}

// pgPageRows is how many rows a page of PostgreSQL's stripes holds (a
// variable for tests).
var pgPageRows = 1024

// pgRows is Rows on PostgreSQL, read with pgx itself: database/sql would
// make a string of every text column, box it, and copy it again, which at a
// million rows took more CPU than PostgreSQL spent on the query. Each
// stripe's query runs on its transaction's own connection, inside the
// transaction (which is idle meanwhile); each value is the wire's bytes,
// text for text and JSON, binary for numbers, booleans and times, copied
// into pages of length-prefixed values.
func (s *ExportSnapshot) pgRows(r *ExportRow, cols, fields []string, maxKey int64, fn func(r *ExportRow) error) error {
	key, after := s.sel.order, s.sel.w.next()
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + s.sel.from + ` WHERE ` + s.sel.w.sql() +
		fmt.Sprintf(` AND %s > $%d AND %s <= $%d ORDER BY %s`, key, after, key, after+1, key)
	formats := pgx.QueryResultFormatsByOID{
		pgtype.Int8OID: pgx.BinaryFormatCode, pgtype.BoolOID: pgx.BinaryFormatCode, pgtype.TimestamptzOID: pgx.BinaryFormatCode,
	}
	read := func(tx *snapshotTx, st *stripe, c *stripes) (n int64, err error) {
		args := append(append([]any{formats}, s.sel.w.args...), st.lo, st.hi)
		err = tx.conn.Raw(func(dc any) error {
			conn, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("read contacts: the PostgreSQL connection is a %T, not pgx's", dc)
			}
			rows, err := conn.Conn().Query(s.ctx, q, args...)
			if err != nil {
				return fmt.Errorf("read contacts: %w", err)
			}
			defer rows.Close()
			p := &exportPage{buf: c.buffer()}
			for rows.Next() {
				vals := rows.RawValues()
				if len(vals) != len(cols) {
					return fmt.Errorf("read contacts: %d columns, want %d", len(vals), len(cols))
				}
				for _, v := range vals {
					p.buf = appendValue(p.buf, v)
				}
				p.n++
				if p.n == pgPageRows || len(p.buf) >= exportPageBytes {
					n += int64(p.n)
					if !c.send(st, p) {
						return nil
					}
					p = &exportPage{buf: c.buffer()}
				}
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("read contacts: %w", err)
			}
			if p.n > 0 {
				n += int64(p.n)
				c.send(st, p)
			}
			return nil
		})
		return n, err
	}
	return s.readStripes(int64(pgStripeRows), maxKey, read, func(p *exportPage) error {
		return r.eachPrefixed(p.buf, fields, (*exportCell).setWire, fn)
	})
}

// eachPrefixed calls fn for each row of a page of length-prefixed values
// (see appendValue), setting each cell with set.
func (r *ExportRow) eachPrefixed(b []byte, fields []string, set func(c *exportCell, v []byte) error, fn func(r *ExportRow) error) error {
	for len(b) > 0 {
		for i := range r.cells {
			l, k := binary.Uvarint(b)
			if k <= 0 || uint64(len(b)-k) < l-min(l, 1) {
				return fmt.Errorf("read contacts: a page cut short")
			}
			b = b[k:]
			var v []byte
			if l > 0 {
				v, b = b[:l-1:l-1], b[l-1:]
			}
			if err := set(&r.cells[i], v); err != nil {
				return fmt.Errorf("read contacts: %s: %w", fields[i], err)
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// pgEpoch is where PostgreSQL's binary timestamps count from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()

// setWire sets the cell from a PostgreSQL value in the formats pgRows asks
// for; v is nil for NULL.
func (c *exportCell) setWire(v []byte) error {
	switch c.kind {
	case kindText, kindJSON:
		c.raw = v
	case kindInt:
		c.n.Valid = v != nil
		if v != nil {
			if len(v) != 8 {
				return fmt.Errorf("binary bigint of %d bytes", len(v))
			}
			c.n.Int64 = int64(binary.BigEndian.Uint64(v))
		}
	case kindBool:
		if len(v) != 1 {
			return fmt.Errorf("binary boolean of %d bytes", len(v))
		}
		c.b = v[0] != 0
	case kindTime:
		c.t.Valid = v != nil
		if v != nil {
			if len(v) != 8 {
				return fmt.Errorf("binary timestamp of %d bytes", len(v))
			}
			c.t.T = time.UnixMicro(pgEpoch + int64(binary.BigEndian.Uint64(v))).UTC()
		}
	}
	return nil
}
