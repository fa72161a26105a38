package store

import (
	"bytes"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sqlitePackRows is how many contacts one packed read of SQLite returns (a
// variable so that a test can cross many pages with few contacts).
var sqlitePackRows = 512

// Separators of a packed page: ASCII's record and unit separators.
const (
	packRowSep   = 0x1e
	packFieldSep = 0x1f
)

// sqliteRows is Rows on SQLite, read a page of contacts at a time, each
// page packed by SQLite into one text value: the rows joined by the record
// separator, each row its key and fields joined by the unit separator.
// Through database/sql and modernc each value of each row cost three calls
// into the engine (type, text, length), each taking the connection's mutex,
// and a string: at a dozen fields that was most of an export's CPU. Packed,
// a page is one value, and SQLite's concat_ws builds it for less than half
// the CPU.
//
// The pages are keyset pages on the selection's order, all inside the
// snapshot's transaction, so they read one snapshot. Text may hold the
// separators: a page whose rows, fields or keys do not come out exactly as
// counted is read again column by column (plainPage), so such text costs
// time, never a wrong row.
func (s *ExportSnapshot) sqliteRows(fields []string, fn func(r *ExportRow) error) error {
	r, cols, err := newExportRow(fields)
	if err != nil {
		return err
	}
	packed := make([]string, len(cols))
	for i, c := range cols {
		packed[i] = c
		if r.cells[i].kind == kindInt {
			packed[i] = "ifnull(" + c + ", '')" // concat_ws leaves out a NULL
		}
	}
	after := s.sel.w.next()
	page := ` FROM ` + s.sel.from + ` WHERE ` + s.sel.w.sql() + fmt.Sprintf(` AND %s > $%d ORDER BY %s LIMIT %d`,
		s.sel.order, after, s.sel.order, sqlitePackRows)
	q := `SELECT group_concat(r, char(30)), count(*), max(k) FROM (SELECT ` + s.sel.order + ` AS k, concat_ws(char(31), ` +
		s.sel.order + `, ` + strings.Join(packed, ", ") + `) AS r` + page + `)`
	plain := `SELECT ` + s.sel.order + `, ` + strings.Join(cols, ", ") + page
	args := append(append([]any{}, s.sel.w.args...), int64(0))

	// One goroutine reads the pages while this one writes their rows: on
	// two cores SQLite and the file's formatting take turns no longer.
	pages := make(chan *packedPage, 2)
	free := make(chan []byte, 4)
	resume, done, exited := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		s.readPacked(q, args, len(cols), pages, free, resume, done)
	}()
	// The reader must be gone before the snapshot's transaction ends.
	defer func() { close(done); <-exited }()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		if p.bad {
			// The reader waits meanwhile: the transaction is this page's.
			again := append(append([]any{}, s.sel.w.args...), p.after)
			if err := s.plainPage(r, plain, again, p.n, fn); err != nil {
				return err
			}
			resume <- struct{}{}
			continue
		}
		r.page = p.buf
		if err := r.eachPacked(fields, fn); err != nil {
			return err
		}
		select {
		case free <- p.buf:
		default:
		}
	}
	return nil
}

// packedPage is one page of sqliteRows: n rows after the key after, packed
// in buf, or bad when they cannot be unpacked (see packedPageOK).
type packedPage struct {
	buf   []byte
	n     int
	after int64
	bad   bool
	err   error
}

// readPacked sends the packed pages of q, in order, until the last, an
// error, or done. After a bad page it waits for resume (or done): the
// receiver reads that page again in the same transaction.
func (s *ExportSnapshot) readPacked(q string, args []any, cells int, pages chan<- *packedPage, free chan []byte, resume, done <-chan struct{}) {
	defer close(pages)
	send := func(p *packedPage) bool {
		select {
		case pages <- p:
			return true
		case <-done:
			return false
		}
	}
	for {
		var buf []byte
		select {
		case buf = <-free:
		default:
		}
		p := &packedPage{after: args[len(args)-1].(int64)}
		var last sql.NullInt64
		rows, err := s.tx.QueryContext(s.ctx, q, args...)
		if err != nil {
			send(&packedPage{err: fmt.Errorf("read contacts: %w", err)})
			return
		}
		var raw sql.RawBytes
		if rows.Next() {
			err = rows.Scan(&raw, &p.n, &last)
		}
		if err == nil {
			err = rows.Err()
		}
		// RawBytes lasts until Close: the page is copied out first.
		p.buf = append(buf[:0], raw...)
		rows.Close()
		if err != nil {
			send(&packedPage{err: fmt.Errorf("read contacts: %w", err)})
			return
		}
		if p.n == 0 {
			return
		}
		p.bad = !packedPageOK(p.buf, p.n, cells, p.after)
		if !send(p) {
			return
		}
		if p.bad {
			select {
			case <-resume:
			case <-done:
				return
			}
		}
		if p.n < sqlitePackRows {
			return
		}
		args[len(args)-1] = last.Int64
	}
}

// packedPageOK reports whether the packed page holds exactly n rows of the
// key and cells fields each, with keys rising from after.
func packedPageOK(page []byte, n, cells int, after int64) bool {
	if bytes.Count(page, []byte{packRowSep}) != n-1 || bytes.Count(page, []byte{packFieldSep}) != n*cells {
		return false
	}
	b := page
	for len(b) > 0 {
		end := bytes.IndexByte(b, packFieldSep)
		key, err := strconv.ParseInt(string(b[:end]), 10, 64)
		if err != nil || key <= after {
			return false
		}
		after = key
		next := bytes.IndexByte(b, packRowSep)
		if next < 0 {
			break
		}
		if next < end {
			return false
		}
		b = b[next+1:]
	}
	return true
}

// eachPacked calls fn for each row of a page that packedPageOK passed.
func (r *ExportRow) eachPacked(fields []string, fn func(r *ExportRow) error) error {
	b := r.page
	for len(b) > 0 {
		row := b
		if end := bytes.IndexByte(b, packRowSep); end >= 0 {
			row, b = b[:end], b[end+1:]
		} else {
			b = nil
		}
		row = row[bytes.IndexByte(row, packFieldSep)+1:] // the key
		for i := range r.cells {
			v := row
			if end := bytes.IndexByte(row, packFieldSep); end >= 0 {
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

// plainPage reads the page again a column at a time: the slow way, for a
// page whose text holds the packing's separators. It must find the n rows
// the packed read counted.
func (s *ExportSnapshot) plainPage(r *ExportRow, q string, args []any, n int, fn func(r *ExportRow) error) error {
	rows, err := s.tx.QueryContext(s.ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read contacts: %w", err)
	}
	defer rows.Close()
	var key int64
	dest := append([]any{&key}, r.dest...)
	got := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read contacts: %w", err)
		}
		got++
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read contacts: %w", err)
	}
	if got != n {
		return fmt.Errorf("read contacts: a page of %d rows read again as %d", n, got)
	}
	return nil
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
