package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/fuzzy"
)

// Duplicate detection works from match keys that every write keeps up to
// date (contact_match_keys): a contact's folded emails, its phones, and
// blocking keys of its name in each of its contexts. Contacts sharing a key
// are linked (name keys only when fuzzy.Similar agrees); linked contacts
// form groups (duplicate_groups, duplicate_members), recomputed at write
// time for just the contacts a change touches. A page of groups is then an
// index range, whatever the size of the workspace.

// maxKeyMembers is how many live contacts may share a key before it stops
// linking them: a number on five hundred contacts is a switchboard, an
// address on fifty a shared inbox, and fifty Rahul Sharmas in Pune are not
// one person. It also bounds the work of one regroup.
const maxKeyMembers = 25

// maxRegroupVisit bounds the contacts one regroup walks through keys; past
// it a (pathological) chain of links is cut.
const maxRegroupVisit = 5000

// matchKey is one key of one contact. name is the folded name that name
// keys compare; empty for the other kinds.
type matchKey struct {
	kind, key, name string
}

// Ranks order groups (strongest match first) and make filters an index range.
var matchRank = map[string]int{
	contactd.MatchEmail: 1, contactd.MatchPhone: 2,
	contactd.MatchNameCompany: 3, contactd.MatchNameDomain: 4, contactd.MatchNameCity: 5,
}

// matchConfidence is the confidence of a link of each kind; a name link's
// is scaled by the names' similarity.
var matchConfidence = map[string]float64{
	contactd.MatchEmail: 1, contactd.MatchPhone: 0.95,
	contactd.MatchNameCompany: 0.9, contactd.MatchNameDomain: 0.85, contactd.MatchNameCity: 0.8,
}

// contactMatchKeys returns the keys of c; none unless c is active.
func contactMatchKeys(c *contactd.Contact) []matchKey {
	if c.Status != contactd.StatusActive {
		return nil
	}
	var out []matchKey
	seen := map[string]bool{}
	add := func(kind, key, name string) {
		if key != "" && !seen[key] {
			seen[key] = true
			out = append(out, matchKey{kind, key, name})
		}
	}
	var domains []string
	for _, e := range append([]string{c.Email}, c.AltEmails...) {
		add(contactd.MatchEmail, foldEmail(e), "")
		if d := workDomain(e); d != "" && !containsString(domains, d) && len(domains) < 3 {
			domains = append(domains, d)
		}
	}
	for _, p := range append([]string{c.PhoneE164}, c.AltPhones...) {
		add(contactd.MatchPhone, p, "")
	}
	tokens := fuzzy.NameTokens(c.FirstName, c.LastName)
	pairs := fuzzy.PairKeys(tokens)
	if len(pairs) == 0 {
		return out
	}
	name := strings.Join(tokens, " ")
	type place struct{ kind, prefix, value string }
	places := []place{{contactd.MatchNameCompany, "co:", fuzzy.Company(c.Company)}}
	for _, d := range domains {
		places = append(places, place{contactd.MatchNameDomain, "do:", d})
	}
	places = append(places, place{contactd.MatchNameCity, "ci:", fuzzy.Place(c.City)})
	for _, cx := range places {
		if cx.value == "" {
			continue
		}
		for _, p := range pairs {
			add(cx.kind, cx.prefix+runePrefix(cx.value, 100)+"|"+p, name)
		}
	}
	return out
}

// foldEmail is the form of an address under which two spellings of one
// mailbox meet: lower case, no +tag, and for Gmail no dots (Gmail ignores
// them and googlemail.com is the same service).
func foldEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	at := strings.LastIndexByte(e, '@')
	if at <= 0 {
		return ""
	}
	local, domain := e[:at], e[at+1:]
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	if local == "" {
		return ""
	}
	return local + "@" + domain
}

// workDomain is the domain of an address when it says where someone works:
// free mail providers say nothing.
func workDomain(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at < 0 {
		return ""
	}
	d := strings.ToLower(e[at+1:])
	if freeMail[d] {
		return ""
	}
	if i := strings.IndexByte(d, '.'); i > 0 && freeMailFamilies[d[:i]] {
		return "" // yahoo.co.in, hotmail.co.uk, ...
	}
	return d
}

var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"aol.com": true, "msn.com": true, "proton.me": true, "pm.me": true, "rediffmail.com": true,
	"mail.com": true, "zoho.com": true, "zohomail.in": true, "qq.com": true, "163.com": true,
	"126.com": true, "fastmail.com": true, "hey.com": true, "tutanota.com": true,
}

