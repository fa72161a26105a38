package main

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Targets of dynamic segments at a million contacts: the contact_count a
// segment shows within 300 ms, a page of its members within 50 ms (p95).
const (
	segmentCountTarget = 300 * time.Millisecond
	segmentPageTarget  = 50 * time.Millisecond
	segmentCountRuns   = 20
	segmentPageRuns    = 100
	segmentWarmup      = 3
)

// segmentRules is what an operator would build before a campaign: Indian
// numbers with a tag that about a sixth of contacts carry.
const segmentRules = `{"all":[{"field":"phone_country","op":"eq","value":"IN"},{"field":"tags","op":"has","value":"vip"}]}`

var segmentsSuite = suite{
	name:  "segments",
	title: "Segments: dynamic segment count and members",
	about: fmt.Sprintf("A dynamic segment with the rules `%s`, made with POST /api/v1/contact_segments. Count: GET "+
		"/api/v1/contact_segments/{id} (which counts its members anew each time) %d times after %d warm-up requests. "+
		"Members: GET /api/v1/contact_segments/{id}/contacts?per_page=50, the first page and then the pages after it "+
		"by next_cursor, %d requests in all after %d warm-up requests, starting over from the first page at the end.",
		segmentRules, segmentCountRuns, segmentWarmup, segmentPageRuns, segmentWarmup),
	run: runSegments,
}

func runSegments(t *target) (*table, error) {
	id, err := t.createSegment("bench vip IN", segmentRules)
	if err != nil {
		return nil, err
	}
	path := "/api/v1/contact_segments/" + strconv.FormatInt(id, 10)
	var seg struct {
		ContactCount int64 `json:"contact_count"`
	}
	var counts latencies
	for i := 0; i < segmentWarmup+segmentCountRuns; i++ {
		d, err := t.srv.get(path, &seg)
		if err != nil {
			return nil, err
		}
		if i >= segmentWarmup {
			counts = append(counts, d)
		}
	}
	tbl := &table{}
	p95 := counts.pct(95)
	target, verdict := atMost(p95, segmentCountTarget)
	tbl.addTarget("contact_count: p50 / p95", fmt.Sprintf("%s / %s (%d members)", ms(counts.pct(50)), ms(p95), seg.ContactCount), "p95 "+target, verdict)

	var pages latencies
	cursor := ""
	for i := 0; i < segmentWarmup+segmentPageRuns; i++ {
		var page struct {
			Data       []struct{ ID int64 } `json:"data"`
			NextCursor string               `json:"next_cursor"`
		}
		p := path + "/contacts?per_page=50"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		d, err := t.srv.get(p, &page)
		if err != nil {
			return nil, err
		}
		if i >= segmentWarmup {
			pages = append(pages, d)
		}
		if seg.ContactCount > 0 && len(page.Data) == 0 {
			return nil, fmt.Errorf("GET %s: no members, but the segment counts %d", p, seg.ContactCount)
		}
		cursor = page.NextCursor
	}
	p95 = pages.pct(95)
	target, verdict = atMost(p95, segmentPageTarget)
	tbl.addTarget("members page (per_page=50): p50 / p95", fmt.Sprintf("%s / %s", ms(pages.pct(50)), ms(p95)), "p95 "+target, verdict)
	return tbl, nil
}
