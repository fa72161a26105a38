package store

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
)

// Rows reads the snapshot in stripes: ranges (lo, hi] of the selection's
// key, each read whole by one of the snapshot's transactions into pages of
// rows, and handed over in key order. With two transactions, one reads
// the next stripe while the other's is written out; each reader keeps at
// most a stripe ahead, so memory stays a few pages whatever the size.
//
// The first stripes span sqliteStripeRows or pgStripeRows keys, so they
// cannot hold more contacts than that (keys are unique); where the
// selection turns out sparser, later stripes widen to hold about as many.
// (Variables, so that a test can cross many stripes with few contacts.)
var (
	sqliteStripeRows = 2048
	pgStripeRows     = 4096
)

// stripePages is how many pages a stripe's channel holds: a stripe whose
// reader is ahead of the writer waits there, read whole.
const stripePages = 5

// exportPageBytes is about the most a page holds: rows with big custom
// fields make pages of fewer rows.
const exportPageBytes = 256 << 10

// exportPage is one page of rows in one of two forms: SQLite's packed
// text (see sqliteRows), or each value length-prefixed (see appendValue).
type exportPage struct {
	buf    []byte
	n      int
	packed bool
	err    error
}

// appendValue appends a value to a length-prefixed page: its length plus
// one as a uvarint (0 for NULL), then its bytes.
func appendValue(page, v []byte) []byte {
	if v == nil {
		return append(page, 0)
	}
	page = binary.AppendUvarint(page, uint64(len(v))+1)
	return append(page, v...)
}

// stripe is one range of keys and the pages read from it, in order; its
// reader closes pages after the last.
type stripe struct {
	lo, hi int64
	pages  chan *exportPage
}

// stripes hands out the stripes in key order to the readers and queues
// them, in the same order, for the writer.
type stripes struct {
	mu      sync.Mutex
	lo, max int64
	target  int64
	width   int64        // of the last stripe handed out
	rows    atomic.Int64 // rows read so far,
	keys    atomic.Int64 // in stripes spanning this many keys
	stopped atomic.Bool
	order   chan *stripe
	done    <-chan struct{}
	free    chan []byte
}

// next hands out the next stripe and queues it for the writer; false when
// there is none left (or the read stopped).
func (c *stripes) next() (*stripe, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped.Load() || c.lo >= c.max {
		return nil, false
	}
	w := c.target
	if keys, rows := c.keys.Load(), c.rows.Load(); rows > 0 {
		w = int64(max(float64(c.target), float64(c.target)*float64(keys)/float64(rows)))
	} else if keys > 0 {
		w = min(2*c.width, c.max) // nothing found yet: widen quickly
	}
	c.width = w
	hi := c.max
	if w < c.max-c.lo {
		hi = c.lo + w
	}
	st := &stripe{lo: c.lo, hi: hi, pages: make(chan *exportPage, stripePages)}
	select {
	case c.order <- st:
	case <-c.done:
		return nil, false
	}
	c.lo = hi
	return st, true
}

// buffer returns a page buffer to fill, a used one when there is one.
func (c *stripes) buffer() []byte {
	select {
	case b := <-c.free:
		return b[:0]
	default:
		return nil
	}
}

// send hands a page of st to the writer; false when the read stopped.
func (c *stripes) send(st *stripe, p *exportPage) bool {
	select {
	case st.pages <- p:
		return true
	case <-c.done:
		return false
	}
}

// stripeReader reads the stripe (st.lo, st.hi] with tx into pages (their
// buffers from c.buffer), hands each to c.send, and returns how many rows
// it read; it stops early, with no error, when c.send is false.
type stripeReader func(tx *snapshotTx, st *stripe, c *stripes) (int64, error)

// readStripes reads the snapshot's stripes with each of its transactions
// (see Rows) and calls each for every page, in key order. maxKey bounds
// the keys of the selection.
func (s *ExportSnapshot) readStripes(target, maxKey int64, read stripeReader, each func(p *exportPage) error) error {
	done := make(chan struct{})
	c := &stripes{max: maxKey, target: target, order: make(chan *stripe, 2), done: done, free: make(chan []byte, 2*stripePages)}
	readers := []*snapshotTx{{conn: s.conn, tx: s.tx}}
	if s.aux != nil {
		readers = append(readers, s.aux)
	}
	var wg sync.WaitGroup
	for i, tx := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i > 0 && s.counted {
				// The count runs on this transaction first.
				select {
				case <-s.auxFree:
				case <-done:
					return
				}
			}
			for {
				st, ok := c.next()
				if !ok {
					return
				}
				n, err := read(tx, st, c)
				if err != nil {
					c.send(st, &exportPage{err: err})
					c.stopped.Store(true)
				}
				close(st.pages)
				if err != nil {
					return
				}
				c.rows.Add(n)
				c.keys.Add(st.hi - st.lo)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(c.order)
	}()
	// The readers must be gone before the snapshot's transactions end.
	defer func() {
		close(done)
		wg.Wait()
	}()
	for st := range c.order {
		for p := range st.pages {
			if p.err != nil {
				return p.err
			}
			if err := each(p); err != nil {
				return err
			}
			select {
			case c.free <- p.buf:
			default:
			}
		}
	}
	return nil
}

// maxExportKey bounds the keys of the snapshot's selection: the workspace's
// highest contact id, or 0 when it has none.
func (s *ExportSnapshot) maxExportKey() (int64, error) {
	q := `SELECT max(id) FROM contacts` // SQLite's rowid: its last, at once
	args := []any{}
	if s.pg {
		q += ` WHERE workspace_id = $1` // the primary key (workspace_id, id)
		args = append(args, s.ws)
	}
	var n sql.NullInt64
	if err := s.tx.QueryRowContext(s.ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("read contacts: %w", err)
	}
	return n.Int64, nil
}
