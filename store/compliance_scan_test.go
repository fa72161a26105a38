package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A segment's members are read lean for a check (a few columns, lists
// decoded only when not empty, zone lists shared); contact_ids are read
// whole. Both must judge a contact alike: alternate phones on a list, an
// erased person's alternate email, the contact's own opt-out and consents,
// its own zone or its number's zones.
func TestSegmentCheckJudgesAsContactIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		inputs := []contactd.ContactInput{
			{PhoneE164: "+919900000001", AltPhones: []string{"+919812345678"}, Email: "a@example.com"},
			{PhoneE164: "+12125550143", AltEmails: []string{"gone@example.com", "b@example.com"}},
			{PhoneE164: "+447400123456", Timezone: "America/New_York"},
			{PhoneE164: "+13105550100"},
			{PhoneE164: "+919900000005", Tags: []string{"x"}},
			{PhoneE164: "+33612345678"},
			{PhoneE164: "+919900000007", AltPhones: []string{"+447400123457", "+12125550144"}},
		}
		var ids []int64
		for _, in := range inputs {
			c, err := db.CreateContact(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		for _, p := range []string{"+919812345678", "+12125550144"} {
			if _, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: p}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := db.OptOut(ctx, ids[3], contactd.OptOutInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordConsent(ctx, ids[4], contactd.ConsentInput{Channel: contactd.ChannelVoice, Status: contactd.ConsentRevoked, Source: "web_form"}); err != nil {
			t.Fatal(err)
		}
		gone, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: "+919900000099", Email: "gone@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.EraseContact(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		seg, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "all", Type: contactd.SegmentStatic})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddSegmentMembers(ctx, seg.ID, ids); err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{noon, noon.Add(9 * time.Hour)} {
			bySeg, segGot := checkAll(t, db, ctx, contactd.ComplianceCheck{SegmentID: seg.ID, At: at})
			byIDs, idsGot := checkAll(t, db, ctx, contactd.ComplianceCheck{ContactIDs: ids, At: at})
			if !reflect.DeepEqual(bySeg, byIDs) || !reflect.DeepEqual(segGot, idsGot) {
				t.Errorf("at %s:\nsegment %+v %v\nids     %+v %v", at, bySeg, segGot, byIDs, idsGot)
			}
			if len(segGot) < 4 {
				t.Errorf("at %s only %d suppressed: %v", at, len(segGot), segGot)
			}
		}
	})
}

// checkAll runs a check and lists every suppressed contact with its reasons.
func checkAll(t *testing.T, db *store.DB, ctx context.Context, chk contactd.ComplianceCheck) (*contactd.CheckSummary, []string) {
	t.Helper()
	var got []string
	sum, err := db.RunComplianceCheck(ctx, chk, func(s *contactd.Suppressed) error {
		got = append(got, fmt.Sprintf("%d %s %v", *s.ContactID, s.PhoneE164, s.Reasons))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum, got
}
