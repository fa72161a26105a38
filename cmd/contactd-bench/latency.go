package main

import (
	"fmt"
	"slices"
	"time"
)

// latencies is a sample of request durations.
type latencies []time.Duration

// pct is the p-th percentile by nearest rank: the smallest duration that at
// least p% of requests did not exceed.
func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	rank := int(p/100*float64(len(s))+0.999999) - 1
	return s[max(0, min(rank, len(s)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// atMost renders a latency target and whether d meets it.
func atMost(d, limit time.Duration) (target, verdict string) {
	target = fmt.Sprintf("≤ %s", ms(limit))
	if d <= limit {
		return target, "PASS"
	}
	return target, "FAIL"
}
