package store

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
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
	// values holds the rows column by column: values[c][r].
	values [][]*string
	// sqliteArgs holds them row by row, as SQLite binds them.
	sqliteArgs []any
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
	b.values = make([][]*string, len(b.cols))
	return b
}

// add appends a row: one value per column, each a string, an integer, a
// bool or nil (NULL).
func (b *bulkInsert) add(row ...any) {
	if len(row) != len(b.cols) {
		panic(fmt.Sprintf("store: %d values for the %d columns of %s", len(row), len(b.cols), b.table))
	}
	b.rows++
	b.sqliteArgs = append(b.sqliteArgs, row...)
	for i, v := range row {
		b.values[i] = append(b.values[i], textOf(v))
	}
}

func (b *bulkInsert) len() int { return b.rows }

func (b *bulkInsert) reset() {
	b.rows = 0
	b.sqliteArgs = b.sqliteArgs[:0]
	for i := range b.values {
		b.values[i] = b.values[i][:0]
	}
}

// sql returns the statement for engine and its arguments; suffix follows
// the rows (RETURNING ..., ON CONFLICT ...).
func (b *bulkInsert) sql(engine, suffix string) (string, []any) {
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
		return head + "VALUES " + strings.Join(values, ", ") + " " + suffix, b.sqliteArgs
	}
	arrays := make([]string, len(b.cols))
	casts := make([]string, len(b.cols))
	args := make([]any, len(b.cols))
	for i, c := range b.cols {
		arrays[i] = fmt.Sprintf("$%d::text[]", i+1)
		casts[i] = fmt.Sprintf("u%d::%s", i, c.pgType)
		args[i] = b.values[i]
	}
	alias := make([]string, len(b.cols))
	for i := range alias {
		alias[i] = fmt.Sprintf("u%d", i)
	}
	return head + "SELECT " + strings.Join(casts, ", ") + " FROM unnest(" + strings.Join(arrays, ", ") + ") AS u(" +
		strings.Join(alias, ", ") + ") " + suffix, args
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
