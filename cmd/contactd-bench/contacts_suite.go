package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// searchTarget is the promise of the contacts API: a search answers within
// 20 ms at the 95th percentile on a million contacts, on either engine.
const searchTarget = 20 * time.Millisecond

const (
	// searchTimeout bounds one search, and searchGiveUp the timeouts a class
	// may have before its remaining queries are skipped: a store whose
	// search takes minutes must still get a report, not a bench that never
	// ends.
	searchTimeout  = 5 * time.Second
	searchGiveUp   = 3
	searchWarmup   = 50
	searchPerClass = 50 // x 10 classes = 500 measured searches
	getClients     = 8
	getDuration    = 10 * time.Second
	listWarmup     = 20
	listRequests   = 200
)

var contactsSuite = suite{
	name:  "contacts",
	title: "Contacts: search, get, list",
	about: fmt.Sprintf("Over HTTP with a keep-alive client on loopback. Search: %d warm-up queries, then %d per class "+
		"(GET /api/v1/contacts?search=...&per_page=50), one at a time, drawn from a uniform sample of the loaded "+
		"contacts; \"misses\" counts queries that did not find the contact they were drawn from, which is a search "+
		"bug for every class but \"no match\". A search is cut off at %s and counts as taking that long; after %d "+
		"such timeouts the rest of its class is skipped. Get: %d concurrent clients for %s over random existing ids. "+
		"List: the first page without search, per_page=50, %d times after %d warm-up requests.",
		searchWarmup, searchPerClass, searchTimeout, searchGiveUp, getClients, getDuration, listRequests, listWarmup),
	run: runContacts,
}

// listAnswer is the part of a list response the bench reads.
type listAnswer struct {
	Data        []struct{ ID int64 } `json:"data"`
	Total       int64                `json:"total"`
	TotalCapped bool                 `json:"total_capped"`
}

func runContacts(t *target) (*table, error) {
	tbl := &table{}
	if err := measureSearch(t, tbl); err != nil {
		return nil, err
	}
	if err := measureGet(t, tbl); err != nil {
		return nil, err
	}
	if err := measureList(t, tbl); err != nil {
		return nil, err
	}
	return tbl, nil
}

func searchPath(q string) string { return "/api/v1/contacts?per_page=50&search=" + url.QueryEscape(q) }

// classStats is what the searches of one class showed.
type classStats struct {
	lat               latencies
	hits, misses      int64
	capped            int
	timeouts, skipped int
	slowest           query
	slowestTime       time.Duration
}

// search runs one query within searchTimeout. A query that times out counts
// as taking searchTimeout, a lower bound of its real latency.
func (t *target) search(q query, cs *classStats) error {
	if cs.timeouts >= searchGiveUp {
		cs.skipped++
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), searchTimeout)
	defer cancel()
	var ans listAnswer
	d, err := t.srv.getCtx(ctx, searchPath(q.text), &ans)
	if errors.Is(err, context.DeadlineExceeded) {
		d, err = searchTimeout, nil
		cs.timeouts++
		ans.Total = -1
	}
	if err != nil {
		return err
	}
	cs.lat = append(cs.lat, d)
	if ans.Total > 0 {
		cs.hits += ans.Total
	}
	if ans.TotalCapped {
		cs.capped++
	}
	if q.class.mustMatch && ans.Total == 0 {
		cs.misses++
	}
	if d > cs.slowestTime {
		cs.slowest, cs.slowestTime = q, d
	}
	return nil
}

