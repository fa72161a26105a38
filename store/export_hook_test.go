package store

// SetExportPageRows makes SQLite's packed export reads n contacts a page;
// it returns the undo.
func SetExportPageRows(n int) (restore func()) {
	old := sqlitePackRows
	sqlitePackRows = n
	return func() { sqlitePackRows = old }
}

// SetExportStripes makes export reads stripes of n keys to start with,
// and PostgreSQL's pages of pgRows rows; it returns the undo.
func SetExportStripes(n, pgRows int) (restore func()) {
	oldSQLite, oldPG, oldPage := sqliteStripeRows, pgStripeRows, pgPageRows
	sqliteStripeRows, pgStripeRows, pgPageRows = n, n, pgRows
	return func() { sqliteStripeRows, pgStripeRows, pgPageRows = oldSQLite, oldPG, oldPage }
}
