package main

// The exports, segments and compliance suites register themselves here
// rather than in suite.go's list, which other suites were being added to at
// the same time; they run after the suites listed there.
func init() { suites = append(suites, exportsSuite, segmentsSuite, complianceSuite) }