var freeMailFamilies = map[string]bool{
	"yahoo": true, "ymail": true, "hotmail": true, "outlook": true, "live": true, "gmx": true,
	"yandex": true, "protonmail": true, "web": true, "mail": true, "rocketmail": true,
}

func runePrefix(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// lockMatchKeys serializes regrouping within the workspace until the
// transaction ends. Without it two transactions adding the same key at once
// would each miss the other's contact. SQLite's single writer needs no lock
// (forUpdate is empty there) but runs the same statements.
func (tx *Tx) lockMatchKeys(ctx context.Context) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO match_key_locks (workspace_id) VALUES ($1) ON CONFLICT DO NOTHING`, tx.actor.WorkspaceID); err != nil {
		return fmt.Errorf("lock match keys: %w", err)
	}
	var ws int64
	if err := tx.QueryRowContext(ctx, `SELECT workspace_id FROM match_key_locks WHERE workspace_id = $1`+tx.db.dialect.forUpdate(), tx.actor.WorkspaceID).Scan(&ws); err != nil {
		return fmt.Errorf("lock match keys: %w", err)
	}
	return nil
}

// refreshMatchKeys brings the match keys of cs, as they now are in this
// transaction (any status), up to date and regroups the contacts the change
// touches. Every write path that changes names, emails, phones, company,
// city or status calls it once, after writing its contacts, whose rows it
// holds (locked or new): so their stored keys can be compared without the
// workspace lock, which only a change of keys takes.
func (tx *Tx) refreshMatchKeys(ctx context.Context, cs ...*contactd.Contact) error {
	return tx.refreshMatchKeysOf(ctx, cs, nil)
}

// refreshMatchKeysOf is refreshMatchKeys for bulk writers, which also say
// which of cs this transaction inserted (fresh): those have no stored keys
// and no group yet, so nothing is read back for them, and those whose keys
// no other contact holds are not regrouped at all. That is most rows of an
// import, and regrouping them found nothing but cost a third of the load.
func (tx *Tx) refreshMatchKeysOf(ctx context.Context, cs []*contactd.Contact, fresh map[int64]bool) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		if !fresh[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	have, err := tx.keysOf(ctx, ids)
	if err != nil {
		return err
	}
	type row struct {
		id int64
		k  matchKey
	}
	var adds []row
	dels := map[int64][]string{}
	var dropAll []int64
	seeds := map[int64]bool{}
	delta := map[string]int{}
	held := make(map[int64][]matchKey, len(cs)) // each contact's keys, computed once
	for _, c := range cs {
		want := map[string]matchKey{}
		held[c.ID] = contactMatchKeys(c)
		for _, k := range held[c.ID] {
			want[k.key] = k
			old, ok := have[c.ID][k.key]
			if ok && old == k {
				continue
			}
			if ok {
				dels[c.ID] = append(dels[c.ID], k.key) // its name changed
			} else {
				delta[k.key]++
			}
			adds = append(adds, row{c.ID, k})
			seeds[c.ID] = true
		}
		gone := 0
		for key := range have[c.ID] {
			if _, ok := want[key]; !ok {
				dels[c.ID] = append(dels[c.ID], key)
				delta[key]--
				seeds[c.ID] = true
				gone++
			}
		}
		if len(want) == 0 && gone > 0 {
			dropAll = append(dropAll, c.ID)
			delete(dels, c.ID)
		}
	}
	if len(seeds) == 0 {
		return nil
	}
	if err := tx.lockMatchKeys(ctx); err != nil {
		return err
	}
	for _, chunk := range chunkIDs(dropAll, 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		if _, err := tx.ExecContext(ctx, `DELETE FROM contact_match_keys WHERE workspace_id = $1 AND contact_id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("drop match keys: %w", err)
		}
	}
	for id, keys := range dels {
		args, marks := inArgs(tx.actor.WorkspaceID, keys)
		args = append(args, id)
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM contact_match_keys WHERE workspace_id = $1 AND match_key IN (%s) AND contact_id = $%d`, marks, len(args)), args...); err != nil {
			return fmt.Errorf("drop match keys: %w", err)
		}
	}
	for start := 0; start < len(adds); start += bulkChunk {
		chunk := adds[start:min(start+bulkChunk, len(adds))]
		args := make([]any, 0, len(chunk)*5)
		values := make([]string, 0, len(chunk))
		for _, r := range chunk {
			values = append(values, placeholders(len(args)+1, 5))
			args = append(args, tx.actor.WorkspaceID, r.k.key, r.id, r.k.kind, r.k.name)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_match_keys (workspace_id, match_key, contact_id, kind, name) VALUES `+strings.Join(values, ", "), args...); err != nil {
			return fmt.Errorf("add match keys: %w", err)
		}
	}
	keys, err := tx.holdersOfDelta(ctx, delta)
	if err != nil {
		return err
	}
	// A fresh contact none of whose keys another contact holds links to
	// nobody: it needs no regroup. The others join the groups they link
	// to (attachFresh), which also unlinks the holders of keys that passed
	// maxKeyMembers. The walk does the rest, first: contacts that were
	// there before, and keys that fell back under the limit. First,
	// because attachFresh trusts the stored groups, and those of contacts
	// this transaction changed are stale until walked: an updated contact
	// that left a city still tied its old group together, and a new
	// contact joining that group made it pass maxGroupSize and fall apart.
	attach := map[int64][]matchKey{}
	for _, c := range cs {
		if !fresh[c.ID] || !seeds[c.ID] {
			continue
		}
		delete(seeds, c.ID)
		for _, k := range held[c.ID] {
			if h := keys[k.key]; h != nil && h.n >= 2 {
				attach[c.ID] = held[c.ID]
				break
			}
		}
	}
	crossed := crossedKeys(delta, keys)
	for k := range crossed {
		delete(delta, k) // attachFresh unlinks their holders
	}
	if err := tx.regroupWith(ctx, seeds, delta, keys); err != nil {
		return err
	}
	return tx.attachFresh(ctx, attach, crossed, keys)
}

