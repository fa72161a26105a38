package soak

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// client is one integration of the soak. Each has phones of its own (by
// its number), contacts it owns whose "counter" custom field only it
// writes, and a static segment only it changes; everyone PATCHes the city
// of anyone's contacts and changes one shared segment.
type client struct {
	*run
	n        int
	rnd      *rand.Rand
	owned    map[int64]*owned
	ownedIDs []int64
	seq      int // phones used
	segment  int64
	members  map[int64]bool // what the client's own segment must hold
	imported []string       // phones its imports created
	cityN    int
}

// owned is what a client knows of a contact it owns.
type owned struct {
	id, version, counter int64
	merged               bool // merged into another contact (by anyone): no longer written
}

// Phone ranges, by what writes them: +91 97cc nnnnnn for contacts created
// one at a time, 96 for imports, 95 for merges (cc is the client).
func (c *client) phone(kind int) string {
	c.seq++
	return fmt.Sprintf("+91%d%02d%06d", kind, c.n, c.seq)
}

func (c *client) loop(ctx context.Context, until time.Time) {
	for ctx.Err() == nil && time.Now().Before(until) {
		x := c.rnd.IntN(100)
		switch {
		case x < 8 || len(c.ownedIDs) < 3:
			c.create(ctx)
		case x < 33:
			c.bumpCounter(ctx)
		case x < 48:
			c.patchCity(ctx)
		case x < 66:
			c.search(ctx)
		case x < 69:
			c.merge(ctx)
		case x < 72:
			c.mergeShared(ctx)
		case x < 84:
			c.changeMembers(ctx)
		case x < 89:
			c.staleWrite(ctx)
		case x < 93 && c.n%4 == 0: // a quarter of the clients import
			c.importSmall(ctx)
		default:
			c.get(ctx)
		}
	}
}

// create makes a contact the client owns: one of the pool (segments) or,
// one time in three, of the fodder that anyone may merge.
func (c *client) create(ctx context.Context) {
	fodder := c.rnd.IntN(3) == 0
	kind := 97
	if fodder {
		kind = 94
	}
	a, err := c.jsonCall(ctx, "create", "POST", "/api/v1/contacts", map[string]any{
		"phone_e164": c.phone(kind), "first_name": "Soak", "last_name": fmt.Sprintf("Client%d", c.n),
		"custom_fields": map[string]any{"counter": 0},
	})
	var got contact
	if err != nil || !c.expect(a, "create contact", 201) || a.decode(&got) != nil {
		return
	}
	c.owned[got.ID] = &owned{id: got.ID, version: got.Version}
	c.ownedIDs = append(c.ownedIDs, got.ID)
	c.mu.Lock()
	if fodder {
		c.fodder = append(c.fodder, got.ID)
	} else {
		c.pool = append(c.pool, got.ID)
	}
	c.mu.Unlock()
}

// pick returns an owned contact not known to be merged away.
func (c *client) pick() *owned { return c.owned[c.ownedIDs[c.rnd.IntN(len(c.ownedIDs))]] }

// goneIfMerged reads a contact whose write was refused with 409: the only
// reason may be that someone merged it away; the client stops writing it.
func (c *client) goneIfMerged(ctx context.Context, o *owned, what string) {
	got, ok := c.read(ctx, o.id)
	if !ok {
		return
	}
	if got.Status != "merged" {
		c.problem("%s of contact %d answered 409, but it is %s", what, o.id, got.Status)
		return
	}
	o.merged = true
	live := c.ownedIDs[:0]
	for _, id := range c.ownedIDs {
		if !c.owned[id].merged {
			live = append(live, id)
		}
	}
	c.ownedIDs = live
}

