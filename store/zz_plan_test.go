//go:build dupbench

package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/contactd/contactd/store"
)

func TestDupPlans(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, _ := sql.Open("sqlite", path)
	defer raw.Close()
	raw.Exec(`CREATE TABLE k2 (workspace_id INTEGER NOT NULL, match_key TEXT NOT NULL, contact_id INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', PRIMARY KEY (workspace_id, match_key, contact_id))`)
	raw.Exec(`CREATE INDEX k2c ON k2 (workspace_id, contact_id)`)
	for _, q := range []string{
		`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3) ORDER BY c.id`,
		`SELECT c.id, c.email FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3)`,
		`UPDATE contacts SET status = 'merged', merged_into = 5 WHERE workspace_id = 1 AND id IN (1,2)`,
		`SELECT count(*) FROM duplicate_groups WHERE workspace_id = 1 AND match_rank = 1`,
		`SELECT match_key, count(*) FROM contact_match_keys WHERE workspace_id = 1 AND match_key IN ('a','b') GROUP BY match_key`,
		`SELECT match_key, kind, contact_id, name FROM contact_match_keys WHERE workspace_id = 1 AND match_key IN ('a','b') ORDER BY match_key, contact_id`,
		`SELECT match_key FROM contact_match_keys WHERE workspace_id = 1 AND contact_id IN (1,2)`,
		`SELECT id, merged_into FROM contacts WHERE workspace_id = 1 AND status = 'merged' AND merged_into IN (1,2)`,
		`UPDATE contacts SET merged_into = 5 WHERE workspace_id = 1 AND status = 'merged' AND merged_into IN (1,2)`,
		`SELECT group_id, match_rank, summary FROM duplicate_groups WHERE workspace_id = 1 ORDER BY match_rank, group_id LIMIT 51 OFFSET 0`,
		`SELECT group_id, match_rank, summary FROM duplicate_groups WHERE workspace_id = 1 AND (match_rank > 2 OR (match_rank = 2 AND group_id > 5)) ORDER BY match_rank, group_id LIMIT 51 OFFSET 0`,
		`SELECT count(*) FROM duplicate_groups WHERE workspace_id = 1`,
		`SELECT id FROM contacts c WHERE c.workspace_id = 1 AND c.merged_into IN (1,2) ORDER BY c.id`,
		`SELECT id FROM contacts WHERE workspace_id = 1 AND phone_e164 = '+91' AND status = 'active' AND phone_e164 <> '' AND id <> 0`,
		`SELECT contact_id, match_key, kind, name FROM k2 WHERE workspace_id = 1 AND contact_id IN (1,2)`,
		`SELECT match_key, kind, contact_id, name, n FROM (SELECT match_key, kind, contact_id, name, count(*) OVER (PARTITION BY match_key) AS n, row_number() OVER (PARTITION BY match_key ORDER BY contact_id) AS rn FROM k2 WHERE workspace_id = 1 AND match_key IN ('a','b')) t WHERE rn <= 26`,
		`SELECT contact_id, match_key, kind, name FROM contact_match_keys WHERE workspace_id = 1 AND contact_id = 1`,
		`SELECT contact_id, match_key FROM contact_match_keys WHERE workspace_id = 1 AND contact_id IN (1,2,3)`,
		`SELECT contact_id, match_key, kind, name FROM contact_match_keys WHERE workspace_id = 1 AND contact_id IN (SELECT value FROM json_each('[1,2,3]'))`,
		`SELECT contact_id, match_key, kind, name FROM contact_match_keys WHERE workspace_id = 1 AND contact_id IN (1,2,3)`,
		`SELECT match_key, kind, contact_id, name, n FROM (SELECT match_key, kind, contact_id, name, count(*) OVER (PARTITION BY match_key) AS n, row_number() OVER (PARTITION BY match_key ORDER BY contact_id) AS rn FROM contact_match_keys WHERE workspace_id = 1 AND match_key IN ('a','b')) t WHERE rn <= 26`,
		`SELECT id FROM contacts WHERE workspace_id = 1 AND phone_e164 = '+91' AND status = 'active' AND id <> 0`,
		`SELECT contact_a, contact_b FROM duplicate_dismissals WHERE workspace_id = 1 AND contact_b IN (1,2)`,
		`DELETE FROM contact_match_keys WHERE workspace_id = 1 AND match_key IN ('a') AND contact_id = 5`,
		`SELECT DISTINCT segment_id, 0 FROM segment_members WHERE workspace_id = 1 AND contact_id IN (1,2) AND segment_id NOT IN (SELECT segment_id FROM segment_members WHERE workspace_id = 1 AND contact_id = 3)`,
		`SELECT id, merged_into FROM contacts WHERE workspace_id = 1 AND status = 'merged' AND merged_into IN (1,2)`,
		`SELECT group_id, match_rank, summary FROM duplicate_groups WHERE workspace_id = 1 AND match_rank >= 3 ORDER BY match_rank, group_id LIMIT 51 OFFSET 0`,
		`SELECT m.group_id, c.id FROM duplicate_members m JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id WHERE m.workspace_id = 1 AND m.group_id IN (1,2) ORDER BY c.id`,
	} {
		rows, err := raw.Query(`EXPLAIN QUERY PLAN ` + q)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(q[:60])
		for rows.Next() {
			var a, b, c int
			var d string
			rows.Scan(&a, &b, &c, &d)
			t.Log("   ", d)
		}
		rows.Close()
	}
}
