package store

// SetSegmentWindow sets the window of manyInWindow for a test and returns
// what restores it.
func SetSegmentWindow(n int) func() {
	old := segmentWindow
	segmentWindow = n
	return func() { segmentWindow = old }
}
