package store

import "testing"

// TestProbeRefine: a probe that read every contact gives the exact count;
// otherwise its count and the histogram's are pooled by their sizes, so a
// term the histogram undercounted is raised toward the probe's share; no
// probe leaves the planner's estimate.
func TestProbeRefine(t *testing.T) {
	const all = 1_000_000
	cases := []struct {
		name    string
		p       probeResult
		planned float64
		want    float64
	}{
		{"no probe", probeResult{}, 2600, 2600},
		{"small workspace: exact", probeResult{seen: 900, found: 37}, 5, 37},
		{"small workspace: none", probeResult{seen: 900, found: 0}, 5, 0},
		// histogram 2 in 1,000 (2,000 rows), probe 40 in 4,000: 42 in 5,000
		{"undercounted", probeResult{seen: probeRows, found: 40}, 2000, 8400},
		// histogram 10 in 1,000, probe 0 in 4,000: 10 in 5,000
		{"overcounted", probeResult{seen: probeRows, found: 0}, 10000, 2000},
	}
	for _, tc := range cases {
		if got := tc.p.refine(all, tc.planned); got < tc.want-0.5 || got > tc.want+0.5 {
			t.Errorf("%s: refine = %g, want %g", tc.name, got, tc.want)
		}
	}
}

// TestDoubtful: only an estimate that sends a page to the index while a
// walk of at most doubtfulFactor times the limit would find it is checked
// by a probe.
func TestDoubtful(t *testing.T) {
	const all = 1_000_000
	for _, tc := range []struct {
		matches float64
		want    bool
	}{
		{0, false},                                          // rare or unknown: the index
		{all * 51 / walkRowsLimit, false},                   // walked already
		{all * 51 / (2 * walkRowsLimit), true},              // index, but twice as common would walk
		{all * 51 / (doubtfulFactor * walkRowsLimit), true}, // at the edge
		{all * 51 / (10 * walkRowsLimit), false},            // too rare to be a miscount
	} {
		if got := doubtful(all, tc.matches, 51); got != tc.want {
			t.Errorf("doubtful(%g matches) = %v, want %v", tc.matches, got, tc.want)
		}
	}
}
