package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"
)

// The store writes one set of statements with PostgreSQL's $1..$N
// placeholders. SQLite accepts them, but as *named* parameters: while it
// parses a statement it looks each name up in a list, which is quadratic in
// the number of parameters, and a 200-row multi-row INSERT has 4,200 of
// them. The same numbers written ?1..?N are positional and cost nothing.
// This driver wraps the registered "sqlite" driver and rewrites $N to ?N
// before SQLite sees a statement; the SQL in the code stays as it is.
const sqliteDriverName = "sqlite-contactd"

var registerOnce sync.Once

func registerSQLiteDriver() {
	registerOnce.Do(func() {
		db, err := sql.Open("sqlite", "")
		if err != nil {
			panic(err) // only if modernc.org/sqlite is not linked in
		}
		base := db.Driver()
		db.Close()
		sql.Register(sqliteDriverName, rebindDriver{base})
	})
}

// rebind turns $N placeholders outside string literals into ?N. When the
// placeholders are exactly $1, $2, ... $N in order, as in every multi-row
// INSERT, they become plain ?: the driver asks SQLite for each numbered
// parameter's name while binding, which is quadratic too, and plain ? has
// none.
func rebind(q string) string {
	if !strings.Contains(q, "$") {
		return q
	}
	sequential, next := true, 1
	var b strings.Builder
	b.Grow(len(q))
	inString := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inString = !inString
		}
		if c != '$' || inString || i+1 >= len(q) || q[i+1] < '0' || q[i+1] > '9' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		n := 0
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			n = n*10 + int(q[j]-'0')
			j++
		}
		if n != next {
			sequential = false
		}
		next++
		b.WriteByte('?')
		b.WriteString(q[i+1 : j])
		i = j - 1
	}
	out := b.String()
	if sequential {
		return stripNumbers(out)
	}
	return out
}

// stripNumbers turns ?N into ? outside string literals.
func stripNumbers(q string) string {
	var b strings.Builder
	b.Grow(len(q))
	inString := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inString = !inString
		}
		b.WriteByte(c)
		if c == '?' && !inString {
			for i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9' {
				i++
			}
		}
	}
	return b.String()
}

type rebindDriver struct{ base driver.Driver }

func (d rebindDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	return &rebindConn{Conn: c}, nil
}

// rebindConn passes everything to the SQLite connection, rewriting SQL,
// and keeps the statements it runs prepared (sqlite_stmt_cache.go).
type rebindConn struct {
	driver.Conn
	cache stmtCache
}

func (c *rebindConn) Prepare(q string) (driver.Stmt, error) { return c.Conn.Prepare(rebind(q)) }

func (c *rebindConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, rebind(q))
}

func (c *rebindConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *rebindConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *rebindConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
