package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/fuzzy"
)

// Regrouping a new contact by walking (regroupWith) reloads the keys of
// every contact its links reach, although the groups those contacts are in
// already say how they link. In a dense workspace that walk hit
// maxRegroupVisit on every batch of an import: a fixed cost of a quarter
// of a second per batch, and past the bound the walk cut direct links of
// the batch's own contacts (of 1,440 new contacts with a shared key in a
// 2,000-row batch, links of about a fifth were never looked at). New
// contacts join the groups they link to instead (attachFresh).
//
// A contact this transaction inserted has no dismissals, no stored keys
// but the ones it was given, and no group but one the walk of the
// transaction's edited contacts (which runs first) may have given it, so
// what it changes is the links it brings: pairs of it and the other
// holders of its keys. The new groups are the stored groups those links
// reach, united through the new links, which are merged into the stored
// ones by key as linkGroups would have built them from scratch. Two more rules of linkGroups apply here too:
//   - a key whose holders now pass maxKeyMembers stops linking: its links
//     leave the stored groups of its holders, which may fall apart;
//   - a group of more than maxGroupSize is split along its exact links
//     (email, phone), and what is still too large is left out (capGroups).
//
// One difference from a walk remains by design: a contact left out of
// review because its component passed maxGroupSize has no stored group to
// join, so a new contact linked to it forms a group with it alone. That
// group is a real pair of linked people; the next walk through it (an
// edit of either) applies the cap to the whole component again.

