package store

import (
	"bytes"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sqlitePackRows is how many contacts one packed read of SQLite returns at
// most (a variable so that a test can cross many pages with few contacts).
var sqlitePackRows = 512

// Separators of a packed page: ASCII's record and unit separators.
const (
	packRowSep   = 0x1e
	packFieldSep = 0x1f
)

// sqliteRows is Rows on SQLite, read a page of contacts at a time, each
// page packed by SQLite into one text value: the rows joined by the record
// separator, each row its fields joined by the unit separator.
// Through database/sql and modernc each value of each row cost three calls
// into the engine (type, text, length), each taking the connection's mutex,
// and a string: at a dozen fields that was most of an export's CPU. Packed,
// a page is one value, and SQLite's concat_ws builds it for less than half
// the CPU.
//
// The pages are keyset pages on the selection's order within each stripe
// (see readStripes), all inside the snapshot's transactions, so they read
// one snapshot. The reading runs in goroutines of its own, so that on two
// cores SQLite and the file's formatting no longer take turns. Text may
// hold the separators: a page whose separators are not exactly those of its
// rows and fields is read again column by column (plainPage), so such text
// costs time, never a wrong row.
func (s *ExportSnapshot) sqliteRows(r *ExportRow, cols, fields []string, maxKey int64, fn func(r *ExportRow) error) error {
	packed := make([]string, len(cols))
	for i, c := range cols {
		switch packed[i] = c; r.cells[i].kind {
		case kindInt:
			packed[i] = "ifnull(" + c + ", '')" // concat_ws leaves out a NULL
		case kindBool:
			// A constant: SQLite would make text of the number in a new buffer.
			packed[i] = "CASE WHEN " + c + " THEN '1' ELSE '0' END"
		}
	}
	key, page := s.sel.order, sqlitePage(s.sel)
	q := `SELECT group_concat(r, char(30)), count(*), max(k) FROM (SELECT ` + key + ` AS k, concat_ws(char(31), ` +
		strings.Join(packed, ", ") + `) AS r` + page + `)`
	plain := `SELECT ` + strings.Join(cols, ", ") + page
	read := func(tx *snapshotTx, st *stripe, c *stripes) (int64, error) {
		limit := sqlitePackRows
		args := append(append([]any{}, s.sel.w.args...), st.lo, st.hi, limit)
		var read int64
		for {
			p, last, err := s.packedPage(tx, q, args, c.buffer())
			if err != nil || p.n == 0 {
				return read, err
			}
			if !packedPageOK(p.buf, p.n, len(cols)) {
				if p, err = s.plainPage(tx, plain, args, p.n, p.buf[:0]); err != nil {
					return read, err
				}
			}
			read += int64(p.n)
			if !c.send(st, p) || p.n < limit {
				return read, nil
			}
			// Big rows (custom fields) make shorter pages.
			limit = max(16, min(sqlitePackRows, exportPageBytes*p.n/max(1, len(p.buf))))
			args[len(args)-3], args[len(args)-1] = last, limit
		}
	}
	return s.readStripes(int64(sqliteStripeRows), maxKey, read, func(p *exportPage) error {
		if p.packed {
			return r.eachPacked(p.buf, p.n, fields, fn)
		}
		return r.eachPrefixed(p.buf, fields, (*exportCell).setText, fn)
	})
}

// sqlitePage is the FROM ... LIMIT of one page of sel: the keys after one
// parameter and up to the next, in key order, as many as a third.
func sqlitePage(sel *selection) string {
	from, key, after := sel.from, sel.order, sel.w.next()
	if sel.pageFrom != "" {
		from = sel.pageFrom
	}
	return opaqueParams(` FROM ` + from + ` WHERE ` + sel.w.sql() + fmt.Sprintf(` AND %s > $%d AND %s <= $%d ORDER BY %s LIMIT $%d`,
		key, after, key, after+1, key, after+2))
}

// packedPage reads one packed page of q into buf and returns it with its
// last key.
func (s *ExportSnapshot) packedPage(tx *snapshotTx, q string, args []any, buf []byte) (*exportPage, int64, error) {
	p := &exportPage{packed: true}
	rows, err := tx.tx.QueryContext(s.ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("read contacts: %w", err)
	}
	var raw sql.RawBytes
	var last sql.NullInt64
	if rows.Next() {
		err = rows.Scan(&raw, &p.n, &last)
	}
	if err == nil {
		err = rows.Err()
	}
	// RawBytes lasts until Close: the page is copied out first.
	p.buf = append(buf, raw...)
	rows.Close()
	if err != nil {
		return nil, 0, fmt.Errorf("read contacts: %w", err)
	}
	return p, last.Int64, nil
}

// opaqueParams writes each $N placeholder of q outside string literals as
// +$N, which SQLite reads as the same value. Its planner peeks at some bound
// values while it plans (an integer 0 or 1 compared for equality, STAT4's
// samples) and then marks the statement to be planned again whenever that
// parameter is bound anew: with workspace 1, every page of an export was
// parsed and planned again. Behind a + the planner sees an expression, and
// plans the page once, as for any value.
func opaqueParams(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	inString := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inString = !inString
		}
		if c == '$' && !inString && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9' {
			b.WriteByte('+')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// packedPageOK reports whether the packed page holds exactly the
// separators of n rows of cells fields each: then no text holds one.
func packedPageOK(page []byte, n, cells int) bool {
	return bytes.Count(page, []byte{packRowSep}) == n-1 && bytes.Count(page, []byte{packFieldSep}) == n*(cells-1)
}

// eachPacked calls fn for each of the n rows of a page that packedPageOK
// passed.
func (r *ExportRow) eachPacked(b []byte, n int, fields []string, fn func(r *ExportRow) error) error {
	last := len(r.cells) - 1
	for ; n > 0; n-- {
		row := b
		if end := bytes.IndexByte(b, packRowSep); end >= 0 {
			row, b = b[:end], b[end+1:]
		}
		for i := range r.cells {
			v := row
			if i < last {
				end := bytes.IndexByte(row, packFieldSep)
				v, row = row[:end], row[end+1:]
			}
			if err := r.cells[i].setText(v); err != nil {
				return fmt.Errorf("read contacts: %s: %w", fields[i], err)
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// plainPage reads the page again a column at a time, into a page of
// length-prefixed values (appendValue): the slow way, for a page whose text
// holds the packing's separators. It must find the n rows the packed read
// counted. Each value is scanned as the text the packed read has of it.
func (s *ExportSnapshot) plainPage(tx *snapshotTx, q string, args []any, n int, buf []byte) (*exportPage, error) {
	rows, err := tx.tx.QueryContext(s.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	vals := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	p := &exportPage{buf: buf}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("read contacts: %w", err)
		}
		for _, v := range vals {
			p.buf = appendValue(p.buf, v)
		}
		p.n++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	if p.n != n {
		return nil, fmt.Errorf("read contacts: a page of %d rows read again as %d", n, p.n)
	}
	return p, nil
}

// setText sets the cell from SQLite's text of its value; an int's empty
// text is NULL (merged_into).
func (c *exportCell) setText(v []byte) error {
	switch c.kind {
	case kindText, kindJSON:
		c.raw = v
	case kindInt:
		c.n.Valid, c.n.Int64 = len(v) > 0, 0
		if len(v) > 0 {
			x, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return err
			}
			c.n.Int64 = x
		}
	case kindBool:
		c.b = len(v) > 0 && string(v) != "0"
	case kindTime:
		c.t.Valid, c.t.T = len(v) > 0, time.Time{}
		if len(v) > 0 {
			return c.t.parse(string(v))
		}
	}
	return nil
}