// keysOf loads the stored keys of ids.
func (tx *Tx) keysOf(ctx context.Context, ids []int64) (map[int64]map[string]matchKey, error) {
	out := map[int64]map[string]matchKey{}
	for _, chunk := range chunkIDs(ids, 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT contact_id, match_key, kind, name FROM contact_match_keys WHERE workspace_id = $1 AND contact_id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("load match keys: %w", err)
		}
		for rows.Next() {
			var id int64
			var k matchKey
			if err := rows.Scan(&id, &k.key, &k.kind, &k.name); err != nil {
				rows.Close()
				return nil, fmt.Errorf("load match keys: %w", err)
			}
			if out[id] == nil {
				out[id] = map[string]matchKey{}
			}
			out[id][k.key] = k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load match keys: %w", err)
		}
	}
	return out, nil
}

// keyHolders is what a regroup knows of one key: how many live contacts
// hold it and (up to maxKeyMembers+1 of) who they are.
type keyHolders struct {
	kind    string
	n       int
	members []keyMember
}

type keyMember struct {
	id   int64
	name []string
}

// regroup recomputes the groups of the seeds and of everything linked to
// them, old links and new. delta counts, per key, holders added (+) or
// removed (-) by this change: a key whose count crosses maxKeyMembers
// starts or stops linking all its holders, so they regroup too.
func (tx *Tx) regroup(ctx context.Context, seeds map[int64]bool, delta map[string]int) error {
	keys, err := tx.holdersOfDelta(ctx, delta)
	if err != nil {
		return err
	}
	return tx.regroupWith(ctx, seeds, delta, keys)
}

// holdersOfDelta loads the holders of the keys a change added or removed.
func (tx *Tx) holdersOfDelta(ctx context.Context, delta map[string]int) (map[string]*keyHolders, error) {
	keys := map[string]*keyHolders{}
	names := make([]string, 0, len(delta))
	for k := range delta {
		names = append(names, k)
	}
	sort.Strings(names)
	if err := tx.loadHolders(ctx, names, keys); err != nil {
		return nil, err
	}
	return keys, nil
}

