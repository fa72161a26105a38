package main

import (
	"context"
	"fmt"
	"time"
)

// Target of the pre-launch check: a segment of a million contacts judged
// within 10 s, in memory that does not grow with the segment.
const (
	complianceTarget    = 10 * time.Second
	complianceMemTarget = 50 << 20
)

// everyoneRules matches every active contact: each has a phone.
const everyoneRules = `{"field":"phone_e164","op":"exists"}`

var complianceSuite = suite{
	name:  "compliance",
	title: "Compliance: pre-launch check of every contact",
	about: "POST /api/v1/compliance/check with the id of a dynamic segment of every active contact (rules `" + everyoneRules +
		"`), voice, now: the whole segment is judged (DNC lists, erasures, consents, calling window) for the summary and " +
		"the first page of the suppressed. The workspace has no DNC lists, consents or erasures, so this is the cost of " +
		"reading and judging the members. Memory: the process's VmHWM is reset before the check and read after it; the " +
		"check's own memory is the growth over the RSS it started from.",
	run: runCompliance,
}

func runCompliance(t *target) (*table, error) {
	id, err := t.createSegment("bench everyone", everyoneRules)
	if err != nil {
		return nil, err
	}
	var res struct {
		Summary struct {
			Total, Callable, Suppressed int64
		} `json:"summary"`
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	mem := watchMemory()
	d, err := t.srv.postJSON(ctx, "/api/v1/compliance/check", map[string]any{"segment_id": id}, &res)
	if err != nil {
		return nil, err
	}
	peak, growth := mem.peak()
	tbl := &table{}
	target, verdict := atMost(d, complianceTarget)
	tbl.addTarget("check of every contact: wall", fmt.Sprintf("%s (%d checked, %.0f contacts/s; %d callable, %d suppressed)",
		d.Round(time.Millisecond), res.Summary.Total, float64(res.Summary.Total)/d.Seconds(), res.Summary.Callable, res.Summary.Suppressed),
		target, verdict)
	verdict = "PASS"
	if growth > complianceMemTarget {
		verdict = "FAIL"
	}
	tbl.addTarget("check of every contact: memory", memText(peak, growth), "growth ≤ "+mib(complianceMemTarget), verdict)
	if want := int64(t.data.created); res.Summary.Total != want {
		tbl.notes = append(tbl.notes, fmt.Sprintf("**the check judged %d contacts, but %d were loaded**", res.Summary.Total, want))
	}
	return tbl, nil
}
