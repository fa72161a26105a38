package store_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

func TestDataExportHoldsEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		imp := runImport(t, db, ctx, "leads.csv", "Phone,Name,Plan\n+919900000001,Rahul Sharma,gold\n")
		list, _, _ := db.FindContacts(ctx, contactd.ContactFilter{Page: contactd.Page{Page: 1, PerPage: 10}})
		c := list[0]
		runImport(t, db, ctx, "update.csv", "Phone,Email\n\n09900000001,rahul@example.com\n")
		other := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000002", FirstName: "Rahul", Email: "rahul@example.com"})
		if _, err := db.MergeContacts(ctx, c.ID, []int64{other.ID}); err != nil {
			t.Fatal(err)
		}
		seg, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "vip", Type: "static"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddSegmentMembers(ctx, seg.ID, []int64{c.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordConsent(ctx, c.ID, contactd.ConsentInput{Channel: "voice", Status: "granted", Source: "web_form", Proof: "ticked"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.OptOut(ctx, c.ID, contactd.OptOutInput{Source: "agent", CallID: "call-7"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.AddDNCEntry(ctx, contactd.DNCEntryInput{Prefix: "+919900"}); err != nil {
			t.Fatal(err)
		}
		doc, err := db.ExportContactData(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Contact.ID != c.ID || doc.Contact.CustomFields["plan"] != "gold" || doc.Contact.Email != "rahul@example.com" {
			t.Errorf("profile: %+v", doc.Contact)
		}
		if len(doc.MergedContacts) != 1 || doc.MergedContacts[0].ID != other.ID || !slices.Equal(doc.Merges.MergedFrom, []int64{other.ID}) || len(doc.Merges.Events) == 0 {
			t.Errorf("merges: %+v %+v", doc.MergedContacts, doc.Merges)
		}
		if len(doc.Segments) != 1 || doc.Segments[0].ID != seg.ID {
			t.Errorf("segments: %+v", doc.Segments)
		}
		if len(doc.Consents) != 1 || doc.Consents[0].Proof != "ticked" {
			t.Errorf("consents: %+v", doc.Consents)
		}
		// Both numbers on the internal list, and the prefix covering them.
		var numbers, prefixes int
		for _, e := range doc.DNC.Entries {
			if e.Prefix != "" {
				prefixes++
			} else {
				numbers++
			}
		}
		if !doc.DNC.OptedOut || numbers != 2 || prefixes != 1 || len(doc.DNC.History) < 2 {
			t.Errorf("dnc: %+v entries %d+%d", doc.DNC, numbers, prefixes)
		}
		var origins []string
		for _, o := range doc.Provenance {
			origins = append(origins, fmt.Sprintf("%s:%s:%v", o.Filename, o.Action, o.RowNumbers))
		}
		if !slices.Contains(origins, "leads.csv:contact.created:[2]") || !slices.Contains(origins, "update.csv:contact.updated:[3]") {
			t.Errorf("provenance: %v (import %d)", origins, imp.ID)
		}
		if len(doc.AuditEvents) < 5 {
			t.Errorf("audit events: %d", len(doc.AuditEvents))
		}
		// The export is recorded, and shows in the next export.
		reqs, _, err := db.FindPrivacyRequests(ctx, c.ID, contactd.Page{Page: 1, PerPage: 10})
		if err != nil || len(reqs) != 1 || reqs[0].Kind != contactd.PrivacyDataExport || reqs[0].ContactID != c.ID {
			t.Errorf("privacy log: %v %+v", err, reqs)
		}
		doc, _ = db.ExportContactData(ctx, c.ID)
		if len(doc.PrivacyLog) != 1 {
			t.Errorf("the second export does not list the first: %+v", doc.PrivacyLog)
		}
		globex := storetest.Workspace(t, db, "globex")
		_, err = db.ExportContactData(globex, c.ID)
		wantCode(t, err, contactd.ENotFound)
	})
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestHardDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", Tags: []string{"vip"}})
		if _, _, err := db.OptOut(ctx, c.ID, contactd.OptOutInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordConsent(ctx, c.ID, contactd.ConsentInput{Channel: "sms", Status: "granted", Source: "web"}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.HardDeleteContact(ctx, c.ID, 0), contactd.EPreconditionRequired)
		wantCode(t, db.HardDeleteContact(ctx, c.ID, c.ID+1), contactd.EBadRequest)
		wantCode(t, db.HardDeleteContact(ctx, 987654, 987654), contactd.ENotFound)
		globex := storetest.Workspace(t, db, "globex")
		wantCode(t, db.HardDeleteContact(globex, c.ID, c.ID), contactd.ENotFound)
		if _, err := db.FindContactByID(ctx, c.ID); err != nil {
			t.Fatalf("a refused hard delete removed the contact: %v", err)
		}
		if err := db.HardDeleteContact(ctx, c.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindContactByID(ctx, c.ID)
		wantCode(t, err, contactd.ENotFound)
		_, err = db.FindConsents(ctx, c.ID)
		wantCode(t, err, contactd.ENotFound)
		// The number stays suppressed: DNC is keyed by number.
		_, got := check(t, db, ctx, phonesCheck("+919900000001"))
		if !slices.Contains(got["+919900000001"], contactd.ReasonDNC) {
			t.Errorf("the hard-deleted contact's number is callable: %v", got)
		}
		// The log keeps the fact, without personal data.
		events, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{ContactID: c.ID, Page: contactd.Page{Page: 1, PerPage: 100}})
		if err != nil || len(events) == 0 || events[0].Action != contactd.ActionHardDeleted {
			t.Fatalf("audit: %v %+v", err, events)
		}
		for _, e := range events {
			if s := jsonString(e.Details); strings.Contains(s, "9900000001") || strings.Contains(strings.ToLower(s), "rahul") {
				t.Errorf("audit event %s keeps personal data: %s", e.Action, s)
			}
		}
		reqs, _, _ := db.FindPrivacyRequests(ctx, 0, contactd.Page{Page: 1, PerPage: 10})
		if len(reqs) != 1 || reqs[0].Kind != contactd.PrivacyHardDelete {
			t.Errorf("privacy log: %+v", reqs)
		}
		// A new contact with the number can be made (hard delete is not erasure).
		if _, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: "+919900000001"}); err != nil {
			t.Errorf("create after hard delete: %v", err)
		}
	})
}

func TestConsentHistoryIsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001"})
		t1 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
		t2 := t1.Add(time.Hour)
		first, err := db.RecordConsent(ctx, c.ID, contactd.ConsentInput{Channel: "voice", Status: "granted", Source: "web_form", CapturedAt: &t1, Proof: "v1 of the form"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordConsent(ctx, c.ID, contactd.ConsentInput{Channel: "voice", Status: "revoked", Source: "ivr", CapturedAt: &t2}); err != nil {
			t.Fatal(err)
		}
		hist, err := db.FindConsents(ctx, c.ID)
		if err != nil || len(hist) != 2 || hist[0].Status != "revoked" || hist[1].ID != first.ID || hist[1].Proof != "v1 of the form" {
			t.Fatalf("history: %v %+v", err, hist)
		}
		future := time.Now().Add(time.Hour)
		for _, in := range []contactd.ConsentInput{
			{Channel: "fax", Status: "granted", Source: "x"},
			{Channel: "voice", Status: "maybe", Source: "x"},
			{Channel: "voice", Status: "granted"},
			{Channel: "voice", Status: "granted", Source: "x", CapturedAt: &future},
			{Channel: "voice", Status: "granted", Source: "x", Proof: strings.Repeat("p", 10001)},
		} {
			_, err := db.RecordConsent(ctx, c.ID, in)
			wantCode(t, err, contactd.EInvalid)
		}
		_, err = db.RecordConsent(ctx, 987654, contactd.ConsentInput{Channel: "voice", Status: "granted", Source: "x"})
		wantCode(t, err, contactd.ENotFound)
		if hist, _ := db.FindConsents(ctx, c.ID); len(hist) != 2 {
			t.Errorf("refused records were written: %d", len(hist))
		}
	})
}

