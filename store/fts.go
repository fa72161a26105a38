package store

import (
	"context"
	"fmt"
)

// withSecureSearchDelete runs fn with SQLite's search index in secure-delete
// mode: the terms of rows fn deletes or empties are removed from the index
// pages themselves, not hidden behind a delete marker until a later merge.
// Erasure and hard delete need that; bulk writes do not, and pay dearly for
// it (each changed row seeks its old terms in every index segment), so the
// mode is on only inside these transactions. Setting it is a write to the
// index's config table, so it commits or rolls back with the transaction.
func (tx *Tx) withSecureSearchDelete(ctx context.Context, fn func() error) error {
	if tx.db.dialect.name() != SQLite {
		return fn()
	}
	set := func(on int) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_search (contact_search, rank) VALUES ('secure-delete', $1)`, on); err != nil {
			return fmt.Errorf("search index secure-delete: %w", err)
		}
		return nil
	}
	if err := set(1); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return set(0)
}
