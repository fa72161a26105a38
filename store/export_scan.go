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
	dest  []any
	page  []byte // the packed page the cells point into (SQLite)
}

type exportCell struct {
	kind int
	raw  sql.RawBytes
	n    sql.NullInt64
	b    bool
	t    scanTime
}

func newExportRow(fields []string) (*ExportRow, []string, error) {
	r := &ExportRow{cells: make([]exportCell, len(fields)), dest: make([]any, len(fields))}
	cols := make([]string, len(fields))
	for i, f := range fields {
		kind, ok := exportFieldKinds[f]
		if !ok {
			return nil, nil, fmt.Errorf("lean read: unknown contact field %q", f)
		}
		c := &r.cells[i]
		c.kind = kind
		cols[i] = "c." + f
		switch kind {
		case kindText, kindJSON:
			r.dest[i] = &c.raw
		case kindInt:
			r.dest[i] = &c.n
		case kindBool:
			r.dest[i] = &c.b
		case kindTime:
			r.dest[i] = &c.t
		}
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
	if s.pg {
		return s.pgRows(fields, fn)
	}
	return s.sqliteRows(fields, fn)
}

// pgRows is Rows on PostgreSQL, read with pgx itself: database/sql would
// make a string of every text column, box it, and copy it again, which at a
// million rows took more CPU than PostgreSQL spent on the query. The query
// runs on the snapshot's own connection, inside its transaction (tx began
// it there and is idle while this runs); each value is the wire's bytes,
// text for text and JSON, binary for numbers, booleans and times.
func (s *ExportSnapshot) pgRows(fields []string, fn func(r *ExportRow) error) error {
	r, cols, err := newExportRow(fields)
	if err != nil {
		return err
	}
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + s.sel.from + ` WHERE ` + s.sel.w.sql() + ` ORDER BY ` + s.sel.order
	args := append([]any{pgx.QueryResultFormatsByOID{
		pgtype.Int8OID: pgx.BinaryFormatCode, pgtype.BoolOID: pgx.BinaryFormatCode, pgtype.TimestamptzOID: pgx.BinaryFormatCode,
	}}, s.sel.w.args...)
	return s.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("read contacts: the PostgreSQL connection is a %T, not pgx's", dc)
		}
		rows, err := c.Conn().Query(s.ctx, q, args...)
		if err != nil {
			return fmt.Errorf("read contacts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			vals := rows.RawValues()
			if len(vals) != len(r.cells) {
				return fmt.Errorf("read contacts: %d columns, want %d", len(vals), len(r.cells))
			}
			for i, v := range vals {
				if err := r.cells[i].setWire(v); err != nil {
					return fmt.Errorf("read contacts: %s: %w", fields[i], err)
				}
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read contacts: %w", err)
		}
		return nil
	})
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