// Nothing but the opt-in call clears a person's opt-out: not an update, not
// an import with a dnc column saying false.
func TestOptOutSurvivesUpdatesAndImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", AltPhones: []string{"+919900000002"}})
		out, entries, err := db.OptOut(ctx, c.ID, contactd.OptOutInput{Reason: "asked"})
		if err != nil || !out.DNC || len(entries) != 2 || entries[0].Source != contactd.DNCSourceOptOut {
			t.Fatalf("opt out: %v %+v %+v", err, out, entries)
		}
		again, _, err := db.OptOut(ctx, c.ID, contactd.OptOutInput{Reason: "asked"})
		if err != nil || again.Version != out.Version {
			t.Errorf("a repeated opt-out changed the contact: %v %d -> %d", err, out.Version, again.Version)
		}
		city := "Pune"
		if _, err := db.UpdateContact(ctx, c.ID, contactd.ContactUpdate{City: &city}); err != nil {
			t.Fatal(err)
		}
		imp := runImport(t, db, ctx, "crm.csv", "Phone,Name,DNC,Do Not Call\n09900000001,Rahul,false,no\n")
		if imp.Updated != 1 {
			t.Fatalf("import: %+v", imp)
		}
		got, _ := db.FindContactByID(ctx, c.ID)
		if !got.DNC {
			t.Fatalf("an update or an import cleared the opt-out: %+v", got)
		}
		_, reasons := check(t, db, ctx, contactd.ComplianceCheck{ContactIDs: []int64{c.ID}, At: noon})
		if !slices.Equal(reasons["+919900000001"], []string{contactd.ReasonDNC, contactd.ReasonOptedOut}) {
			t.Errorf("check after the import: %v", reasons)
		}
		in, err := db.OptIn(ctx, c.ID)
		if err != nil || in.DNC {
			t.Fatalf("opt in: %v %+v", err, in)
		}
		if _, reasons := check(t, db, ctx, contactd.ComplianceCheck{ContactIDs: []int64{c.ID}, At: noon}); len(reasons) != 0 {
			t.Errorf("still suppressed after opt-in: %v", reasons)
		}
		events, _, _ := db.FindAuditEvents(ctx, contactd.AuditFilter{ContactID: c.ID, Page: contactd.Page{Page: 1, PerPage: 100}})
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, contactd.ActionContactOptOut) || !slices.Contains(actions, contactd.ActionContactOptIn) {
			t.Errorf("opt-out and opt-in are not audited: %v", actions)
		}
	})
}

