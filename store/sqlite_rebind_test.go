package store

import "testing"

func TestRebind(t *testing.T) {
	cases := map[string]string{
		`SELECT $1, $22`:                        `SELECT ?1, ?22`,
		`SELECT $1, $2, $3`:                     `SELECT ?, ?, ?`,
		`VALUES ($1, $2, $3, $4, $4, $4)`:       `VALUES (?1, ?2, ?3, ?4, ?4, ?4)`,
		`WHERE a = '$1' AND b = $1`:             `WHERE a = '$1' AND b = ?`,
		`LIKE $3 ESCAPE '\'`:                    `LIKE ?3 ESCAPE '\'`,
		`INSERT INTO t VALUES ('it''s $5', $1)`: `INSERT INTO t VALUES ('it''s $5', ?)`,
		`SELECT '$' || $1 || '?7'`:              `SELECT '$' || ? || '?7'`,
		`no params`:                             `no params`,
	}
	for in, want := range cases {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}
