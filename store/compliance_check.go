package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/callwindow"
	"github.com/contactd/contactd/phone"
)

// Limits of a check's explicit lists; bigger sets are checked as a segment.
const (
	MaxCheckContactIDs = 10000
	MaxCheckPhones     = 10000
	// checkBatch is how many contacts one round of lookups covers: what is
	// not held in memory (consents, big lists) is looked up with a few
	// queries of checkBatch values each.
	checkBatch = 1000
)

// RunComplianceCheck judges whether each contact or number of chk may be
// called (or texted) at chk.At, and calls fn, in order, for each one that
// may not, with every reason that applies. It returns the counts over all
// of them. Memory stays constant however many members a segment has:
// members are streamed and judged a batch at a time, against the DNC
// numbers and erased identities held in memory when there are not too many
// (8 bytes a number up to a million) and looked up per batch otherwise.
// Returns EInvalid for a malformed request, ENotFound for an unknown
// segment, and whatever fn returns.
func (db *DB) RunComplianceCheck(ctx context.Context, chk contactd.ComplianceCheck, fn func(*contactd.Suppressed) error) (*contactd.CheckSummary, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var fe fieldErrors
	modes := 0
	if chk.SegmentID != 0 {
		modes++
		if chk.SegmentID < 0 {
			fe.add("segment_id", "invalid", "segment_id must be a positive id")
		}
	}
	if chk.ContactIDs != nil {
		modes++
		if len(chk.ContactIDs) == 0 || len(chk.ContactIDs) > MaxCheckContactIDs {
			fe.add("contact_ids", "invalid", "send 1 to %d contact ids (check bigger sets as a segment)", MaxCheckContactIDs)
		}
		for i, id := range chk.ContactIDs {
			if id <= 0 {
				fe.add(fmt.Sprintf("contact_ids[%d]", i), "invalid", "ids are positive integers")
				break
			}
		}
	}
	if chk.Phones != nil {
		modes++
		if len(chk.Phones) == 0 || len(chk.Phones) > MaxCheckPhones {
			fe.add("phones", "invalid", "send 1 to %d phones", MaxCheckPhones)
		}
	}
	if modes != 1 {
		fe.add("segment_id", "invalid", "send exactly one of segment_id, contact_ids and phones")
	}
	if chk.Channel == "" {
		chk.Channel = contactd.ChannelVoice
	}
	if chk.Channel != contactd.ChannelVoice && chk.Channel != contactd.ChannelSMS {
		fe.add("channel", "invalid", "channel must be voice or sms")
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	region := pickRegion(&fe, chk.DefaultRegion, "", ws.DefaultRegion)
	if err := fe.err(); err != nil {
		return nil, err
	}
	if chk.At.IsZero() {
		chk.At = db.now()
	}
	ck, err := db.newChecker(ctx, actor.WorkspaceID, chk)
	if err != nil {
		return nil, err
	}
	ck.emit = fn
	switch {
	case chk.SegmentID > 0:
		err = ck.segment(ctx, chk.SegmentID)
	case chk.ContactIDs != nil:
		err = ck.contactIDs(ctx, distinctCheckIDs(chk.ContactIDs))
	default:
		err = ck.phones(ctx, chk.Phones, region)
	}
	if err != nil {
		return nil, err
	}
	return &ck.sum, nil
}

func distinctCheckIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// checker holds what a check needs besides the members: the workspace's
// rules, its lists and prefixes (few), and its erasure key.
type checker struct {
	db          *DB
	ws          int64
	at          time.Time
	channel     string
	window      callwindow.Window
	requireOK   bool
	lists       map[int64]*contactd.DNCList
	stale       []*contactd.DNCList
	prefixes    map[string]bool
	exact       []uint64 // sorted, when the lists' numbers are held in memory
	held        bool     // exact is the whole truth: no per-batch lookups
	key         identityKey
	erasedSet   map[string]bool // all erased hashes, when few
	anyConsents bool
	sum         contactd.CheckSummary
	emit        func(*contactd.Suppressed) error
}

func (db *DB) newChecker(ctx context.Context, ws int64, chk contactd.ComplianceCheck) (*checker, error) {
	settings, err := db.FindComplianceSettings(ctx)
	if err != nil {
		return nil, err
	}
	w, err := settingsWindow(settings)
	if err != nil {
		return nil, err
	}
	ck := &checker{db: db, ws: ws, at: chk.At, channel: chk.Channel, window: w, requireOK: settings.RequireConsent,
		prefixes: map[string]bool{}}
	ck.sum.ByReason = make(map[string]int64, len(contactd.Reasons))
	for _, r := range contactd.Reasons {
		ck.sum.ByReason[r] = 0
	}
	if ck.lists, err = findDNCLists(ctx, db.read, ws); err != nil {
		return nil, err
	}
	for _, l := range ck.lists {
		if l.Stale(chk.At) {
			ck.stale = append(ck.stale, l)
		}
	}
	// Prefix entries are few (ranges, not people): all of them are held.
	rows, err := db.read.QueryContext(ctx, `SELECT list_id, generation, number, channel, expires_at FROM dnc_entries
		WHERE workspace_id = $1 AND is_prefix = $2`, ws, true)
	if err != nil {
		return nil, fmt.Errorf("load dnc prefixes: %w", err)
	}
	for rows.Next() {
		var h dncHit
		if err := rows.Scan(&h.list, &h.generation, &h.number, &h.channel, &h.expires); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load dnc prefixes: %w", err)
		}
		if ck.counts(h) {
			ck.prefixes[h.number] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := ck.holdNumbers(ctx); err != nil {
		return nil, err
	}
	if ck.key, err = readIdentityKey(ctx, db.read, ws); err != nil {
		return nil, err
	}
	if ck.key != nil {
		if err := ck.holdErased(ctx); err != nil {
			return nil, err
		}
	}
	var one int
	err = db.read.QueryRowContext(ctx, `SELECT 1 FROM contact_consents WHERE workspace_id = $1 LIMIT 1`, ws).Scan(&one)
	ck.anyConsents = err == nil
	return ck, nil
}

// Up to maxHeldNumbers DNC numbers are held in memory for a check (8 bytes
// each: 8 MB), which makes each lookup a binary search instead of an index
// probe; bigger lists (a national registry) are probed a batch at a time.
// Up to maxHeldErased erased identities are held likewise. Variables so
// that tests can take the other path.
var (
	maxHeldNumbers = 1 << 20
	maxHeldErased  = 100000
)

// holdNumbers loads the numbers of the workspace's lists that count for the
// check, when there are not too many of them.
func (ck *checker) holdNumbers(ctx context.Context) error {
	var n int
	if err := ck.db.read.QueryRowContext(ctx, `SELECT count(*) FROM dnc_entries WHERE workspace_id = $1 AND is_prefix = $2`, ck.ws, false).Scan(&n); err != nil {
		return fmt.Errorf("count dnc entries: %w", err)
	}
	if n > maxHeldNumbers {
		return nil
	}
	rows, err := ck.db.read.QueryContext(ctx, `SELECT list_id, generation, number, channel, expires_at FROM dnc_entries
		WHERE workspace_id = $1 AND is_prefix = $2`, ck.ws, false)
	if err != nil {
		return fmt.Errorf("load dnc entries: %w", err)
	}
	defer rows.Close()
	ck.exact = make([]uint64, 0, n)
	for rows.Next() {
		var h dncHit
		if err := rows.Scan(&h.list, &h.generation, &h.number, &h.channel, &h.expires); err != nil {
			return fmt.Errorf("load dnc entries: %w", err)
		}
		if v, ok := e164Key(h.number); ok && ck.counts(h) {
			ck.exact = append(ck.exact, v)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(ck.exact)
	ck.held = true
	return nil
}

// e164Key packs an E.164 number (at most 15 digits) into an integer.
func e164Key(n string) (uint64, bool) {
	if len(n) < 2 || len(n) > 16 || n[0] != '+' {
		return 0, false
	}
	v, err := strconv.ParseUint(n[1:], 10, 64)
	return v, err == nil
}

// holdErased loads the workspace's erased identities when they are few.
func (ck *checker) holdErased(ctx context.Context) error {
	var n int
	if err := ck.db.read.QueryRowContext(ctx, `SELECT count(*) FROM erased_identities WHERE workspace_id = $1`, ck.ws).Scan(&n); err != nil {
		return fmt.Errorf("count erased identities: %w", err)
	}
	if n > maxHeldErased {
		return nil
	}
	rows, err := ck.db.read.QueryContext(ctx, `SELECT hash FROM erased_identities WHERE workspace_id = $1`, ck.ws)
	if err != nil {
		return fmt.Errorf("load erased identities: %w", err)
	}
	defer rows.Close()
	ck.erasedSet = make(map[string]bool, n)
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return err
		}
		ck.erasedSet[h] = true
	}
	return rows.Err()
}

// dncHit is one entry found for a number.
type dncHit struct {
	list, generation int64
	number, channel  string
	expires          scanTime
}

// counts reports whether an entry suppresses the check's channel at its
// time: it is in its list's current load, covers the channel, and has not
// expired.
func (ck *checker) counts(h dncHit) bool {
	l := ck.lists[h.list]
	if l == nil || l.Generation != h.generation || !channelCovers(h.channel, ck.channel) {
		return false
	}
	return !h.expires.Valid || h.expires.T.After(ck.at)
}

// lookup finds which of numbers are suppressed by an exact entry, and which
// are an erased person's (hashes holds emails to test too).
func (ck *checker) lookup(ctx context.Context, numbers []string, emails []string) (dnc map[string]bool, erased map[string]bool, err error) {
	dnc = map[string]bool{}
	if ck.held {
		for _, n := range numbers {
			if v, ok := e164Key(n); ok {
				if _, found := slices.BinarySearch(ck.exact, v); found {
					dnc[n] = true
				}
			}
		}
	}
	for start := 0; start < len(numbers) && !ck.held; start += checkBatch {
		chunk := numbers[start:min(start+checkBatch, len(numbers))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, ck.ws, false)
		for _, n := range chunk {
			args = append(args, n)
		}
		rows, err := ck.db.read.QueryContext(ctx, `SELECT list_id, generation, number, channel, expires_at FROM dnc_entries
			WHERE workspace_id = $1 AND is_prefix = $2 AND number IN `+placeholders(3, len(chunk)), args...)
		if err != nil {
			return nil, nil, fmt.Errorf("look up dnc entries: %w", err)
		}
		for rows.Next() {
			var h dncHit
			if err := rows.Scan(&h.list, &h.generation, &h.number, &h.channel, &h.expires); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("look up dnc entries: %w", err)
			}
			if ck.counts(h) {
				dnc[h.number] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	if len(ck.prefixes) > 0 {
		for _, n := range numbers {
			for _, p := range prefixesOf(n) {
				if ck.prefixes[p] {
					dnc[n] = true
					break
				}
			}
		}
	}
	erased = map[string]bool{}
	if ck.key == nil {
		return dnc, erased, nil
	}
	byHash := make(map[string]string, len(numbers)+len(emails))
	hashes := make([]string, 0, len(numbers)+len(emails))
	for _, n := range numbers {
		h := ck.key.phone(n)
		byHash[h] = n
		hashes = append(hashes, h)
	}
	for _, e := range emails {
		h := ck.key.email(e)
		byHash[h] = e
		hashes = append(hashes, h)
	}
	found := ck.erasedSet
	if found == nil {
		if found, err = erasedHashes(ctx, ck.db.read, ck.ws, hashes); err != nil {
			return nil, nil, err
		}
	}
	for _, h := range hashes {
		if found[h] {
			erased[byHash[h]] = true
		}
	}
	return dnc, erased, nil
}

// staleFor reports whether a stale registry list covers a number of region.
func (ck *checker) staleFor(region string) bool {
	for _, l := range ck.stale {
		if l.Region == "" || l.Region == region {
			return true
		}
	}
	return false
}

// judgement is what is known about one item before its reasons are decided.
type judgement struct {
	contactID *int64
	phone     string
	input     string
	reasons   []string
}

func (ck *checker) record(j *judgement) error {
	ck.sum.Total++
	if len(j.reasons) == 0 {
		ck.sum.Callable++
		return nil
	}
	ck.sum.Suppressed++
	ordered := make([]string, 0, len(j.reasons))
	for _, r := range contactd.Reasons {
		for _, got := range j.reasons {
			if got == r {
				ordered = append(ordered, r)
				ck.sum.ByReason[r]++
				break
			}
		}
	}
	if ck.emit == nil {
		return nil
	}
	return ck.emit(&contactd.Suppressed{ContactID: j.contactID, PhoneE164: j.phone, Input: j.input, Reasons: ordered})
}

// personReasons are the reasons that come from the person rather than the
// number: opt-out, consent.
func (ck *checker) personReasons(optedOut bool, history []*contactd.Consent) []string {
	var out []string
	latest := latestConsent(history, ck.channel)
	if optedOut || (latest != nil && latest.Status == contactd.ConsentRevoked) {
		out = append(out, contactd.ReasonOptedOut)
	}
	if ck.requireOK && (latest == nil || latest.Status != contactd.ConsentGranted) {
		out = append(out, contactd.ReasonNoConsent)
	}
	return out
}

// numberReasons judges a number: DNC, erased, registry age and the calling
// window in zones.
func (ck *checker) numberReasons(number, region string, zones []string, dnc, erased map[string]bool) []string {
	var out []string
	if dnc[number] {
		out = append(out, contactd.ReasonDNC)
	}
	if erased[number] {
		out = append(out, contactd.ReasonErased)
	}
	if ck.staleFor(region) {
		out = append(out, contactd.ReasonStaleRegistry)
	}
	switch ck.window.Judge(ck.at, zones) {
	case callwindow.Outside:
		out = append(out, contactd.ReasonOutsideWindow)
	case callwindow.Unknown:
		out = append(out, contactd.ReasonTimezoneUnknown)
	}
	return out
}

// consentsOf loads the consent history of contacts, by contact.
func (ck *checker) consentsOf(ctx context.Context, ids []int64) (map[int64][]*contactd.Consent, error) {
	out := map[int64][]*contactd.Consent{}
	if !ck.anyConsents || len(ids) == 0 {
		return out, nil
	}
	for start := 0; start < len(ids); start += checkBatch {
		all, err := findConsents(ctx, ck.db.read, ck.ws, ids[start:min(start+checkBatch, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			out[c.ContactID] = append(out[c.ContactID], c)
		}
	}
	return out, nil
}

// contacts judges a batch of contacts. missing lists requested ids that do
// not exist, reported in place (nil entries of batch mark where).
func (ck *checker) contacts(ctx context.Context, batch []*contactd.Contact, missing []int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var numbers, emails []string
	var ids []int64
	for _, c := range batch {
		if c == nil || c.Status != contactd.StatusActive {
			continue
		}
		ids = append(ids, c.ID)
		for _, p := range append([]string{c.PhoneE164}, c.AltPhones...) {
			if p != "" {
				numbers = append(numbers, p)
			}
		}
		if c.Email != "" {
			emails = append(emails, c.Email)
		}
		emails = append(emails, c.AltEmails...)
	}
	dnc, erased, err := ck.lookup(ctx, numbers, emails)
	if err != nil {
		return err
	}
	consents, err := ck.consentsOf(ctx, ids)
	if err != nil {
		return err
	}
	m := 0
	for _, c := range batch {
		if c == nil {
			id := missing[m]
			m++
			if err := ck.record(&judgement{contactID: &id, reasons: []string{contactd.ReasonNotFound}}); err != nil {
				return err
			}
			continue
		}
		id := c.ID
		j := &judgement{contactID: &id, phone: c.PhoneE164}
		switch c.Status {
		case contactd.StatusErased:
			j.reasons = []string{contactd.ReasonErased}
		case contactd.StatusDeleted:
			j.reasons = []string{contactd.ReasonDeleted}
		case contactd.StatusMerged:
			j.reasons = []string{contactd.ReasonMerged}
		default:
			j.reasons = ck.contactReasons(c, dnc, erased, consents[c.ID])
		}
		if err := ck.record(j); err != nil {
			return err
		}
	}
	return nil
}

func (ck *checker) contactReasons(c *contactd.Contact, dnc, erased map[string]bool, history []*contactd.Consent) []string {
	var out []string
	if c.PhoneE164 == "" {
		out = append(out, contactd.ReasonInvalidPhone)
	} else {
		zones := callwindow.Zones(c.Timezone, c.PhoneTimezones, c.PhoneCountry, c.PhoneType)
		out = ck.numberReasons(c.PhoneE164, c.PhoneCountry, zones, dnc, erased)
	}
	// Any number of the person on a list suppresses them: a merged-in
	// number that asked not to be called still belongs to the same person.
	for _, p := range c.AltPhones {
		if dnc[p] && !containsString(out, contactd.ReasonDNC) {
			out = append(out, contactd.ReasonDNC)
		}
		if erased[p] && !containsString(out, contactd.ReasonErased) {
			out = append(out, contactd.ReasonErased)
		}
	}
	for _, e := range append([]string{c.Email}, c.AltEmails...) {
		if e != "" && erased[e] && !containsString(out, contactd.ReasonErased) {
			out = append(out, contactd.ReasonErased)
		}
	}
	return append(out, ck.personReasons(c.DNC, history)...)
}

// contactIDs judges contacts by id, in the order given.
func (ck *checker) contactIDs(ctx context.Context, ids []int64) error {
	for start := 0; start < len(ids); start += checkBatch {
		chunk := ids[start:min(start+checkBatch, len(ids))]
		args := []any{ck.ws}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := ck.db.read.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.workspace_id = $1 AND c.id IN `+placeholders(2, len(chunk)), args...)
		if err != nil {
			return fmt.Errorf("find contacts to check: %w", err)
		}
		found := map[int64]*contactd.Contact{}
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("find contacts to check: %w", err)
			}
			found[c.ID] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		batch := make([]*contactd.Contact, len(chunk))
		var missing []int64
		for i, id := range chunk {
			batch[i] = found[id]
			if batch[i] == nil {
				missing = append(missing, id)
			}
		}
		if err := ck.contacts(ctx, batch, missing); err != nil {
			return err
		}
	}
	return nil
}

// phones judges raw numbers. A number that is a live contact's phone is
// judged as that contact too: its opt-out, consent and own time zone.
func (ck *checker) phones(ctx context.Context, raws []string, region string) error {
	for start := 0; start < len(raws); start += checkBatch {
		chunk := raws[start:min(start+checkBatch, len(raws))]
		parsed := make([]*phone.Number, len(chunk))
		var numbers []string
		for i, raw := range chunk {
			if n, err := phone.Normalize(raw, region); err == nil {
				parsed[i] = &n
				numbers = append(numbers, n.E164)
			}
		}
		owners, err := ck.liveContacts(ctx, numbers)
		if err != nil {
			return err
		}
		var ids []int64
		for _, o := range owners {
			ids = append(ids, o.ID)
		}
		dnc, erased, err := ck.lookup(ctx, numbers, nil)
		if err != nil {
			return err
		}
		consents, err := ck.consentsOf(ctx, ids)
		if err != nil {
			return err
		}
		for i, raw := range chunk {
			j := &judgement{input: truncate(raw, 100)}
			n := parsed[i]
			if n == nil {
				j.reasons = []string{contactd.ReasonInvalidPhone}
				if err := ck.record(j); err != nil {
					return err
				}
				continue
			}
			j.phone = n.E164
			own := ""
			owner := owners[n.E164]
			if owner != nil {
				id := owner.ID
				j.contactID, own = &id, owner.Timezone
			}
			zones := callwindow.Zones(own, n.TimeZones, n.Country, n.Type)
			j.reasons = ck.numberReasons(n.E164, n.Country, zones, dnc, erased)
			if owner != nil {
				j.reasons = append(j.reasons, ck.personReasons(owner.DNC, consents[owner.ID])...)
			} else {
				j.reasons = append(j.reasons, ck.personReasons(false, nil)...)
			}
			if err := ck.record(j); err != nil {
				return err
			}
		}
	}
	return nil
}

// liveContacts maps numbers to the active contacts holding them.
func (ck *checker) liveContacts(ctx context.Context, numbers []string) (map[string]*contactd.Contact, error) {
	out := map[string]*contactd.Contact{}
	if len(numbers) == 0 {
		return out, nil
	}
	args := []any{ck.ws}
	for _, n := range numbers {
		args = append(args, n)
	}
	rows, err := ck.db.read.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts c
		WHERE c.workspace_id = $1 AND c.status = 'active' AND c.phone_e164 IN `+placeholders(2, len(numbers)), args...)
	if err != nil {
		return nil, fmt.Errorf("find contacts of phones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		out[c.PhoneE164] = c
	}
	return out, rows.Err()
}
