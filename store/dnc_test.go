package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/dncimport"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// check runs a compliance check and returns the summary and the reasons of
// each suppressed item by phone (or input, for invalid ones).
func check(t *testing.T, db *store.DB, ctx context.Context, chk contactd.ComplianceCheck) (*contactd.CheckSummary, map[string][]string) {
	t.Helper()
	got := map[string][]string{}
	sum, err := db.RunComplianceCheck(ctx, chk, func(s *contactd.Suppressed) error {
		k := s.PhoneE164
		if k == "" {
			k = s.Input
		}
		got[k] = s.Reasons
		return nil
	})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return sum, got
}

// noon is 12:00 UTC: 17:30 in India, 13:00 in London, 08:00 in New York.
var noon = time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)

func phonesCheck(phones ...string) contactd.ComplianceCheck {
	return contactd.ComplianceCheck{Phones: phones, At: noon}
}

func TestDNCAnyWrittenFormHitsOneEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme") // default region IN
		first, created, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "09900000001", Reason: "asked"})
		if err != nil || !created {
			t.Fatalf("add: %v created=%v", err, created)
		}
		if first.PhoneE164 != "+919900000001" || first.Channel != contactd.ChannelAll || first.Source != contactd.DNCSourceManual || first.List != contactd.InternalListName {
			t.Fatalf("entry %+v", first)
		}
		for _, form := range []string{"0091-9900000001", "+91 99000 00001", "919900000001", "+919900000001"} {
			e, created, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: form})
			if err != nil || created || e.ID != first.ID {
				t.Errorf("re-adding %q: %v created=%v id %d, want the same entry %d", form, err, created, e.ID, first.ID)
			}
		}
		list, info, err := db.FindDNCEntries(ctx, contactd.DNCFilter{Phone: "0091 99000-00001", Page: contactd.Page{Page: 1, PerPage: 50}})
		if err != nil || info.Total != 1 || len(list) != 1 || list[0].ID != first.ID {
			t.Fatalf("find by another form: %v %v %+v", err, info, list)
		}
		_, got := check(t, db, ctx, phonesCheck("09900000001", "0091-9900000001", "+91 99000 00001", "+91 99000 00002"))
		for _, form := range []string{"+919900000001"} {
			if !slices.Contains(got[form], contactd.ReasonDNC) {
				t.Errorf("%s not suppressed as dnc: %v", form, got)
			}
		}
		if _, ok := got["+919900000002"]; ok {
			t.Errorf("a neighbouring number is suppressed: %v", got["+919900000002"])
		}
	})
}

func TestDNCPrefixBlocksItsRangeOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		for _, bad := range []string{"+4", "+44", "+9", "4420", "+44 abc", "+999 12", "+1234567890123456"} {
			_, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Prefix: bad})
			e := wantCode(t, err, contactd.EInvalid)
			if e.Fields[0].Field != "prefix" {
				t.Errorf("prefix %q: error on %s", bad, e.Fields[0].Field)
			}
		}
		e, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Prefix: "+91 99", Channel: contactd.ChannelVoice})
		if err != nil || e.Prefix != "+9199" || e.PhoneE164 != "" {
			t.Fatalf("add prefix: %v %+v", err, e)
		}
		if _, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Prefix: "+4420"}); err != nil {
			t.Fatalf("a country code and two digits is a prefix: %v", err)
		}
		_, got := check(t, db, ctx, phonesCheck("+919912345678", "+919812345678", "+447400123456", "+442071234567"))
		if !slices.Contains(got["+919912345678"], contactd.ReasonDNC) || !slices.Contains(got["+442071234567"], contactd.ReasonDNC) {
			t.Errorf("numbers in the ranges are not suppressed: %v", got)
		}
		if slices.Contains(got["+919812345678"], contactd.ReasonDNC) || slices.Contains(got["+447400123456"], contactd.ReasonDNC) {
			t.Errorf("a prefix blocked outside its range: %v", got)
		}
		// The voice prefix does not stop texts.
		sms := phonesCheck("+919912345678")
		sms.Channel = contactd.ChannelSMS
		if _, got := check(t, db, ctx, sms); slices.Contains(got["+919912345678"], contactd.ReasonDNC) {
			t.Errorf("a voice-only prefix suppressed an sms check: %v", got)
		}
	})
}

func TestDNCEntryStopsAtItsExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		now := time.Now().UTC().Truncate(time.Second)
		in30 := now.Add(30 * 24 * time.Hour)
		e, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "+919900000001", ExpiresAt: &in30})
		if err != nil {
			t.Fatal(err)
		}
		at := func(d time.Duration) contactd.ComplianceCheck {
			c := phonesCheck("+919900000001")
			c.At = now.Add(d)
			return c
		}
		if _, got := check(t, db, ctx, at(time.Hour)); !slices.Contains(got["+919900000001"], contactd.ReasonDNC) {
			t.Errorf("before expiry: %v", got)
		}
		if _, got := check(t, db, ctx, at(31*24*time.Hour)); slices.Contains(got["+919900000001"], contactd.ReasonDNC) {
			t.Errorf("after expiry: %v", got)
		}
		// A repeat never shortens the entry...
		in1 := now.Add(24 * time.Hour)
		again, created, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "+919900000001", ExpiresAt: &in1})
		if err != nil || created || again.ExpiresAt == nil || !again.ExpiresAt.Equal(in30) {
			t.Fatalf("shorter repeat: %v %+v", err, again)
		}
		// ... and one without expiry makes it permanent.
		again, _, err = db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "+919900000001"})
		if err != nil || again.ID != e.ID || again.ExpiresAt != nil {
			t.Fatalf("permanent repeat: %v %+v", err, again)
		}
		if _, got := check(t, db, ctx, at(400*24*time.Hour)); !slices.Contains(got["+919900000001"], contactd.ReasonDNC) {
			t.Errorf("a permanent entry expired: %v", got)
		}
		past := now.Add(-time.Hour)
		_, _, err = db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "+919900000002", ExpiresAt: &past})
		wantCode(t, err, contactd.EInvalid)
	})
}

func TestDNCEntryValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		cases := []struct {
			in    contactd.DNCEntryInput
			code  string
			field string
		}{
			{contactd.DNCEntryInput{}, contactd.EInvalidPhone, "phone_e164"},
			{contactd.DNCEntryInput{Phone: "not a phone"}, contactd.EInvalidPhone, "phone_e164"},
			{contactd.DNCEntryInput{Phone: "+919900000001", Prefix: "+9199"}, contactd.EInvalid, "prefix"},
			{contactd.DNCEntryInput{Phone: "+919900000001", Channel: "fax"}, contactd.EInvalid, "channel"},
			{contactd.DNCEntryInput{Phone: "+919900000001", Source: "registry"}, contactd.EInvalid, "source"},
			{contactd.DNCEntryInput{Phone: "+919900000001", Source: "agent"}, contactd.EInvalid, "call_id"},
			{contactd.DNCEntryInput{Phone: "+919900000001", CallID: "call-1"}, contactd.EInvalid, "call_id"},
			{contactd.DNCEntryInput{Phone: "9900000001", DefaultRegion: "XX"}, contactd.EInvalid, "default_region"},
		}
		for _, c := range cases {
			_, _, err := db.AddDNCEntry(ctx, c.in)
			e := wantCode(t, err, c.code)
			if e.Fields[0].Field != c.field {
				t.Errorf("%+v: error on %s, want %s", c.in, e.Fields[0].Field, c.field)
			}
		}
		_, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "+919900000001", List: "nope"})
		wantCode(t, err, contactd.ENotFound)
		e, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "+919900000001", Source: "agent", CallID: "call-42", Reason: "said stop"})
		if err != nil || e.CallID != "call-42" || e.Source != "agent" {
			t.Fatalf("agent entry: %v %+v", err, e)
		}
		list, info, _ := db.FindDNCEntries(ctx, contactd.DNCFilter{Page: contactd.Page{Page: 1, PerPage: 50}})
		if info.Total != 1 || len(list) != 1 {
			t.Errorf("invalid inputs wrote entries: %d", info.Total)
		}
	})
}

func TestDNCIsPerWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		acme := storetest.Workspace(t, db, "acme")
		globex := storetest.Workspace(t, db, "globex")
		e, _, err := db.AddDNCEntry(acme, contactd.DNCEntryInput{Phone: "+919900000001"})
		if err != nil {
			t.Fatal(err)
		}
		if _, got := check(t, db, globex, phonesCheck("+919900000001")); slices.Contains(got["+919900000001"], contactd.ReasonDNC) {
			t.Errorf("acme's DNC suppressed globex's call: %v", got)
		}
		_, err = db.FindDNCEntryByID(globex, e.ID)
		wantCode(t, err, contactd.ENotFound)
		_, err = db.RemoveDNCEntry(globex, e.ID)
		wantCode(t, err, contactd.ENotFound)
		if _, err := db.RemoveDNCEntry(acme, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, got := check(t, db, acme, phonesCheck("+919900000001")); slices.Contains(got["+919900000001"], contactd.ReasonDNC) {
			t.Errorf("a removed entry still suppresses: %v", got)
		}
	})
}

