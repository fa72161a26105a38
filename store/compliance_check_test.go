package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

func TestCheckReportsEveryReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		mk := func(phone, tz string) *contactd.Contact {
			return mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: phone, Timezone: tz})
		}
		india := mk("+919900000001", "")
		optedOut := mk("+919900000002", "")
		ny := mk("+12125550123", "")
		la := mk("+13105550123", "")
		tollFree := mk("+18005550123", "")
		tollFreeNY := mk("+18885550123", "America/New_York")
		gone := mk("+919900000003", "")
		revoked := mk("+919900000004", "")
		if _, _, err := db.OptOut(ctx, optedOut.ID, contactd.OptOutInput{Reason: "asked"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeleteContact(ctx, gone.ID, 0); err != nil {
			t.Fatal(err)
		}
		for _, st := range []string{contactd.ConsentGranted, contactd.ConsentRevoked} {
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			if st == contactd.ConsentRevoked {
				at = at.Add(time.Hour)
			}
			if _, err := db.RecordConsent(ctx, revoked.ID, contactd.ConsentInput{Channel: "voice", Status: st, Source: "ivr", CapturedAt: &at}); err != nil {
				t.Fatal(err)
			}
		}
		ids := []int64{india.ID, optedOut.ID, ny.ID, la.ID, tollFree.ID, tollFreeNY.ID, gone.ID, revoked.ID, 999999}
		// 15:00 UTC: 20:30 in India, 11:00 in New York, 08:00 in Los Angeles.
		chk := contactd.ComplianceCheck{ContactIDs: ids, At: time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC)}
		byID := map[int64][]string{}
		sum, err := db.RunComplianceCheck(ctx, chk, func(s *contactd.Suppressed) error {
			byID[*s.ContactID] = s.Reasons
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64][]string{
			optedOut.ID: {contactd.ReasonDNC, contactd.ReasonOptedOut},
			la.ID:       {contactd.ReasonOutsideWindow},
			tollFree.ID: {contactd.ReasonOutsideWindow},
			gone.ID:     {contactd.ReasonDeleted},
			revoked.ID:  {contactd.ReasonOptedOut},
			999999:      {contactd.ReasonNotFound},
		}
		for id, reasons := range want {
			if !slices.Equal(byID[id], reasons) {
				t.Errorf("contact %d: reasons %v, want %v", id, byID[id], reasons)
			}
		}
		for _, c := range []*contactd.Contact{india, ny, tollFreeNY} {
			if r, ok := byID[c.ID]; ok {
				t.Errorf("contact %d (%s) suppressed: %v", c.ID, c.PhoneE164, r)
			}
		}
		if sum.Total != 9 || sum.Callable != 3 || sum.Suppressed != 6 || sum.ByReason[contactd.ReasonOutsideWindow] != 2 || sum.ByReason[contactd.ReasonOptedOut] != 2 || sum.ByReason[contactd.ReasonNoConsent] != 0 {
			t.Errorf("summary %+v", sum)
		}
		// An hour later it is 21:30 in India: out of the window.
		chk.At = chk.At.Add(time.Hour)
		_, err = db.RunComplianceCheck(ctx, chk, func(s *contactd.Suppressed) error {
			byID[*s.ContactID] = s.Reasons
			return nil
		})
		if err != nil || !slices.Equal(byID[india.ID], []string{contactd.ReasonOutsideWindow}) {
			t.Errorf("India at 21:30: %v %v", err, byID[india.ID])
		}
	})
}

func TestCheckConsentAndSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		granted := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001"})
		smsOnly := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000002"})
		none := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000003"})
		if _, err := db.RecordConsent(ctx, granted.ID, contactd.ConsentInput{Channel: "all", Status: "granted", Source: "web_form", Proof: "I agree to calls"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordConsent(ctx, smsOnly.ID, contactd.ConsentInput{Channel: "sms", Status: "granted", Source: "web_form"}); err != nil {
			t.Fatal(err)
		}
		yes, weekdays := true, []string{"mon", "tue", "wed", "thu", "fri"}
		start, end := "10:00", "18:00"
		_, s, err := db.UpdateWorkspaceSettings(ctx, contactd.WorkspaceUpdate{}, contactd.ComplianceSettingsUpdate{Start: &start, End: &end, Days: &weekdays, RequireConsent: &yes})
		if err != nil || !s.RequireConsent || s.CallingWindow.Start != "10:00" || len(s.CallingWindow.Days) != 5 {
			t.Fatalf("settings: %v %+v", err, s)
		}
		// Wednesday 06:00 UTC = 11:30 IST.
		wed := time.Date(2026, 6, 10, 6, 0, 0, 0, time.UTC)
		_, got := check(t, db, ctx, contactd.ComplianceCheck{ContactIDs: []int64{granted.ID, smsOnly.ID, none.ID}, At: wed})
		if _, ok := got[granted.PhoneE164]; ok {
			t.Errorf("a contact with consent is suppressed: %v", got)
		}
		for _, c := range []*contactd.Contact{smsOnly, none} {
			if !slices.Equal(got[c.PhoneE164], []string{contactd.ReasonNoConsent}) {
				t.Errorf("%s: %v, want no_consent", c.PhoneE164, got[c.PhoneE164])
			}
		}
		sms := contactd.ComplianceCheck{ContactIDs: []int64{smsOnly.ID}, At: wed, Channel: contactd.ChannelSMS}
		if _, got := check(t, db, ctx, sms); len(got) != 0 {
			t.Errorf("sms consent does not cover sms: %v", got)
		}
		// Saturday, and Wednesday 09:30 IST: outside the settings' window.
		for _, at := range []time.Time{wed.Add(3 * 24 * time.Hour), wed.Add(-2 * time.Hour)} {
			_, got := check(t, db, ctx, contactd.ComplianceCheck{ContactIDs: []int64{granted.ID}, At: at})
			if !slices.Equal(got[granted.PhoneE164], []string{contactd.ReasonOutsideWindow}) {
				t.Errorf("at %s: %v", at, got)
			}
		}
		bad := "21:00"
		_, _, err = db.UpdateWorkspaceSettings(ctx, contactd.WorkspaceUpdate{}, contactd.ComplianceSettingsUpdate{Start: &bad})
		wantCode(t, err, contactd.EInvalid)
		got2, err := db.FindComplianceSettings(ctx)
		if err != nil || got2.CallingWindow.Start != "10:00" {
			t.Errorf("a refused update changed the settings: %v %+v", err, got2)
		}
	})
}

func TestCheckPhones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001"})
		if _, _, err := db.OptOut(ctx, c.ID, contactd.OptOutInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.OptIn(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordConsent(ctx, c.ID, contactd.ConsentInput{Channel: "voice", Status: "revoked", Source: "agent"}); err != nil {
			t.Fatal(err)
		}
		sum, got := check(t, db, ctx, phonesCheck("garbage", "+80012345678", "099000 00001", "+919900000009"))
		if !slices.Equal(got["garbage"], []string{contactd.ReasonInvalidPhone}) {
			t.Errorf("garbage: %v", got["garbage"])
		}
		if !slices.Equal(got["+80012345678"], []string{contactd.ReasonTimezoneUnknown}) {
			t.Errorf("a number with no known zone: %v", got["+80012345678"])
		}
		if !slices.Equal(got["+919900000001"], []string{contactd.ReasonOptedOut}) {
			t.Errorf("a contact's phone is judged as the contact (revoked consent): %v", got["+919900000001"])
		}
		if sum.Total != 4 || sum.Callable != 1 {
			t.Errorf("summary %+v", sum)
		}
	})
}

func TestCheckBadRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		many := make([]int64, store.MaxCheckContactIDs+1)
		for i := range many {
			many[i] = int64(i + 1)
		}
		for _, chk := range []contactd.ComplianceCheck{
			{},
			{ContactIDs: []int64{1}, Phones: []string{"+919900000001"}},
			{ContactIDs: []int64{}},
			{ContactIDs: []int64{0}},
			{ContactIDs: many},
			{Phones: []string{"+919900000001"}, Channel: "fax"},
			{Phones: []string{"9900000001"}, DefaultRegion: "XX"},
		} {
			_, err := db.RunComplianceCheck(ctx, chk, nil)
			wantCode(t, err, contactd.EInvalid)
		}
		_, err := db.RunComplianceCheck(ctx, contactd.ComplianceCheck{SegmentID: 424242}, nil)
		wantCode(t, err, contactd.ENotFound)
	})
}

// A segment is streamed in batches; a check of more members than one batch
// counts every one, and another workspace's segment is not found.
func TestCheckSegment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		const n = 1005
		inputs := make([]contactd.ContactInput, n)
		for i := range inputs {
			inputs[i] = contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199%08d", i)}
		}
		res, err := db.CreateContacts(ctx, inputs)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, n)
		for i, r := range res {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			ids[i] = r.ID
		}
		seg, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "launch", Type: "static"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddSegmentMembers(ctx, seg.ID, ids); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{3, 1001} {
			if _, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: inputs[i].PhoneE164}); err != nil {
				t.Fatal(err)
			}
		}
		var order []int64
		sum, err := db.RunComplianceCheck(ctx, contactd.ComplianceCheck{SegmentID: seg.ID, At: noon}, func(s *contactd.Suppressed) error {
			order = append(order, *s.ContactID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Total != n || sum.Suppressed != 2 || sum.ByReason[contactd.ReasonDNC] != 2 || !slices.Equal(order, []int64{ids[3], ids[1001]}) {
			t.Errorf("summary %+v, suppressed %v", sum, order)
		}
		globex := storetest.Workspace(t, db, "globex")
		_, err = db.RunComplianceCheck(globex, contactd.ComplianceCheck{SegmentID: seg.ID}, nil)
		wantCode(t, err, contactd.ENotFound)
		// Another workspace's contact ids are simply not found.
		_, got := check(t, db, globex, contactd.ComplianceCheck{ContactIDs: []int64{ids[0]}, At: noon})
		if len(got) != 1 {
			t.Errorf("globex sees acme's contact: %v", got)
		}
	})
}

// A merge folds a DNC'd secondary's number into the primary: the number
// stays suppressed, and so does the primary, which now holds it.
func TestMergeKeepsDNCNumberSuppressed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		primary := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", Email: "rahul@example.com"})
		secondary := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000002", FirstName: "Rahul", Email: "rahul@example.com"})
		if _, _, err := db.OptOut(ctx, secondary.ID, contactd.OptOutInput{Reason: "asked"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MergeContacts(ctx, primary.ID, []int64{secondary.ID}); err != nil {
			t.Fatal(err)
		}
		_, got := check(t, db, ctx, phonesCheck("+919900000002"))
		if !slices.Contains(got["+919900000002"], contactd.ReasonDNC) {
			t.Errorf("the secondary's number is no longer suppressed: %v", got)
		}
		_, got = check(t, db, ctx, contactd.ComplianceCheck{ContactIDs: []int64{primary.ID, secondary.ID}, At: noon})
		if !slices.Contains(got["+919900000001"], contactd.ReasonDNC) {
			t.Errorf("the primary holding a DNC'd number is callable: %v", got)
		}
		if !slices.Equal(got["+919900000002"], []string{contactd.ReasonMerged}) {
			t.Errorf("the secondary: %v", got["+919900000002"])
		}
	})
}

// Lists too big to hold in memory are probed a batch at a time; the
// answers must be the same.
func TestCheckProbingBigLists(t *testing.T) {
	defer store.HoldNothing()()
	t.Run("forms", TestDNCAnyWrittenFormHitsOneEntry)
	t.Run("registry", TestDNCImports) // generations and expiry filtered per probe
	t.Run("reasons", TestCheckReportsEveryReason)
	t.Run("erasure", TestErasureLeavesNothing)
}
