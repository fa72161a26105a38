package store

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// bulkInsert is one multi-row INSERT, written the way each engine loads
// rows fastest. SQLite gets a VALUES list. PostgreSQL gets one text array
// per column, unnested and cast: a 1,500-row VALUES list is 31,500
// parameters that PostgreSQL parses, binds and plans one by one, which cost
// it four times what inserting the rows did; 21 arrays cost next to
// nothing.
type bulkInsert struct {
	table string
	cols  []bulkColumn
	rows  int
	// args holds the rows one after another, as SQLite binds them;
	// PostgreSQL's column arrays are made from them when the SQL is.
	args []any
}

// bulkColumn is a column and its PostgreSQL type, for the cast.
type bulkColumn struct{ name, pgType string }

// newBulkInsert starts an INSERT into table of cols, each "name type".
func newBulkInsert(table string, cols ...string) *bulkInsert {
	b := &bulkInsert{table: table}
	for _, c := range cols {
		name, typ, _ := strings.Cut(c, " ")
		b.cols = append(b.cols, bulkColumn{name, typ})
	}
	return b
}

// add appends a row: one value per column, each a string, an integer, a
// bool or nil (NULL).
func (b *bulkInsert) add(row ...any) {
	if len(row) != len(b.cols) {
		panic(fmt.Sprintf("store: %d values for the %d columns of %s", len(row), len(b.cols), b.table))
	}
	b.rows++
	b.args = append(b.args, row...)
}

func (b *bulkInsert) len() int { return b.rows }

func (b *bulkInsert) reset() {
	b.rows = 0
	b.args = b.args[:0]
}

// bulkSQL memoizes the statements of full chunks by engine, table,
// columns, row count and suffix: a full chunk's SQL is the same every
// time, and writing out 1,500 rows of placeholders cost a tenth of an
// import's CPU (the driver also caches the prepared statement by this
// text). Other row counts are written each time: kept, the last chunks of
// every size would hold megabytes of placeholders.
var bulkSQL sync.Map

// sql returns the statement for engine and its arguments; suffix follows
// the rows (RETURNING ..., ON CONFLICT ...).
func (b *bulkInsert) sql(engine, suffix string) (string, []any) {
	rows := b.rows
	if engine == Postgres {
		rows = 0 // the arrays hold any number of rows
	}
	var q string
	if rows == 0 || rows == bulkChunk || rows == contactChunk {
		key := fmt.Sprintf("%s|%s|%d|%v|%s", engine, b.table, rows, b.cols, suffix)
		cached, ok := bulkSQL.Load(key)
		if !ok {
			cached, _ = bulkSQL.LoadOrStore(key, b.writeSQL(engine, suffix))
		}
		q = cached.(string)
	} else {
		q = b.writeSQL(engine, suffix)
	}
	if engine != Postgres {
		return q, b.args
	}
	// One text array per column.
	args := make([]any, len(b.cols))
	for c := range b.cols {
		col := make([]*string, b.rows)
		for r := range col {
			col[r] = textOf(b.args[r*len(b.cols)+c])
		}
		args[c] = col
	}
	return q, args
}

func (b *bulkInsert) writeSQL(engine, suffix string) string {
	names := make([]string, len(b.cols))
	for i, c := range b.cols {
		names[i] = c.name
	}
	head := "INSERT INTO " + b.table + " (" + strings.Join(names, ", ") + ") "
	if engine != Postgres {
		values := make([]string, b.rows)
		for r := range values {
			values[r] = placeholders(r*len(b.cols)+1, len(b.cols))
		}
		return head + "VALUES " + strings.Join(values, ", ") + " " + suffix
	}
	arrays := make([]string, len(b.cols))
	casts := make([]string, len(b.cols))
	for i, c := range b.cols {
		arrays[i] = fmt.Sprintf("$%d::text[]", i+1)
		casts[i] = fmt.Sprintf("u%d::%s", i, c.pgType)
	}
	alias := make([]string, len(b.cols))
	for i := range alias {
		alias[i] = fmt.Sprintf("u%d", i)
	}
	return head + "SELECT " + strings.Join(casts, ", ") + " FROM unnest(" + strings.Join(arrays, ", ") + ") AS u(" +
		strings.Join(alias, ", ") + ") " + suffix
}

// textOf renders v as PostgreSQL reads it back from text.
func textOf(v any) *string {
	var s string
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		s = x
	case int64:
		s = strconv.FormatInt(x, 10)
	case int:
		s = strconv.Itoa(x)
	case bool:
		s = strconv.FormatBool(x)
	default:
		// Named string and integer types (contactd.Role, actions).
		switch r := reflect.ValueOf(v); r.Kind() {
		case reflect.String:
			s = r.String()
		case reflect.Int, reflect.Int32, reflect.Int64:
			s = strconv.FormatInt(r.Int(), 10)
		default:
			panic(fmt.Sprintf("store: bulk insert of %T", v))
		}
	}
	return &s
}
