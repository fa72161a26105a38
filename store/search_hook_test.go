package store

// SetSearchWalkRows makes PostgreSQL's capped search counts walk up to n
// contacts before they read the trigram index instead (0: always read it;
// a huge n: always walk); it returns the undo.
func SetSearchWalkRows(n float64) (restore func()) {
	old := walkRowsLimit
	walkRowsLimit = n
	return func() { walkRowsLimit = old }
}