func measureSearch(t *target, tbl *table) error {
	rng := rand.New(rand.NewPCG(t.seed, 0x5EA4C4))
	warm := map[string]*classStats{}
	for _, q := range drawQueries(rng, t.data.sample, searchWarmup/len(queryClasses)+1)[:searchWarmup] {
		if warm[q.class.name] == nil {
			warm[q.class.name] = &classStats{}
		}
		if err := t.search(q, warm[q.class.name]); err != nil {
			return err
		}
	}
	stats := map[string]*classStats{}
	var all latencies
	for _, q := range drawQueries(rng, t.data.sample, searchPerClass) {
		cs := stats[q.class.name]
		if cs == nil {
			// A class that timed out in the warm-up starts with its count,
			// so that it gives up as soon.
			cs = &classStats{timeouts: warm[q.class.name].timeoutsOrZero()}
			stats[q.class.name] = cs
		}
		n := len(cs.lat)
		if err := t.search(q, cs); err != nil {
			return err
		}
		all = append(all, cs.lat[n:]...)
	}
	p95 := all.pct(95)
	target, verdict := atMost(p95, searchTarget)
	tbl.addTarget("search, all classes: p50 / p95 / p99", fmt.Sprintf("%s / %s / %s", ms(all.pct(50)), ms(p95), ms(all.pct(99))), "p95 "+target, verdict)
	for _, c := range queryClasses {
		cs := stats[c.name]
		p95 := cs.lat.pct(95)
		target, verdict := atMost(p95, searchTarget)
		value := fmt.Sprintf("%s / %s / %s (mean hits %s", ms(cs.lat.pct(50)), ms(p95), ms(cs.lat.pct(99)), meanHits(cs.hits, len(cs.lat)))
		if cs.capped > 0 {
			value += fmt.Sprintf(", %d capped", cs.capped)
		}
		if cs.misses > 0 {
			value += fmt.Sprintf(", %d MISSES", cs.misses)
		}
		if cs.timeouts > 0 {
			value += fmt.Sprintf(", %d TIMED OUT at %s", cs.timeouts, searchTimeout)
			verdict = "FAIL"
		}
		if cs.skipped > 0 {
			value += fmt.Sprintf(", %d skipped after %d timeouts", cs.skipped, searchGiveUp)
		}
		tbl.addTarget("search "+c.name+": p50 / p95 / p99", value+")", "p95 "+target, verdict)
		tbl.notes = append(tbl.notes, fmt.Sprintf("slowest %s query: %q, %s", c.name, cs.slowest.text, ms(cs.slowestTime)))
	}
	return nil
}

func (cs *classStats) timeoutsOrZero() int {
	if cs == nil {
		return 0
	}
	return cs.timeouts
}

func meanHits(total int64, n int) string {
	return strconv.FormatFloat(float64(total)/float64(n), 'f', 0, 64)
}

// measureGet runs getClients clients, each asking for random existing ids
// as fast as answers come, for getDuration.
func measureGet(t *target, tbl *table) error {
	ids := t.data.ids
	deadline := time.Now().Add(getDuration)
	var mu sync.Mutex
	var all latencies
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < getClients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(t.seed, uint64(w)))
			var lat latencies
			var err error
			for time.Now().Before(deadline) {
				var d time.Duration
				d, err = t.srv.get("/api/v1/contacts/"+strconv.FormatInt(ids[rng.IntN(len(ids))], 10), nil)
				if err != nil {
					break
				}
				lat = append(lat, d)
			}
			mu.Lock()
			defer mu.Unlock()
			all = append(all, lat...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	elapsed := time.Since(start)
	tbl.add(fmt.Sprintf("get by id, %d clients: throughput", getClients), fmt.Sprintf("%.0f req/s (%d requests in %s)", float64(len(all))/elapsed.Seconds(), len(all), elapsed.Round(time.Millisecond)))
	tbl.add(fmt.Sprintf("get by id, %d clients: p50 / p95 / p99", getClients), fmt.Sprintf("%s / %s / %s", ms(all.pct(50)), ms(all.pct(95)), ms(all.pct(99))))
	return nil
}

func measureList(t *target, tbl *table) error {
	const path = "/api/v1/contacts?per_page=50"
	for i := 0; i < listWarmup; i++ {
		if _, err := t.srv.get(path, nil); err != nil {
			return err
		}
	}
	var lat latencies
	for i := 0; i < listRequests; i++ {
		d, err := t.srv.get(path, nil)
		if err != nil {
			return err
		}
		lat = append(lat, d)
	}
	tbl.add("list first page (no search): p50 / p95", fmt.Sprintf("%s / %s", ms(lat.pct(50)), ms(lat.pct(95))))
	return nil
}