// regroupWith is regroup with the holders of delta's keys already loaded
// into keys.
func (tx *Tx) regroupWith(ctx context.Context, seeds map[int64]bool, delta map[string]int, keys map[string]*keyHolders) error {
	visited := map[int64]bool{}
	var frontier []int64
	visit := func(id int64) {
		if !visited[id] {
			visited[id] = true
			frontier = append(frontier, id)
		}
	}
	for _, id := range sortedIDs(seeds) {
		visit(id)
	}
	if len(delta) > 0 {
		names := make([]string, 0, len(delta))
		for k := range delta {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			h := keys[k]
			now := 0
			if h != nil {
				now = h.n
			}
			before := now - delta[k]
			if (before <= maxKeyMembers) == (now <= maxKeyMembers) {
				continue
			}
			all, err := tx.allHolders(ctx, k)
			if err != nil {
				return err
			}
			for _, id := range all {
				visit(id)
			}
		}
	}
	if len(visited) == 0 {
		return nil
	}
	oldGroup := map[int64]int64{}
	expanded := map[string]bool{}
	for len(frontier) > 0 {
		f := frontier
		frontier = nil
		// Old groups are revisited whole: a change may split them.
		groups, err := tx.groupsOf(ctx, f)
		if err != nil {
			return err
		}
		var gids []int64
		for id, g := range groups {
			oldGroup[id] = g
			gids = append(gids, g)
		}
		members, err := tx.membersOf(ctx, gids)
		if err != nil {
			return err
		}
		for _, m := range members {
			visit(m)
		}
		held, err := tx.keyNamesOf(ctx, f)
		if err != nil {
			return err
		}
		var unknown, fresh []string
		for _, k := range held {
			if expanded[k] {
				continue
			}
			expanded[k] = true
			fresh = append(fresh, k)
			if keys[k] == nil {
				unknown = append(unknown, k)
			}
		}
		if err := tx.loadHolders(ctx, unknown, keys); err != nil {
			return err
		}
		for _, k := range fresh {
			h := keys[k]
			if h == nil || h.n < 2 || h.n > maxKeyMembers {
				continue
			}
			for _, m := range h.members {
				if len(visited) < maxRegroupVisit {
					visit(m.id)
				}
			}
		}
	}
	ids := sortedIDs(visited)
	dismissed, err := tx.dismissalsAmong(ctx, ids)
	if err != nil {
		return err
	}
	groups := capGroups(linkGroups(keys, visited, dismissed), keys, dismissed)
	gids := map[int64]bool{}
	for _, g := range oldGroup {
		gids[g] = true
	}
	return tx.writeGroups(ctx, sortedIDs(gids), nil, groups)
}

// maxGroupSize is the most contacts a duplicate group may hold. Links are
// transitive, and in a large workspace chains of shared addresses and
// similar names join thousands of people into one component (25,000 in
// the 1M-contact bench): no operator reviews that as one person, every
// write touching it rewrote it whole, and a page listing it carried all
// its contacts.
const maxGroupSize = 100

// capGroups splits each group larger than maxGroupSize along its exact
// links only (email, phone) and leaves out whatever is still too large.
func capGroups(groups []*groupSummary, keys map[string]*keyHolders, dismissed map[[2]int64]bool) []*groupSummary {
	var out []*groupSummary
	var exact map[string]*keyHolders
	for _, g := range groups {
		if len(g.ids) <= maxGroupSize {
			out = append(out, g)
			continue
		}
		if exact == nil {
			exact = map[string]*keyHolders{}
			for k, h := range keys {
				if h.kind == contactd.MatchEmail || h.kind == contactd.MatchPhone {
					exact[k] = h
				}
			}
		}
		members := make(map[int64]bool, len(g.ids))
		for _, id := range g.ids {
			members[id] = true
		}
		for _, sub := range linkGroups(exact, members, dismissed) {
			if len(sub.ids) <= maxGroupSize {
				out = append(out, sub)
			}
		}
	}
	return out
}

// groupSummary is a group as stored: its members and links.
type groupSummary struct {
	ids   []int64
	rank  int
	links []contactd.DuplicateLink
}

// linkGroups links the visited contacts through keys and returns the
// connected groups of two or more, each with its links.
func linkGroups(keys map[string]*keyHolders, visited map[int64]bool, dismissed map[[2]int64]bool) []*groupSummary {
	links := map[string]*keyLinks{}
	for k, h := range keys {
		if h.n < 2 || h.n > maxKeyMembers {
			continue
		}
		for i, a := range h.members {
			for _, b := range h.members[i+1:] {
				if !visited[a.id] || !visited[b.id] || dismissed[pairOf(a.id, b.id)] {
					continue
				}
				conf := matchConfidence[h.kind]
				if h.kind != contactd.MatchEmail && h.kind != contactd.MatchPhone {
					s, ok := fuzzy.Similar(a.name, b.name)
					if !ok {
						continue
					}
					conf *= s
				}
				links[k] = links[k].add(h.kind, a.id, b.id, conf)
			}
		}
	}
	return groupLinks(links)
}

