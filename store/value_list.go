package store

import (
	"encoding/json"
	"fmt"
)

// valueJoin returns the head of a FROM clause that looks each of a list of
// text values up in turn ("<list> AS v <join>"; the joined table's ON
// clause compares with v.value) and the argument that carries the list as
// $argN.
//
// A lookup of many values is written this way, not as an IN list, because
// an IN list leaves the plan to the statistics, and SQLite's are sampled
// (PRAGMA optimize reads 2,000 rows of each index): in a workspace of a
// million contacts they said a workspace holds 2,001, so a 500-phone
// lookup scanned every active contact instead of seeking 500 phones, and
// an import into that workspace ran at 300 rows/s. Here the list drives:
// SQLite's CROSS JOIN keeps the order written, and each value is one index
// seek on both engines.
func (db *DB) valueJoin(argN int, values []string) (head string, arg any) {
	if db.dialect.name() == Postgres {
		return fmt.Sprintf("unnest($%d::text[]) AS v(value) JOIN", argN), values
	}
	b, err := json.Marshal(values)
	if err != nil {
		panic(err) // []string always encodes
	}
	return fmt.Sprintf("json_each($%d) AS v CROSS JOIN", argN), string(b)
}
