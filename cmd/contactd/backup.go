package main

import (
	"context"
	"fmt"

	"github.com/contactd/contactd/store"
)

// backupCmd writes a consistent copy of the SQLite database to FILE while a
// server may be running on it: contactd backup FILE.
func backupCmd(ctx context.Context, cfg config, args []string) error {
	if len(args) != 1 || args[0] == "" {
		return fmt.Errorf("usage: contactd backup FILE")
	}
	if store.IsPostgresDSN(cfg.dsn) {
		return fmt.Errorf("contactd backup copies the SQLite database; back up PostgreSQL with pg_dump (see README.md)")
	}
	db, err := store.Open(ctx, cfg.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.dsn, args[0])
	return nil
}
