package store

import (
	"context"
	"database/sql/driver"
	"strings"
)

// The SQLite driver parses a statement every time it runs one unless the
// caller prepares it, and the store runs the same statements over and over:
// every full chunk of a bulk insert (1,500 rows of placeholders, whose
// parsing was a tenth of an import's CPU), every lookup of an import batch,
// every page of a list. Each connection therefore keeps its most recent
// statements prepared, by their SQL. SQLite re-prepares a kept statement by
// itself when the schema changes under it.

// stmtCacheSize is how many statements one connection keeps.
const stmtCacheSize = 48

type stmtCache struct {
	byQuery map[string]*cachedStmt
	order   []string // oldest first
}

type cachedStmt struct {
	stmt    driver.Stmt
	busy    bool // rows of it are open: it cannot run again until they close
	evicted bool // dropped from the cache while busy: close when the rows do
}

// statement returns the kept statement for q, preparing it on first use;
// nil when it cannot be used now (its rows are still open, or q is a script
// of several statements), and the caller runs q unprepared.
func (c *rebindConn) statement(ctx context.Context, q string) *cachedStmt {
	if strings.Contains(q, ";") {
		return nil // migrations and other scripts: run once, parsed as they go
	}
	if cs, ok := c.cache.byQuery[q]; ok {
		if cs.busy {
			return nil
		}
		return cs
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, rebind(q))
	if err != nil {
		return nil // the unprepared run reports the error
	}
	if c.cache.byQuery == nil {
		c.cache.byQuery = map[string]*cachedStmt{}
	}
	if len(c.cache.order) >= stmtCacheSize {
		oldest := c.cache.order[0]
		c.cache.order = c.cache.order[1:]
		if old := c.cache.byQuery[oldest]; old.busy {
			old.evicted = true
		} else {
			_ = old.stmt.Close()
		}
		delete(c.cache.byQuery, oldest)
	}
	cs := &cachedStmt{stmt: st}
	c.cache.byQuery[q] = cs
	c.cache.order = append(c.cache.order, q)
	return cs
}

func (c *rebindConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	cs := c.statement(ctx, q)
	if cs == nil {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, rebind(q), args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

func (c *rebindConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	cs := c.statement(ctx, q)
	if cs == nil {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, rebind(q), args)
	}
	return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// Close finalizes the kept statements before the connection closes.
func (c *rebindConn) Close() error {
	for _, cs := range c.cache.byQuery {
		_ = cs.stmt.Close()
	}
	c.cache = stmtCache{}
	return c.Conn.Close()
}

// cachedRows frees its statement for the next run when closed.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.cs != nil {
		r.cs.busy = false
		if r.cs.evicted {
			_ = r.cs.stmt.Close()
		}
		r.cs = nil
	}
	return err
}