// attachFresh regroups the fresh contacts of cs (inserted by this
// transaction, each with its keys, one of which another contact holds)
// by joining them to the groups they link to, and unlinks the holders of
// the keys that passed maxKeyMembers (crossed). keys holds every holder of
// the keys the transaction added (holdersOfDelta).
func (tx *Tx) attachFresh(ctx context.Context, cs map[int64][]matchKey, crossed map[string]bool, keys map[string]*keyHolders) error {
	fresh := map[string]*keyLinks{}
	var reached []int64 // contacts whose groups change
	for _, id := range slices.Sorted(maps.Keys(cs)) {
		for _, k := range cs[id] {
			h := keys[k.key]
			if h == nil || h.n < 2 || h.n > maxKeyMembers {
				continue
			}
			self := -1
			for i, m := range h.members {
				if m.id == id {
					self = i
				}
			}
			if self < 0 {
				return fmt.Errorf("regroup: contact %d is not among the holders of its key", id)
			}
			me := h.members[self]
			for _, m := range h.members {
				// A pair of two fresh contacts is taken once, from the
				// later one; a pair of two older ones is in their groups.
				if _, isFresh := cs[m.id]; m.id == id || (isFresh && m.id > id) {
					continue
				}
				conf := matchConfidence[h.kind]
				if h.kind != contactd.MatchEmail && h.kind != contactd.MatchPhone {
					a, b := m.name, me.name // in id order, as linkGroups compares them
					if m.id > id {
						a, b = b, a
					}
					s, ok := fuzzy.Similar(a, b)
					if !ok {
						continue
					}
					conf *= s
				}
				fresh[k.key] = fresh[k.key].add(h.kind, m.id, id, conf)
				// Fresh ones too: the walk of the transaction's other
				// contacts may have put them in groups already.
				reached = append(reached, m.id, id)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(crossed)) {
		holders, err := tx.allHolders(ctx, k)
		if err != nil {
			return err
		}
		reached = append(reached, holders...)
	}
	if len(fresh) == 0 && len(reached) == 0 {
		return nil
	}
	oldGroup, err := tx.groupsOf(ctx, dedupeIDs(reached))
	if err != nil {
		return err
	}
	stored, err := tx.storedGroups(ctx, oldGroup)
	if err != nil {
		return err
	}
	// Every link, stored or new, by key. A stored link joins contacts of
	// one group, which are connected anyway, so it is taken as a chain of
	// pairs at its confidence; it names members of its group only
	// (summaries written before groupLinks could name others) and stops
	// where its key stopped linking.
	links := fresh
	for _, g := range stored {
		members := inGroup(g.ids)
		for _, l := range g.links {
			if !crossed[l.Key] {
				links[l.Key] = chainLinks(links[l.Key], l, members)
			}
		}
	}
	return tx.replaceGroups(ctx, stored, capAttached(groupLinks(links)))
}

// crossedKeys lists the keys of delta whose holders passed maxKeyMembers
// with this change: they stop linking anyone.
func crossedKeys(delta map[string]int, keys map[string]*keyHolders) map[string]bool {
	crossed := map[string]bool{}
	for k, d := range delta {
		now := 0
		if h := keys[k]; h != nil {
			now = h.n
		}
		if before := now - d; before <= maxKeyMembers && now > maxKeyMembers {
			crossed[k] = true
		}
	}
	return crossed
}

// chainLinks adds to into the members of link as a chain of pairs at
// the link's confidence.
func chainLinks(into *keyLinks, link contactd.DuplicateLink, members map[int64]bool) *keyLinks {
	prev := int64(-1)
	for _, id := range link.ContactIDs {
		if !members[id] {
			continue
		}
		if prev >= 0 {
			into = into.add(link.Match, prev, id, link.Confidence)
		}
		prev = id
	}
	return into
}

// capAttached applies capGroups' rule to groups made from links: one of
// more than maxGroupSize is split along its exact links, and the parts
// still too large are left out.
func capAttached(groups []*groupSummary) []*groupSummary {
	var out []*groupSummary
	for _, g := range groups {
		if len(g.ids) <= maxGroupSize {
			out = append(out, g)
			continue
		}
		exact := map[string]*keyLinks{}
		members := inGroup(g.ids)
		for _, l := range g.links {
			if l.Match == contactd.MatchEmail || l.Match == contactd.MatchPhone {
				exact[l.Key] = chainLinks(exact[l.Key], l, members)
			}
		}
		for _, sub := range groupLinks(exact) {
			if len(sub.ids) <= maxGroupSize {
				out = append(out, sub)
			}
		}
	}
	return out
}

// replaceGroups stores groups in place of the stored ones they were made
// from. Most are one stored group with new contacts added, under the same
// id (new contacts have the highest ids): its members' rows stay and only
// the new members are added.
func (tx *Tx) replaceGroups(ctx context.Context, stored []*storedGroup, groups []*groupSummary) error {
	byID := make(map[int64]*storedGroup, len(stored))
	old := make([]int64, len(stored))
	for i, g := range stored {
		byID[g.id], old[i] = g, g.id
	}
	kept := map[int64]map[int64]bool{}
	for _, g := range groups {
		s := byID[g.ids[0]]
		if s == nil {
			continue
		}
		in := inGroup(g.ids)
		all := true
		for _, id := range s.ids {
			all = all && in[id]
		}
		if all {
			kept[s.id] = inGroup(s.ids)
		}
	}
	return tx.writeGroups(ctx, old, kept, groups)
}

// storedGroup is a group as duplicate_groups and duplicate_members hold it.
type storedGroup struct {
	id    int64
	ids   []int64
	links []contactd.DuplicateLink
}

// storedGroups loads the groups named in byContact (contact -> group).
func (tx *Tx) storedGroups(ctx context.Context, byContact map[int64]int64) ([]*storedGroup, error) {
	set := map[int64]bool{}
	for _, g := range byContact {
		set[g] = true
	}
	gids := sortedIDs(set)
	byID := make(map[int64]*storedGroup, len(gids))
	var out []*storedGroup
	for _, chunk := range chunkIDs(gids, 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT group_id, summary FROM duplicate_groups WHERE workspace_id = $1 AND group_id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("load duplicate groups: %w", err)
		}
		for rows.Next() {
			g := &storedGroup{}
			var summary []byte
			if err := rows.Scan(&g.id, &summary); err != nil {
				rows.Close()
				return nil, fmt.Errorf("load duplicate groups: %w", err)
			}
			if err := json.Unmarshal(summary, &g.links); err != nil {
				rows.Close()
				return nil, fmt.Errorf("duplicate group %d: bad summary: %w", g.id, err)
			}
			byID[g.id] = g
			out = append(out, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load duplicate groups: %w", err)
		}
	}
	if err := tx.eachMember(ctx, gids, func(id, gid int64) {
		if g := byID[gid]; g != nil {
			g.ids = append(g.ids, id)
		}
	}); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	for _, g := range out {
		sort.Slice(g.ids, func(i, j int) bool { return g.ids[i] < g.ids[j] })
	}
	return out, nil
}

// inGroup is the set of ids.
func inGroup(ids []int64) map[int64]bool {
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// unionFind joins contacts into components; the smallest id is the root.
type unionFind map[int64]int64

func (u unionFind) find(x int64) int64 {
	p, ok := u[x]
	if !ok || p == x {
		return x
	}
	r := u.find(p)
	u[x] = r
	return r
}

func (u unionFind) union(a, b int64) {
	ra, rb := u.find(a), u.find(b)
	switch {
	case ra < rb:
		u[rb] = ra
	case rb < ra:
		u[ra] = rb
	}
}
