package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/contactd/contactd"
)

// checkColumns are what judging a contact reads: no names, no custom
// fields, no times.
const checkColumns = `c.id, c.phone_e164, c.email, c.timezone, c.phone_country, c.phone_type, c.dnc, c.status,
	c.alt_phones, c.alt_emails, c.phone_timezones`

// checkScan reads contacts for a check into a batch of Contacts that is
// reused from batch to batch, decoding the JSON lists only when they are
// not empty: a million-member segment then costs a few strings a member,
// not a dozen decoded columns.
type checkScan struct {
	batch               []contactd.Contact
	ptrs                []*contactd.Contact
	alt, altMail, zones sql.RawBytes
	zoneLists           map[string][]string // phone_timezones as stored -> decoded, shared
}

// maxZoneLists bounds the cache of decoded phone_timezones: there are a few
// hundred distinct lists in the world.
const maxZoneLists = 4096

func newCheckScan() *checkScan {
	return &checkScan{batch: make([]contactd.Contact, checkBatch), ptrs: make([]*contactd.Contact, 0, checkBatch),
		zoneLists: map[string][]string{}}
}

// scan reads the row into the batch's next Contact.
func (s *checkScan) scan(rows *sql.Rows) (*contactd.Contact, error) {
	c := &s.batch[len(s.ptrs)]
	*c = contactd.Contact{}
	if err := rows.Scan(&c.ID, &c.PhoneE164, &c.Email, &c.Timezone, &c.PhoneCountry, &c.PhoneType, &c.DNC, &c.Status,
		&s.alt, &s.altMail, &s.zones); err != nil {
		return nil, err
	}
	var err error
	if c.AltPhones, err = stringList(s.alt); err != nil {
		return nil, fmt.Errorf("contact %d: alt_phones: %w", c.ID, err)
	}
	if c.AltEmails, err = stringList(s.altMail); err != nil {
		return nil, fmt.Errorf("contact %d: alt_emails: %w", c.ID, err)
	}
	if zones, ok := s.zoneLists[string(s.zones)]; ok {
		c.PhoneTimezones = zones
	} else {
		if c.PhoneTimezones, err = stringList(s.zones); err != nil {
			return nil, fmt.Errorf("contact %d: phone_timezones: %w", c.ID, err)
		}
		if len(s.zoneLists) < maxZoneLists {
			s.zoneLists[string(s.zones)] = c.PhoneTimezones
		}
	}
	s.ptrs = append(s.ptrs, c)
	return c, nil
}

// stringList decodes a stored JSON list of strings; the empty list, by far
// the most common, costs nothing.
func stringList(raw []byte) ([]string, error) {
	if len(raw) == 0 || string(raw) == "[]" {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// full reports whether the batch has no room left.
func (s *checkScan) full() bool { return len(s.ptrs) == len(s.batch) }

// take returns the batch read so far and starts the next one over the same
// Contacts: the caller must be done with them before scanning on.
func (s *checkScan) take() []*contactd.Contact {
	out := s.ptrs
	s.ptrs = s.ptrs[:0]
	return out
}

// segment judges every active member of a segment, a batch at a time, from
// one query (one snapshot) in id order. Returns ENotFound for the segment.
func (ck *checker) segment(ctx context.Context, segmentID int64) error {
	s, err := findSegment(ctx, ck.db.read, ck.ws, segmentID, "")
	if err != nil {
		return err
	}
	sel, err := ck.db.segmentSelection(ctx, ck.db.read, s, ck.db.now(), false)
	if err != nil {
		return err
	}
	rows, err := ck.db.read.QueryContext(ctx, `SELECT `+checkColumns+` FROM `+sel.from+` WHERE `+sel.w.sql()+` ORDER BY `+sel.order, sel.w.args...)
	if err != nil {
		return fmt.Errorf("read segment members: %w", err)
	}
	defer rows.Close()
	sc := newCheckScan()
	for rows.Next() {
		if _, err := sc.scan(rows); err != nil {
			return fmt.Errorf("read segment members: %w", err)
		}
		if sc.full() {
			if err := ck.contacts(ctx, sc.take(), nil); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read segment members: %w", err)
	}
	if batch := sc.take(); len(batch) > 0 {
		return ck.contacts(ctx, batch, nil)
	}
	return nil
}