// A person is every record merged together: erasing any of them erases all.
func TestErasingAMergedRecordErasesThePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		primary := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", Email: "rahul@example.com"})
		secondary := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000002", FirstName: "Rahul", Email: "rahul@example.com"})
		bystander := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000003", FirstName: "Rahul"})
		if _, err := db.MergeContacts(ctx, primary.ID, []int64{secondary.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := db.EraseContact(ctx, secondary.ID)
		if err != nil || got.ID != secondary.ID || got.Status != contactd.StatusErased {
			t.Fatalf("erase the secondary: %v %+v", err, got)
		}
		p, _ := db.FindContactByID(ctx, primary.ID)
		if p.Status != contactd.StatusErased || p.PhoneE164 != "" || len(p.AltPhones) != 0 {
			t.Errorf("the primary holding the person survives: %+v", p)
		}
		b, _ := db.FindContactByID(ctx, bystander.ID)
		if b.Status != contactd.StatusActive || b.FirstName != "Rahul" {
			t.Errorf("a namesake was touched: %+v", b)
		}
		for _, phone := range []string{"+919900000001", "+919900000002"} {
			_, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: phone})
			wantCode(t, err, contactd.EErased)
		}
		_, err = db.EraseContact(ctx, 987654)
		wantCode(t, err, contactd.ENotFound)
		globex := storetest.Workspace(t, db, "globex")
		_, err = db.EraseContact(globex, bystander.ID)
		wantCode(t, err, contactd.ENotFound)
	})
}

// An import still queued when the person is erased reads a rewritten file:
// the person's row keeps its place (the import counts rows) but is gone.
func TestErasureRewritesFilesOfPendingImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Zebulon"})
		f, err := db.StoreFile(ctx, "next.csv", strings.NewReader("Phone,Name\n+91 99000 00002,Ann\n099000 00001,Zebulon\n+91 99000 00003,Bob\n"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		imp, err := db.CreateImport(ctx, f.ID, "next.csv", contactd.ImportOptions{Mode: contactd.ModeCreateOrUpdate, MatchOn: contactd.MatchOnPhone})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.EraseContact(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := importer.NewHandler(db, quiet, importer.Options{}).Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, RefID: imp.ID}); err != nil {
			t.Fatal(err)
		}
		imp, _ = db.FindImportByID(ctx, imp.ID)
		if imp.Status != contactd.JobCompleted || imp.TotalRows != 3 || imp.Created != 2 || imp.Failed != 1 {
			t.Fatalf("import after the erasure: %+v", imp)
		}
		var raw []string
		db.ImportErrors(ctx, imp.ID, func(e contactd.ImportError) error {
			raw = append(raw, e.Raw...)
			if e.Line != 3 {
				t.Errorf("the erased row moved to line %d", e.Line)
			}
			return nil
		})
		if strings.Contains(strings.Join(raw, ","), "Zebulon") || strings.Contains(strings.Join(raw, ","), "99000 00001") {
			t.Errorf("the erased row's cells reached the error report: %v", raw)
		}
		var b strings.Builder
		if _, err := db.CopyFile(ctx, imp.FileID, &b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "Zebulon") || !strings.Contains(b.String(), "Ann") {
			t.Errorf("rewritten file:\n%s", b.String())
		}
	})
}
