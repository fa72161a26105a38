package store

import (
	"context"
	"strings"
)

// RegroupAll recomputes the duplicate groups of every live contact of the
// actor's workspace from their stored keys, as a walk from all of them:
// what the groups are from scratch, for tests to compare with what the
// writes left (workspaces under maxRegroupVisit contacts only).
func (db *DB) RegroupAll(ctx context.Context) error {
	return db.inTx(ctx, func(tx *Tx) error {
		seeds := map[int64]bool{}
		if err := tx.scanPairs(ctx, `SELECT id, 0 FROM contacts WHERE workspace_id = $1 AND status = 'active'`,
			[]any{tx.actor.WorkspaceID}, func(id, _ int64) { seeds[id] = true }); err != nil {
			return err
		}
		return tx.regroup(ctx, seeds, nil)
	})
}

// LargestComponent is the size of the largest set of linked live contacts
// of the actor's workspace before maxGroupSize splits it: writes keep
// groups exactly as a regroup from scratch would only below that size.
func (db *DB) LargestComponent(ctx context.Context) (int, error) {
	keys := map[string]*keyHolders{}
	visited := map[int64]bool{}
	err := db.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT match_key, kind, contact_id, name FROM contact_match_keys WHERE workspace_id = $1 ORDER BY contact_id`, tx.actor.WorkspaceID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, kind, name string
			var id int64
			if err := rows.Scan(&k, &kind, &id, &name); err != nil {
				return err
			}
			h := keys[k]
			if h == nil {
				h = &keyHolders{kind: kind}
				keys[k] = h
			}
			h.n++
			h.members = append(h.members, keyMember{id: id, name: strings.Fields(name)})
			visited[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	largest := 0
	for _, g := range linkGroups(keys, visited, nil) {
		largest = max(largest, len(g.ids))
	}
	return largest, nil
}