// keyLinks is what one key links: pairs of contacts, each with the
// confidence of its link.
type keyLinks struct {
	kind  string
	pairs []linkPair
}

type linkPair struct {
	a, b int64
	conf float64
}

// add records a link of a and b; on a nil l it starts the key's links.
func (l *keyLinks) add(kind string, a, b int64, conf float64) *keyLinks {
	if l == nil {
		l = &keyLinks{kind: kind}
	}
	l.pairs = append(l.pairs, linkPair{a, b, conf})
	return l
}

// groupLinks joins linked contacts into groups: the connected ones, each
// group with one link per key that links inside it (the contacts it links
// there and its strongest confidence), strongest link first. A key whose
// pairs fall into two groups is a link of each: two Priya Sharmas and two
// Rahul Vermas sharing a blocking key are two groups, not one.
func groupLinks(links map[string]*keyLinks) []*groupSummary {
	uf := unionFind{}
	for _, l := range links {
		for _, p := range l.pairs {
			uf.union(p.a, p.b)
		}
	}
	byRoot := map[int64]*groupSummary{}
	members := map[int64]map[int64]bool{}
	for _, k := range slices.Sorted(maps.Keys(links)) {
		l := links[k]
		type part struct {
			ids  map[int64]bool
			conf float64
		}
		parts := map[int64]*part{}
		for _, p := range l.pairs {
			r := uf.find(p.a)
			pt := parts[r]
			if pt == nil {
				pt = &part{ids: map[int64]bool{}}
				parts[r] = pt
			}
			pt.ids[p.a], pt.ids[p.b] = true, true
			pt.conf = max(pt.conf, p.conf)
		}
		for _, r := range sortedKeys(parts) {
			pt := parts[r]
			g := byRoot[r]
			if g == nil {
				g = &groupSummary{}
				byRoot[r] = g
				members[r] = map[int64]bool{}
			}
			for id := range pt.ids {
				members[r][id] = true
			}
			g.links = append(g.links, contactd.DuplicateLink{Match: l.kind, Key: k, Confidence: round3(pt.conf), ContactIDs: sortedIDs(pt.ids)})
		}
	}
	out := make([]*groupSummary, 0, len(byRoot))
	for _, r := range sortedKeys(byRoot) {
		g := byRoot[r]
		g.ids = sortedIDs(members[r])
		sort.SliceStable(g.links, func(i, j int) bool { return strongerLink(g.links[i], g.links[j]) })
		g.rank = matchRank[g.links[0].Match]
		out = append(out, g)
	}
	return out
}

