package store

// SetExportPageRows makes SQLite's packed export reads n contacts a page;
// it returns the undo.
func SetExportPageRows(n int) (restore func()) {
	old := sqlitePackRows
	sqlitePackRows = n
	return func() { sqlitePackRows = old }
}
