package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/contactgen"
)

// Duplicate targets (issue 4): the first page of groups and a merge of ten.
const (
	duplicatesPageTarget = 200 * time.Millisecond
	mergeTenTarget       = 50 * time.Millisecond
	duplicateShare       = 0.05 // of the loaded contacts, as in the issue
	pageRequests         = 50
	mergeGroups          = 30
)

var duplicatesSuite = suite{
	name:  "duplicates",
	title: "Duplicates: review queue and merge",
	about: fmt.Sprintf("First, %.0f%% of the loaded contacts get a second record of the same person through the bulk "+
		"create path: a third with the same email, a third with the same name (one letter changed) at the same company, "+
		"a third whose alternate phone is the first record's phone; each with a new phone of its own. Then "+
		"GET /api/v1/contacts/duplicates (first page, per_page=50) %d times, and with match=email; then %d groups "+
		"of ten contacts sharing an email are merged, each with POST /api/v1/contacts/{id}/merge and nine secondary ids.",
		duplicateShare*100, pageRequests, mergeGroups),
	run: runDuplicates,
}

func init() { suites = append(suites, duplicatesSuite) }

func runDuplicates(t *target) (*table, error) {
	tbl := &table{}
	start := time.Now()
	made, err := makeDuplicates(t)
	if err != nil {
		return nil, err
	}
	tbl.add("second records created", fmt.Sprintf("%d in %s", made, time.Since(start).Round(time.Second)))
	for _, path := range []string{"/api/v1/contacts/duplicates?per_page=50", "/api/v1/contacts/duplicates?per_page=50&match=email"} {
		var lat latencies
		var page struct {
			Data  []json.RawMessage `json:"data"`
			Total int64             `json:"total"`
		}
		for i := 0; i < pageRequests+5; i++ {
			d, err := t.srv.get(path, &page)
			if err != nil {
				return nil, err
			}
			if i >= 5 { // the first few warm the cache
				lat = append(lat, d)
			}
		}
		target, v := atMost(lat.pct(95), duplicatesPageTarget)
		name := "first page of groups"
		if strings.Contains(path, "match=") {
			name += " (match=email)"
		}
		tbl.addTarget(name+": p50 / p95", fmt.Sprintf("%s / %s (%d groups on the page, total %d)", ms(lat.pct(50)), ms(lat.pct(95)), len(page.Data), page.Total), "p95 "+target, v)
	}
	lat, err := measureMerges(t)
	if err != nil {
		return nil, err
	}
	target, v := atMost(lat.pct(95), mergeTenTarget)
	tbl.addTarget("merge of 10 contacts: p50 / p95", fmt.Sprintf("%s / %s", ms(lat.pct(50)), ms(lat.pct(95))), "p95 "+target, v)
	return tbl, nil
}

// makeDuplicates gives duplicateShare of the loaded contacts a second record.
func makeDuplicates(t *target) (int, error) {
	rng := rand.New(rand.NewPCG(t.seed, 0xD0B1))
	phones := contactgen.New(t.seed + 2000)
	want := int(float64(len(t.data.ids)) * duplicateShare)
	made := 0
	var batch []contactd.ContactInput
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := t.db.CreateContacts(t.ctx, batch)
		if err != nil {
			return err
		}
		for _, r := range res {
			if r.Err == nil {
				made++
			}
		}
		batch = batch[:0]
		return nil
	}
	for i := 0; i < want; i++ {
		c, err := t.db.FindContactByID(t.ctx, t.data.ids[rng.IntN(len(t.data.ids))])
		if err != nil {
			return made, err
		}
		in := contactd.ContactInput{PhoneE164: freshPhone(phones), FirstName: c.FirstName, LastName: c.LastName, Company: c.Company, City: c.City}
		switch i % 3 {
		case 0:
			in.Email = c.Email
		case 1:
			in.FirstName = nearSpelling(c.FirstName)
		default:
			in.AltPhones = []string{c.PhoneE164}
		}
		batch = append(batch, in)
		if len(batch) == 1000 {
			if err := flush(); err != nil {
				return made, err
			}
		}
	}
	return made, flush()
}

// freshPhone is the E.164 phone of the generator's next good row.
func freshPhone(g *contactgen.Generator) string {
	for {
		if r := g.Next(); r.Kind == contactgen.KindOK && r.E164 != "" {
			return r.E164
		}
	}
}

// nearSpelling doubles the name's last letter: "Priya" becomes "Priyaa".
func nearSpelling(s string) string {
	if s == "" {
		return s
	}
	return s + s[len(s)-1:]
}

// measureMerges makes mergeGroups groups of ten contacts sharing an email
// and merges each over HTTP.
func measureMerges(t *target) (latencies, error) {
	phones := contactgen.New(t.seed + 3000)
	var lat latencies
	for g := 0; g < mergeGroups; g++ {
		var group []contactd.ContactInput
		for i := 0; i < 10; i++ {
			group = append(group, contactd.ContactInput{
				PhoneE164: freshPhone(phones), FirstName: "Merge", LastName: fmt.Sprintf("Bench%d", g),
				Email: fmt.Sprintf("merge.bench.%d.%d@example.com", t.seed, g), Tags: []string{fmt.Sprintf("m%d", i)},
			})
		}
		res, err := t.db.CreateContacts(t.ctx, group)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, r := range res {
			if r.Err == nil {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) < 2 {
			return nil, fmt.Errorf("merge group %d: only %d contacts created", g, len(ids))
		}
		d, err := t.srv.postJSON(context.Background(), fmt.Sprintf("/api/v1/contacts/%d/merge", ids[0]), map[string]any{"secondary_ids": ids[1:]}, nil)
		if err != nil {
			return nil, err
		}
		lat = append(lat, d)
	}
	return lat, nil
}