// bumpCounter adds one to the counter of a contact the client owns, with
// If-Match of the version it last saw. Only this client writes the
// counter, so after a 412 the counter it reads must be the one it knows.
func (c *client) bumpCounter(ctx context.Context) {
	o := c.pick()
	path := fmt.Sprintf("/api/v1/contacts/%d", o.id)
	a, err := c.jsonCall(ctx, "patch counter", "PATCH", path, map[string]any{"custom_fields": map[string]any{"counter": o.counter + 1}},
		"If-Match", strconv.Quote(strconv.FormatInt(o.version, 10)))
	if err != nil {
		return
	}
	switch a.status {
	case 200:
		var got contact
		if a.decode(&got) != nil {
			c.problem("PATCH %s: answer does not decode: %.200s", path, a.body)
			return
		}
		if got.Version != o.version+1 || got.counter() != o.counter+1 {
			c.problem("PATCH %s with If-Match %d answered version %d, counter %d; want version %d, counter %d",
				path, o.version, got.Version, got.counter(), o.version+1, o.counter+1)
		}
		o.version, o.counter = got.Version, got.counter()
		c.written(o.id, got.Version, "counter")
	case 409:
		c.stale(false)
		c.goneIfMerged(ctx, o, "PATCH counter")
	case 412:
		c.stale(false)
		got, ok := c.read(ctx, o.id)
		if !ok {
			return
		}
		if got.counter() != o.counter {
			c.problem("contact %d: counter %d after a refused write, but its only writer set %d: an update was lost or applied twice", o.id, got.counter(), o.counter)
		}
		o.version = got.Version
	default:
		c.expect(a, "PATCH "+path, 200, 412)
	}
}

// patchCity reads anyone's contact, then PATCHes its city with If-Match of
// the version it read. Half the time the contact is one of the first few
// made, where clients collide most.
func (c *client) patchCity(ctx context.Context) {
	c.mu.Lock()
	from := c.pool
	if c.rnd.IntN(3) == 0 {
		from = c.fodder
	}
	n := len(from)
	var id int64
	if n > 0 {
		if c.rnd.IntN(2) == 0 {
			id = from[c.rnd.IntN(min(n, 40))]
		} else {
			id = from[c.rnd.IntN(n)]
		}
	}
	c.mu.Unlock()
	if id == 0 {
		return
	}
	cur, ok := c.read(ctx, id)
	if !ok || cur.Status != "active" {
		return
	}
	c.cityN++
	city := fmt.Sprintf("City %d-%d", c.n, c.cityN)
	path := fmt.Sprintf("/api/v1/contacts/%d", id)
	a, err := c.jsonCall(ctx, "patch city", "PATCH", path, map[string]any{"city": city},
		"If-Match", strconv.Quote(strconv.FormatInt(cur.Version, 10)))
	if err != nil {
		return
	}
	switch a.status {
	case 200:
		var got contact
		if a.decode(&got) != nil {
			c.problem("PATCH %s: answer does not decode: %.200s", path, a.body)
			return
		}
		if got.Version != cur.Version+1 || got.City != city {
			c.problem("PATCH %s with If-Match %d answered version %d, city %q; want version %d, city %q",
				path, cur.Version, got.Version, got.City, cur.Version+1, city)
		}
		c.written(id, got.Version, "city")
		c.mu.Lock()
		if w := c.cities[id]; got.Version > w.version {
			c.cities[id] = cityWrite{version: got.Version, city: city}
		}
		c.mu.Unlock()
	case 412, 409:
		c.stale(false)
	default:
		c.expect(a, "PATCH "+path, 200, 412)
	}
}

// staleWrite sends a PATCH with a version the client knows is old: it must
// be refused, and change nothing.
func (c *client) staleWrite(ctx context.Context) {
	o := c.pick()
	if o.version < 2 {
		c.bumpCounter(ctx)
		return
	}
	path := fmt.Sprintf("/api/v1/contacts/%d", o.id)
	a, err := c.jsonCall(ctx, "patch stale", "PATCH", path, map[string]any{"custom_fields": map[string]any{"counter": -1}},
		"If-Match", strconv.Quote(strconv.FormatInt(o.version-1, 10)))
	if err != nil {
		return
	}
	if a.status == 412 || a.status == 409 {
		c.stale(true)
		if a.status == 409 {
			c.goneIfMerged(ctx, o, "PATCH with a stale version")
		}
		return
	}
	c.problem("PATCH %s with the stale If-Match %d answered %d, want 412: %.200s", path, o.version-1, a.status, a.body)
}

func (c *client) read(ctx context.Context, id int64) (contact, bool) {
	var got contact
	a, err := c.jsonCall(ctx, "get", "GET", fmt.Sprintf("/api/v1/contacts/%d", id), nil)
	if err != nil || !c.expect(a, "GET contact", 200) {
		return got, false
	}
	if err := a.decode(&got); err != nil {
		c.problem("GET contact %d: %v", id, err)
		return got, false
	}
	return got, true
}

func (c *client) get(ctx context.Context) {
	if len(c.ownedIDs) > 0 {
		c.read(ctx, c.pick().id)
	}
}

