package main

import "strings"

// suite measures one area of contactd on a loaded, served engine. Each
// suite is one section of BENCHMARKS.md with a table per engine; a new area
// (imports, exports, duplicates) is a new entry in suites and a file of its
// own.
type suite struct {
	name  string // the -suites value
	title string
	about string // what the section measures and how, for the report
	run   func(t *target) (*table, error)
	// bulkWrite, when set, says whether the suite adds enough rows that
	// PostgreSQL's autovacuum would vacuum and analyze the tables after it
	// (a fifth of the table); where autovacuum is off the bench does that
	// itself.
	bulkWrite func(cfg *config) bool
}

var suites = []suite{contactsSuite}

func findSuite(name string) (suite, bool) {
	for _, s := range suites {
		if s.name == name {
			return s, true
		}
	}
	return suite{}, false
}

func suiteNames() string {
	names := make([]string, len(suites))
	for i, s := range suites {
		names[i] = s.name
	}
	return strings.Join(names, ",")
}

// table is one suite's figures on one engine.
type table struct {
	rows  []measure
	notes []string
}

// measure is one figure; target and verdict ("PASS"/"FAIL") are empty for
// figures that answer to no target.
type measure struct {
	name, value, target, verdict string
}

func (t *table) add(name, value string) { t.rows = append(t.rows, measure{name: name, value: value}) }

func (t *table) addTarget(name, value, target, verdict string) {
	t.rows = append(t.rows, measure{name, value, target, verdict})
}