// strongerLink orders links: higher confidence, then stronger kind, then key.
func strongerLink(a, b contactd.DuplicateLink) bool {
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	if matchRank[a.Match] != matchRank[b.Match] {
		return matchRank[a.Match] < matchRank[b.Match]
	}
	return a.Key < b.Key
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

func pairOf(a, b int64) [2]int64 {
	if a > b {
		a, b = b, a
	}
	return [2]int64{a, b}
}

// writeGroups replaces the stored groups old with groups. kept names, by
// group id, members whose row stays as it is: a stored group that every
// member of stays in, under the same id, only gains rows for its new
// members rather than being rewritten whole.
func (tx *Tx) writeGroups(ctx context.Context, old []int64, kept map[int64]map[int64]bool, groups []*groupSummary) error {
	ws := tx.actor.WorkspaceID
	var rewrite []int64
	for _, gid := range old {
		if kept[gid] == nil {
			rewrite = append(rewrite, gid)
		}
	}
	for _, chunk := range chunkIDs(old, 500) {
		args, marks := inArgs(ws, chunk)
		if _, err := tx.ExecContext(ctx, `DELETE FROM duplicate_groups WHERE workspace_id = $1 AND group_id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("drop duplicate groups: %w", err)
		}
	}
	for _, chunk := range chunkIDs(rewrite, 500) {
		args, marks := inArgs(ws, chunk)
		if _, err := tx.ExecContext(ctx, `DELETE FROM duplicate_members WHERE workspace_id = $1 AND group_id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("drop duplicate members: %w", err)
		}
	}
	// Batches of bulkChunk rows, however large one group is: a group of
	// ten thousand contacts in one INSERT passed SQLite's limit of 32,766
	// parameters, and the whole write failed.
	gs := newRowBatch(tx, "add duplicate groups", "duplicate_groups", "workspace_id bigint", "group_id bigint",
		"match_rank integer", "size integer", "summary jsonb")
	ms := newRowBatch(tx, "add duplicate members", "duplicate_members", "workspace_id bigint", "contact_id bigint", "group_id bigint")
	for _, g := range groups {
		gid := g.ids[0]
		if err := gs.add(ctx, ws, gid, g.rank, len(g.ids), jsonArg(g.links)); err != nil {
			return err
		}
		for _, id := range g.ids {
			if kept[gid][id] {
				continue // its row is still there
			}
			if err := ms.add(ctx, ws, id, gid); err != nil {
				return err
			}
		}
	}
	if err := gs.flush(ctx); err != nil {
		return err
	}
	return ms.flush(ctx)
}

// groupsOf maps those of ids that are in a group to its id.
func (tx *Tx) groupsOf(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for _, chunk := range chunkIDs(ids, 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		if err := tx.scanPairs(ctx, `SELECT contact_id, group_id FROM duplicate_members WHERE workspace_id = $1 AND contact_id IN (`+marks+`)`, args, func(a, b int64) { out[a] = b }); err != nil {
			return nil, fmt.Errorf("find duplicate groups: %w", err)
		}
	}
	return out, nil
}

// membersOf lists the members of the groups gids.
func (tx *Tx) membersOf(ctx context.Context, gids []int64) ([]int64, error) {
	var out []int64
	err := tx.eachMember(ctx, gids, func(id, _ int64) { out = append(out, id) })
	return out, err
}

// eachMember calls fn with each member of the groups gids and its group.
func (tx *Tx) eachMember(ctx context.Context, gids []int64, fn func(id, gid int64)) error {
	for _, chunk := range chunkIDs(dedupeIDs(gids), 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		// No ORDER BY: SQLite would walk the workspace's members in
		// contact order to give it, rather than look up the groups.
		if err := tx.scanPairs(ctx, `SELECT contact_id, group_id FROM duplicate_members WHERE workspace_id = $1 AND group_id IN (`+marks+`)`, args, fn); err != nil {
			return fmt.Errorf("find duplicate members: %w", err)
		}
	}
	return nil
}

// dismissalsAmong returns the dismissed pairs that touch ids.
func (tx *Tx) dismissalsAmong(ctx context.Context, ids []int64) (map[[2]int64]bool, error) {
	out := map[[2]int64]bool{}
	for _, chunk := range chunkIDs(ids, 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		for _, col := range []string{"contact_a", "contact_b"} {
			if err := tx.scanPairs(ctx, `SELECT contact_a, contact_b FROM duplicate_dismissals WHERE workspace_id = $1 AND `+col+` IN (`+marks+`)`, args, func(a, b int64) { out[pairOf(a, b)] = true }); err != nil {
				return nil, fmt.Errorf("find dismissals: %w", err)
			}
		}
	}
	return out, nil
}

// keyNamesOf lists the keys ids hold.
func (tx *Tx) keyNamesOf(ctx context.Context, ids []int64) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, chunk := range chunkIDs(ids, 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT match_key FROM contact_match_keys WHERE workspace_id = $1 AND contact_id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("load match keys: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// loadHolders fills keys with the holders of names: how many live contacts
// hold each, and who they are when that is 2 to maxKeyMembers (the keys
// that link). Counting first keeps both cheap cases cheap: most keys of a
// batch are held by one contact, and a key held by thousands links nobody.
func (tx *Tx) loadHolders(ctx context.Context, names []string, keys map[string]*keyHolders) error {
	var linking []string
	for start := 0; start < len(names); start += 500 {
		chunk := names[start:min(start+500, len(names))]
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT match_key, count(*) FROM contact_match_keys
			WHERE workspace_id = $1 AND match_key IN (`+marks+`) GROUP BY match_key`, args...)
		if err != nil {
			return fmt.Errorf("count key holders: %w", err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return fmt.Errorf("count key holders: %w", err)
			}
			keys[k] = &keyHolders{n: n}
			if n >= 2 && n <= maxKeyMembers {
				linking = append(linking, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("count key holders: %w", err)
		}
	}
	for start := 0; start < len(linking); start += 500 {
		chunk := linking[start:min(start+500, len(linking))]
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT match_key, kind, contact_id, name FROM contact_match_keys
			WHERE workspace_id = $1 AND match_key IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("load key holders: %w", err)
		}
		for rows.Next() {
			var k, kind, name string
			var id int64
			if err := rows.Scan(&k, &kind, &id, &name); err != nil {
				rows.Close()
				return fmt.Errorf("load key holders: %w", err)
			}
			h := keys[k]
			h.kind = kind
			h.members = append(h.members, keyMember{id: id, name: strings.Fields(name)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load key holders: %w", err)
		}
	}
	for _, k := range linking {
		m := keys[k].members
		sort.Slice(m, func(i, j int) bool { return m[i].id < m[j].id })
	}
	return nil
}

// allHolders lists every holder of key; only for keys crossing
// maxKeyMembers, which hold a few more than that.
func (tx *Tx) allHolders(ctx context.Context, key string) ([]int64, error) {
	var out []int64
	err := tx.scanPairs(ctx, `SELECT contact_id, 0 FROM contact_match_keys WHERE workspace_id = $1 AND match_key = $2`,
		[]any{tx.actor.WorkspaceID, key}, func(a, _ int64) { out = append(out, a) })
	if err != nil {
		return nil, fmt.Errorf("load key holders: %w", err)
	}
	return out, nil
}

// scanPairs runs a query of two integer columns.
func (tx *Tx) scanPairs(ctx context.Context, q string, args []any, fn func(a, b int64)) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		fn(a, b)
	}
	return rows.Err()
}

// inArgs returns ws followed by values as arguments, and "$2, $3, ..." for
// an IN list of the values.
func inArgs[T any](ws int64, values []T) ([]any, string) {
	args := make([]any, 0, len(values)+1)
	args = append(args, ws)
	marks := make([]string, len(values))
	for i, v := range values {
		args = append(args, v)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	return args, strings.Join(marks, ", ")
}

func chunkIDs[T any](ids []T, n int) [][]T {
	var out [][]T
	for start := 0; start < len(ids); start += n {
		out = append(out, ids[start:min(start+n, len(ids))])
	}
	return out
}

func sortedIDs(set map[int64]bool) []int64 {
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func sortedKeys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func dedupeIDs(ids []int64) []int64 {
	set := map[int64]bool{}
	for _, id := range ids {
		set[id] = true
	}
	return sortedIDs(set)
}

// backfillMatchKeys gives the contacts that predate match keys (listed by
// migration 0005 in match_key_backfill) their keys and groups, a thousand
// at a time. Open runs it after migrating; an empty queue costs one query.
func (db *DB) backfillMatchKeys(ctx context.Context) error {
	for {
		var ws int64
		err := db.write.QueryRowContext(ctx, `SELECT workspace_id FROM match_key_backfill ORDER BY workspace_id LIMIT 1`).Scan(&ws)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return fmt.Errorf("backfill match keys: %w", err)
		}
		wctx := contactd.WithActor(ctx, contactd.Actor{WorkspaceID: ws, Role: contactd.RoleAdmin})
		err = db.inTx(wctx, func(tx *Tx) error {
			var ids []int64
			if err := tx.scanPairs(ctx, `SELECT contact_id, 0 FROM match_key_backfill WHERE workspace_id = $1 ORDER BY contact_id LIMIT 1000`,
				[]any{ws}, func(a, _ int64) { ids = append(ids, a) }); err != nil {
				return fmt.Errorf("backfill match keys: %w", err)
			}
			// Locked like every other writer's, so no change of theirs
			// interleaves with this one.
			cs, err := tx.lockContacts(ctx, ids)
			if err != nil {
				return err
			}
			if err := tx.refreshMatchKeys(ctx, cs...); err != nil {
				return err
			}
			args, marks := inArgs(ws, ids)
			if _, err := tx.ExecContext(ctx, `DELETE FROM match_key_backfill WHERE workspace_id = $1 AND contact_id IN (`+marks+`)`, args...); err != nil {
				return fmt.Errorf("backfill match keys: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// contactsAt picks built[i] for each i of idx.
func contactsAt(built []*contactd.Contact, idx []int) []*contactd.Contact {
	out := make([]*contactd.Contact, len(idx))
	for j, i := range idx {
		out[j] = built[i]
	}
	return out
}