var searches = []string{"soak", "client1", "city 3", "97", "9605", "+91 95", "nobody-here"}

func (c *client) search(ctx context.Context) {
	q := searches[c.rnd.IntN(len(searches))]
	if c.rnd.IntN(2) == 0 {
		q = fmt.Sprintf("97%02d", c.n)
	}
	a, err := c.jsonCall(ctx, "search", "GET", "/api/v1/contacts?per_page=20&search="+url.QueryEscape(q), nil)
	if err == nil {
		c.expect(a, "search "+q, 200)
	}
}

// merge creates two contacts and merges the second into the first; the
// primary must hold the secondary's phone, the secondary point at it.
func (c *client) merge(ctx context.Context) {
	var ids [2]int64
	phones := [2]string{c.phone(95), c.phone(95)}
	for i := range ids {
		a, err := c.jsonCall(ctx, "create", "POST", "/api/v1/contacts", map[string]any{"phone_e164": phones[i], "first_name": "Merge", "last_name": fmt.Sprintf("Client%d", c.n)})
		var got contact
		if err != nil || !c.expect(a, "create contact", 201) || a.decode(&got) != nil {
			return
		}
		ids[i] = got.ID
	}
	path := fmt.Sprintf("/api/v1/contacts/%d/merge", ids[0])
	a, err := c.jsonCall(ctx, "merge", "POST", path, map[string]any{"secondary_ids": []int64{ids[1]}})
	if err != nil || !c.expect(a, "POST "+path, 200) {
		return
	}
	var p contact
	if a.decode(&p) != nil || p.Status != "active" || !slices.Contains(p.AltPhones, phones[1]) {
		c.problem("POST %s answered %.300s; want the active primary holding %s", path, a.body, phones[1])
	}
	s, ok := c.read(ctx, ids[1])
	if ok && (s.Status != "merged" || s.MergedInto == nil || *s.MergedInto != ids[0]) {
		c.problem("contact %d was merged into %d, but reads as %s into %v", ids[1], ids[0], s.Status, s.MergedInto)
	}
}

// changeMembers adds or removes a few contacts to the client's own segment
// (whose members it keeps count of) or to the segment all share.
func (c *client) changeMembers(ctx context.Context) {
	c.mu.Lock()
	var ids []int64
	for i := 0; i < 1+c.rnd.IntN(5) && len(c.pool) > 0; i++ {
		ids = append(ids, c.pool[c.rnd.IntN(len(c.pool))])
	}
	c.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	seg, own := c.shared, false
	if c.rnd.IntN(2) == 0 {
		seg, own = c.segment, true
	}
	method := "POST"
	if c.rnd.IntN(3) == 0 {
		method = "DELETE"
	}
	path := fmt.Sprintf("/api/v1/contact_segments/%d/contacts", seg)
	a, err := c.jsonCall(ctx, "segment members", method, path, map[string]any{"contact_ids": ids})
	if err != nil || !c.expect(a, method+" "+path, 200) || !own {
		return
	}
	for _, id := range ids {
		if method == "POST" {
			c.members[id] = true
		} else {
			delete(c.members, id)
		}
	}
}