func TestRegistryListsAreLoadedNotEdited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		l, err := db.CreateDNCList(ctx, contactd.DNCListInput{Name: "US national", Region: "US", MaxAgeDays: 31})
		if err != nil || l.Kind != contactd.DNCListRegistry {
			t.Fatalf("create list: %v %+v", err, l)
		}
		_, err = db.CreateDNCList(ctx, contactd.DNCListInput{Name: "US national"})
		wantCode(t, err, contactd.EConflict)
		for _, bad := range []contactd.DNCListInput{{Name: ""}, {Name: "x", MaxAgeDays: -1}, {Name: "x", Region: "Atlantis"}, {Name: "x", Kind: "other"}, {Name: "mine", Kind: "internal"}} {
			_, err := db.CreateDNCList(ctx, bad)
			wantCode(t, err, contactd.EInvalid)
		}
		_, _, err = db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "+12125550123", List: "US national"})
		wantCode(t, err, contactd.EConflict)
		// Never loaded, with a maximum age: stale for US numbers only.
		_, got := check(t, db, ctx, phonesCheck("+12125550123", "+919900000001"))
		if !slices.Contains(got["+12125550123"], contactd.ReasonStaleRegistry) {
			t.Errorf("a never-loaded registry is not stale: %v", got)
		}
		if slices.Contains(got["+919900000001"], contactd.ReasonStaleRegistry) {
			t.Errorf("the US registry made an Indian number stale: %v", got)
		}
		lists, _, err := db.FindDNCLists(ctx, contactd.Page{Page: 1, PerPage: 50})
		if err != nil || len(lists) != 2 || lists[0].Name != "US national" || lists[1].Name != contactd.InternalListName {
			t.Errorf("lists (the internal one is made on first use): %v %+v %+v", err, lists[0], lists[1])
		}
	})
}

func TestDNCImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		// One number a line, no header, written every which way.
		imp := runDNCImport(t, db, ctx, "", "numbers.txt", "09900000001\n+91 99000 00002\n0091-9900000001\nnot a number\n\n+919900000003\n")
		if imp.Status != contactd.JobCompleted || imp.TotalRows != 5 || imp.Added != 3 || imp.Duplicates != 1 || imp.Failed != 1 || imp.Options.Source != contactd.DNCSourceImport || imp.FileID != 0 {
			t.Fatalf("plain file: %+v", imp)
		}
		var lines []int
		db.DNCImportErrors(ctx, imp.ID, func(e contactd.ImportError) error {
			lines = append(lines, e.Line)
			if e.Code != contactd.EInvalidPhone || len(e.Raw) != 1 || e.Raw[0] != "not a number" {
				t.Errorf("error row %+v", e)
			}
			return nil
		})
		if !slices.Equal(lines, []int{4}) {
			t.Errorf("error rows at lines %v, want [4]", lines)
		}
		// A CSV with a number column and other columns.
		imp = runDNCImport(t, db, ctx, "", "crm.csv", "Name,Mobile Number,Note\nA,9900000004,x\nB,9900000001,y\n")
		if imp.Added != 1 || imp.Duplicates != 1 || imp.Failed != 0 {
			t.Fatalf("csv: %+v", imp)
		}
		// The FTC's flat files: area code, number.
		if _, err := db.CreateDNCList(ctx, contactd.DNCListInput{Name: "US national", Region: "US", MaxAgeDays: 31}); err != nil {
			t.Fatal(err)
		}
		first := runDNCImport(t, db, ctx, "US national", "201.txt", "201,5550123\n201,5550124\n")
		if first.Added != 2 || first.Options.Source != contactd.DNCSourceRegistry {
			t.Fatalf("ftc: %+v", first)
		}
		_, got := check(t, db, ctx, phonesCheck("+12015550123", "+12015550125", "+919900000004"))
		if !slices.Contains(got["+12015550123"], contactd.ReasonDNC) || slices.Contains(got["+12015550125"], contactd.ReasonDNC) {
			t.Errorf("after the first extract: %v", got)
		}
		if slices.Contains(got["+12015550123"], contactd.ReasonStaleRegistry) {
			t.Errorf("a fresh registry is stale: %v", got)
		}
		// A new extract replaces the old one whole; the internal list stays.
		second := runDNCImport(t, db, ctx, "US national", "201.txt", "201,5550124\n201,5550125\n")
		if second.Added != 2 {
			t.Fatalf("second extract: %+v", second)
		}
		_, got = check(t, db, ctx, phonesCheck("+12015550123", "+12015550124", "+12015550125", "+919900000004", "+919900000001"))
		for n, want := range map[string]bool{"+12015550123": false, "+12015550124": true, "+12015550125": true, "+919900000004": true, "+919900000001": true} {
			if slices.Contains(got[n], contactd.ReasonDNC) != want {
				t.Errorf("%s suppressed=%v, want %v (%v)", n, !want, want, got[n])
			}
		}
		entries, info, _ := db.FindDNCEntries(ctx, contactd.DNCFilter{List: "US national", Page: contactd.Page{Page: 1, PerPage: 50}})
		if info.Total != 2 || len(entries) != 2 {
			t.Errorf("the registry list holds %d entries, want 2 (the old extract must be gone)", info.Total)
		}
		// 32 days on, the extract is older than the list allows.
		late := phonesCheck("+12015550199", "+919900000009")
		late.At = time.Now().Add(32 * 24 * time.Hour)
		_, got = check(t, db, ctx, late)
		if !slices.Contains(got["+12015550199"], contactd.ReasonStaleRegistry) || slices.Contains(got["+919900000009"], contactd.ReasonStaleRegistry) {
			t.Errorf("stale registry: %v", got)
		}
		// A load with an expiry: new numbers get it, permanent ones keep none.
		soon := time.Now().Add(time.Hour).UTC()
		f0, _ := db.StoreFile(ctx, "temp.txt", strings.NewReader("+919900000001\n+919900000077\n"), 1<<20)
		tmp, err := db.CreateDNCImport(ctx, f0.ID, "temp.txt", contactd.DNCImportOptions{ExpiresAt: &soon})
		if err != nil {
			t.Fatal(err)
		}
		if err := dncimport.NewHandler(db, quiet, dncimport.Options{}).Run(ctx, &contactd.Job{WorkspaceID: tmp.WorkspaceID, RefID: tmp.ID}); err != nil {
			t.Fatal(err)
		}
		if tmp, _ = db.FindDNCImportByID(ctx, tmp.ID); tmp.Added != 1 || tmp.Duplicates != 1 {
			t.Errorf("load with expiry: %+v", tmp)
		}
		later := phonesCheck("+919900000001", "+919900000077")
		later.At = soon.Add(time.Hour)
		if _, got := check(t, db, ctx, later); !slices.Contains(got["+919900000001"], contactd.ReasonDNC) || slices.Contains(got["+919900000077"], contactd.ReasonDNC) {
			t.Errorf("after the load's expiry: %v", got)
		}
		// A file without a number column fails before anything is loaded.
		f, _ := db.StoreFile(ctx, "bad.csv", strings.NewReader("Name,City\nA,Pune\n"), 1<<20)
		bad, err := db.CreateDNCImport(ctx, f.ID, "bad.csv", contactd.DNCImportOptions{List: "US national"})
		if err != nil {
			t.Fatal(err)
		}
		err = dncimport.NewHandler(db, quiet, dncimport.Options{}).Run(ctx, &contactd.Job{WorkspaceID: bad.WorkspaceID, RefID: bad.ID})
		wantCode(t, err, contactd.EInvalid)
		if bad, _ = db.FindDNCImportByID(ctx, bad.ID); bad.Status != contactd.JobFailed || !strings.Contains(bad.Error, "no column") {
			t.Errorf("bad file: %+v", bad)
		}
		if _, info, _ := db.FindDNCEntries(ctx, contactd.DNCFilter{List: "US national", Page: contactd.Page{Page: 1, PerPage: 50}}); info.Total != 2 {
			t.Errorf("a failed load changed the registry: %d entries", info.Total)
		}
		_, err = db.CreateDNCImport(ctx, f.ID, "bad.csv", contactd.DNCImportOptions{List: "nope"})
		wantCode(t, err, contactd.ENotFound)
		_, err = db.CreateDNCImport(ctx, f.ID, "bad.csv", contactd.DNCImportOptions{Channel: "fax"})
		wantCode(t, err, contactd.EInvalid)
	})
}

func TestOneLoadOfARegistryAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		if _, err := db.CreateDNCList(ctx, contactd.DNCListInput{Name: "national"}); err != nil {
			t.Fatal(err)
		}
		f, _ := db.StoreFile(ctx, "n.txt", strings.NewReader("+919900000001\n"), 1<<20)
		if _, err := db.CreateDNCImport(ctx, f.ID, "n.txt", contactd.DNCImportOptions{List: "national"}); err != nil {
			t.Fatal(err)
		}
		_, err := db.CreateDNCImport(ctx, f.ID, "n.txt", contactd.DNCImportOptions{List: "national"})
		wantCode(t, err, contactd.EConflict)
		// Loads into the internal list only add: they may overlap.
		for i := 0; i < 2; i++ {
			if _, err := db.CreateDNCImport(ctx, f.ID, "n.txt", contactd.DNCImportOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