// importSmall imports ten new phones and up to five the client imported
// before, with a new city, and waits for the job: the counts must be
// exactly those.
func (c *client) importSmall(ctx context.Context) {
	var rows [][2]string
	var fresh []string
	for i := 0; i < 10; i++ {
		p := c.phone(96)
		fresh = append(fresh, p)
		rows = append(rows, [2]string{p, "Imported"})
	}
	repeats := min(len(c.imported), 5)
	for i := 0; i < repeats; i++ {
		c.cityN++
		rows = append(rows, [2]string{c.imported[len(c.imported)-1-i], fmt.Sprintf("Reimported %d-%d", c.n, c.cityN)})
	}
	body, ct := importBody(rows)
	a, err := c.call(ctx, "import", "POST", "/api/v1/contacts/import", body, ct)
	var job struct {
		ID            int64  `json:"id"`
		Status        string `json:"status"`
		TotalRows     int64  `json:"total_rows"`
		ProcessedRows int64  `json:"processed_rows"`
		Created       int64  `json:"created"`
		Updated       int64  `json:"updated"`
		Skipped       int64  `json:"skipped"`
		Failed        int64  `json:"failed"`
		Error         string `json:"error"`
	}
	if err == nil && a.status == 429 {
		// The workspace has as many imports in flight as it may: back
		// pressure, not an error. These phones were never imported.
		return
	}
	if err != nil || !c.expect(a, "POST import", 202) || a.decode(&job) != nil {
		return
	}
	wait, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for job.Status == "queued" || job.Status == "running" {
		time.Sleep(50 * time.Millisecond)
		a, err := c.jsonCall(wait, "import status", "GET", fmt.Sprintf("/api/v1/contact-imports/%d", job.ID), nil)
		if err != nil {
			c.problem("import %d did not end within 2 minutes", job.ID)
			return
		}
		if !c.expect(a, "GET import", 200) || a.decode(&job) != nil {
			return
		}
	}
	if job.Status != "completed" || job.Created != 10 || job.Updated != int64(repeats) || job.Failed != 0 || job.Skipped != 0 ||
		job.ProcessedRows != job.TotalRows || job.TotalRows != int64(len(rows)) {
		c.problem("import %d of %d rows (10 new, %d updates) ended %s: %d/%d processed, created %d, updated %d, skipped %d, failed %d %s",
			job.ID, len(rows), repeats, job.Status, job.ProcessedRows, job.TotalRows, job.Created, job.Updated, job.Skipped, job.Failed, job.Error)
	}
	c.imported = append(c.imported, fresh...)
}

// verify reads back, after the run, what only this client wrote.
func (c *client) verify(ctx context.Context) {
	for id := range c.owned {
		got, ok := c.read(ctx, id)
		if !ok {
			continue
		}
		if got.Status == "merged" {
			continue // merged away by another client after the last write of this one
		}
		if o := c.owned[id]; got.counter() != o.counter || got.Status != "active" {
			c.problem("contact %d is %s with counter %d; its only writer counted %d successful increments: an update was lost",
				id, got.Status, got.counter(), o.counter)
		}
	}
	have := map[int64]bool{}
	for page := 1; ; page++ {
		a, err := c.jsonCall(ctx, "segment list", "GET", fmt.Sprintf("/api/v1/contact_segments/%d/contacts?per_page=500&page=%d", c.segment, page), nil)
		var list struct {
			Data []contact `json:"data"`
		}
		if err != nil || !c.expect(a, "GET segment contacts", 200) || a.decode(&list) != nil {
			return
		}
		for _, m := range list.Data {
			have[m.ID] = true
		}
		if len(list.Data) < 500 {
			break
		}
	}
	for id := range c.members {
		if !have[id] {
			c.problem("segment %d of client %d lacks contact %d, which the client added last", c.segment, c.n, id)
		}
	}
	for id := range have {
		if !c.members[id] {
			c.problem("segment %d of client %d holds contact %d, which the client removed last (or never added)", c.segment, c.n, id)
		}
	}
}

// mergeShared merges one contact of the fodder into another, whoever owns
// them, while their owners bump counters and everyone PATCHes cities: the
// merge must not write back a value it read before a PATCH committed. It
// answers 200, or 409 when one of the two was merged away meanwhile.
func (c *client) mergeShared(ctx context.Context) {
	c.mu.Lock()
	n := len(c.fodder)
	if n < 2 {
		c.mu.Unlock()
		return
	}
	i, j := c.rnd.IntN(n), c.rnd.IntN(n)
	p, s := c.fodder[i], c.fodder[j]
	c.mu.Unlock()
	if p == s {
		return
	}
	path := fmt.Sprintf("/api/v1/contacts/%d/merge", p)
	a, err := c.jsonCall(ctx, "merge shared", "POST", path, map[string]any{"secondary_ids": []int64{s}})
	if err != nil {
		return
	}
	switch a.status {
	case 200:
		var got contact
		if a.decode(&got) != nil || got.Status != "active" {
			c.problem("POST %s answered %.300s; want the active primary", path, a.body)
			return
		}
		c.written(p, got.Version, "merge")
		c.mu.Lock()
		if w := c.cities[p]; got.Version > w.version {
			// The merge may fill the primary's empty city from the secondary.
			c.cities[p] = cityWrite{version: got.Version, city: got.City}
		}
		live := c.fodder[:0]
		for _, id := range c.fodder {
			if id != s {
				live = append(live, id)
			}
		}
		c.fodder = live
		c.mu.Unlock()
	case 409:
		c.stale(false)
	default:
		c.expect(a, "POST "+path, 200, 409)
	}
}
