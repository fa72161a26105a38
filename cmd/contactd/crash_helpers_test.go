package main

// Helpers of the crash test: a generated contact file whose outcome is known
// in advance, an import driven over HTTP, and a comparison of two runs.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
)

// crashFile is a generated CSV and what importing it must give.
type crashFile struct {
	csv                               []byte
	rows                              int64 // data rows (the header excluded)
	created, updated, skipped, failed int64
	farUpdated                        int64 // updates by a row far (4991 rows) from the one it repeats
}

// crashMapping maps every column of the generated file.
const crashMapping = `{"Phone":"phone_e164","First Name":"first_name","Last Name":"last_name","Email":"email",` +
	`"Company":"company","City":"city","Tags":"tags","Other Phone":"alt_phones","Budget":"custom.budget","Lead Source":"custom.source"}`

var (
	crashFirst   = []string{"Rahul", "Priya", "Amit", "Sneha", "José", "Zoë", "Arjun", "Meera", "Vikram", "Ananya", "Kiran"}
	crashLast    = []string{"Sharma", "Patel", "Iyer", "Khan", "D'Souza", "Müller", "Reddy", "Nair", "Gupta"}
	crashCity    = []string{"Pune", "Mumbai", "Bengaluru", "Chennai", "Kochi", "Jaipur", ""}
	crashTags    = []string{"lead", "lead;hot", "vip|pune", "cold", "", "lead, webinar", "partner"}
	crashSource  = []string{"web", "referral", "expo", ""}
	crashMailbox = []string{"rahul", "priya.s", "amit_k", "Sneha", "jose"}
	crashDomain  = []string{"example.com", "mail.example.in", "Example.org"}
	crashBad     = []string{"12345", "not a phone", "9.19877E+11", "", "+91 99"}
)

// crashNational is person p's 10-digit Indian mobile number.
func crashNational(p int) string { return fmt.Sprintf("99%08d", p) }

// crashPhone writes person p's number in one of the forms people use.
func crashPhone(p, form int) string {
	n := crashNational(p)
	switch form % 5 {
	case 0:
		return "+91 " + n[:5] + " " + n[5:]
	case 1:
		return "0" + n
	case 2:
		return "0091-" + n
	case 3:
		return "+91-" + n
	}
	return n
}

// genCrashFile writes n rows. Row i is person i, except:
//   - i%100 == 50: a bad row (invalid, missing or Excel-mangled phone);
//   - i%20 == 19: a repeat of an earlier person with the phone in another
//     written form: of row i-7 (usually in the same batch) or of row i-4991
//     (an earlier batch). Half the repeats bring a new tag and city (updated),
//     half only repeat what is known, tags in another case (skipped).
//
// Every person is repeated at most once: near repeats point at rows with
// i%20 == 12, far ones at rows with i%20 == 8.
func genCrashFile(n int) crashFile {
	var b bytes.Buffer
	b.WriteString("Phone,First Name,Last Name,Email,Company,City,Tags,Other Phone,Budget,Lead Source\r\n")
	f := crashFile{rows: int64(n)}
	row := func(phone, first, last, email, company, city, tags, other, budget, source string) {
		cells := []string{phone, first, last, email, company, city, tags, other, budget, source}
		for i, c := range cells {
			if strings.ContainsAny(c, ",\"\r\n") {
				cells[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
		}
		b.WriteString(strings.Join(cells, ","))
		b.WriteString("\r\n")
	}
	person := func(p int) (first, last, email, company, city, tags, other, budget, source string) {
		first, last = crashFirst[p%len(crashFirst)], crashLast[p%len(crashLast)]
		if p%9 != 0 {
			email = fmt.Sprintf("%s.%d@%s", crashMailbox[p%len(crashMailbox)], p, crashDomain[p%len(crashDomain)])
		}
		if p%4 != 0 {
			company = fmt.Sprintf("Acme %d Realty", p%97)
		}
		city, tags = crashCity[p%len(crashCity)], crashTags[p%len(crashTags)]
		if p%13 == 0 {
			other = "98" + crashNational(p)[2:]
		}
		if p%3 != 0 {
			budget = fmt.Sprintf("%d lakh", 10+p%90)
		}
		return first, last, email, company, city, tags, other, budget, crashSource[p%len(crashSource)]
	}
	for i := 0; i < n; i++ {
		switch {
		case i%100 == 50:
			first, last, email, company, city, tags, _, budget, source := person(i)
			row(crashBad[(i/100)%len(crashBad)], first, last, email, company, city, tags, "", budget, source)
			f.failed++
		case i%20 == 19:
			p := i - 7
			if i%40 == 39 && i >= 4991 {
				p = i - 4991
			}
			first, last, email, company, city, tags, other, budget, source := person(p)
			if (i/40)%2 == 0 {
				city, tags = "Nashik", "repeat"
				f.updated++
				if p == i-4991 {
					f.farUpdated++
				}
			} else {
				tags = strings.ToUpper(tags)
				f.skipped++
			}
			row(crashPhone(p, p%5+1+i%3), first, last, email, company, city, tags, other, budget, source)
		default:
			first, last, email, company, city, tags, other, budget, source := person(i)
			row(crashPhone(i, i%5), first, last, email, company, city, tags, other, budget, source)
			f.created++
		}
	}
	f.csv = b.Bytes()
	return f
}

// startCrashServer is startServer, and on failure also prints the server's
// log without the request lines (the polling of the test floods them).
func startCrashServer(t *testing.T, name, dsn string, env ...string) *server {
	t.Helper()
	srv := startServer(t, name, dsn, env...)
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		var lines []string
		for _, line := range strings.Split(srv.stderr.String(), "\n") {
			if line != "" && !strings.Contains(line, `"msg":"request"`) {
				lines = append(lines, line)
			}
		}
		t.Logf("contactd %s: log without requests:\n%s", srv.name, tail(strings.Join(lines, "\n"), 40))
	})
	return srv
}

// uploadImport posts the file with crashMapping and returns the job's id.
func uploadImport(t *testing.T, srv *server, key string, file []byte) int64 {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "crash.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.WriteField("column_mapping", crashMapping)
	mw.Close()
	r := srv.do(t, "POST", "/api/v1/contacts/import", key, body.String(), "Content-Type", mw.FormDataContentType())
	var job contactd.ContactImport
	want(t, r, 202, &job)
	if job.ID <= 0 {
		t.Fatalf("%v\nwant a job with an id", r)
	}
	return job.ID
}

func getImport(t *testing.T, srv *server, key string, id int64) contactd.ContactImport {
	t.Helper()
	var job contactd.ContactImport
	want(t, srv.do(t, "GET", fmt.Sprintf("/api/v1/contact-imports/%d", id), key, nil), 200, &job)
	return job
}

func progress(j contactd.ContactImport) string {
	return fmt.Sprintf("status %s, %d/%d rows processed (created %d, updated %d, skipped %d, failed %d, warnings %d)",
		j.Status, j.ProcessedRows, j.TotalRows, j.Created, j.Updated, j.Skipped, j.Failed, j.Warnings)
}

// waitProgress polls the import until it has committed more than after
// rows, at least frac of the file, and still has rows to go, and returns
// what it saw. It fails the test if the import ends first (the file is then
// too small to be cut there), or if no batch is committed for 30s.
func waitProgress(t *testing.T, srv *server, key string, id, after int64, frac float64) contactd.ContactImport {
	t.Helper()
	last, moved := int64(-1), time.Now()
	for {
		j := getImport(t, srv, key, id)
		if j.Status != contactd.JobQueued && j.Status != contactd.JobRunning {
			t.Fatalf("import %d ended before it could be killed past %d rows and %.0f%% of the file (%s): the importer is faster than this test assumes; raise crashRows",
				id, after, frac*100, progress(j))
		}
		if j.TotalRows > 0 && j.ProcessedRows > after && float64(j.ProcessedRows) >= frac*float64(j.TotalRows) && j.ProcessedRows < j.TotalRows {
			return j
		}
		if j.ProcessedRows != last {
			last, moved = j.ProcessedRows, time.Now()
		}
		if time.Since(moved) > 30*time.Second {
			t.Fatalf("import %d on contactd %s committed no batch for 30s, waiting for more than %d rows and %.0f%% of the file: %s",
				id, srv.name, after, frac*100, progress(j))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitMoved polls until the import has committed more than after rows or
// has ended: a restarted server took the job over.
func waitMoved(t *testing.T, srv *server, key string, id, after int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		j := getImport(t, srv, key, id)
		if j.ProcessedRows > after || (j.Status != contactd.JobQueued && j.Status != contactd.JobRunning) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("contactd %s did not take import %d over within 30s (the job lease is %s): %s", srv.name, id, crashLease, progress(j))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill9 sends SIGKILL and waits for the process to be gone.
func kill9(t *testing.T, srv *server) {
	t.Helper()
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill -9 contactd %s: %v", srv.name, err)
	}
	select {
	case <-srv.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("contactd %s still running 10s after SIGKILL", srv.name)
	}
	if srv.cmd.ProcessState.ExitCode() != -1 {
		t.Fatalf("contactd %s exited by itself (%v) before the kill", srv.name, srv.waitErr)
	}
}

// waitFinished polls until the import ends, requires it completed with
// counts that add up, and returns it. It fails the test if no batch is
// committed for 60s.
func waitFinished(t *testing.T, srv *server, key string, id int64) contactd.ContactImport {
	t.Helper()
	last, moved := int64(-1), time.Now()
	for {
		j := getImport(t, srv, key, id)
		if j.Status == contactd.JobQueued || j.Status == contactd.JobRunning {
			if j.ProcessedRows != last {
				last, moved = j.ProcessedRows, time.Now()
			}
			if time.Since(moved) > 60*time.Second {
				t.Fatalf("import %d on contactd %s committed no batch for 60s: %s", id, srv.name, progress(j))
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if j.Status != contactd.JobCompleted {
			t.Fatalf("import %d ended %s (error %q), want completed: %s", id, j.Status, j.Error, progress(j))
		}
		if j.TotalRows != j.Created+j.Updated+j.Skipped+j.Failed || j.ProcessedRows != j.TotalRows {
			t.Fatalf("import %d: counts do not add up: %s", id, progress(j))
		}
		return j
	}
}

// contactState is what an import decides about a contact: everything but
// the id and the times, which may differ between two runs.
type contactState struct {
	PhoneE164    string         `json:"phone_e164"`
	FirstName    string         `json:"first_name"`
	LastName     string         `json:"last_name"`
	Email        string         `json:"email"`
	Company      string         `json:"company"`
	City         string         `json:"city"`
	Country      string         `json:"country"`
	Tags         []string       `json:"tags"`
	CustomFields map[string]any `json:"custom_fields"`
	AltPhones    []string       `json:"alt_phones"`
	AltEmails    []string       `json:"alt_emails"`
	Timezone     string         `json:"timezone"`
	DNC          bool           `json:"dnc"`
	Status       string         `json:"status"`
	Version      int64          `json:"version"`
}

// importOutcome is everything a finished import left behind.
type importOutcome struct {
	job      contactd.ContactImport
	contacts []contactState // in id order, which is creation order
	report   []byte         // the error report CSV
}

// readOutcome reads the job, every contact of the workspace (any status)
// through the cursor, and the error report.
func readOutcome(t *testing.T, srv *server, key string, id int64) importOutcome {
	t.Helper()
	out := importOutcome{job: getImport(t, srv, key, id)}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		q := url.Values{"per_page": {"500"}, "status": {"all"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Data       []contactState `json:"data"`
			Total      int64          `json:"total"`
			NextCursor string         `json:"next_cursor"`
		}
		want(t, srv.do(t, "GET", "/api/v1/contacts?"+q.Encode(), key, nil), 200, &page)
		for _, c := range page.Data {
			if seen[c.PhoneE164] {
				t.Fatalf("contactd %s: phone %s is on two contacts", srv.name, c.PhoneE164)
			}
			seen[c.PhoneE164] = true
		}
		out.contacts = append(out.contacts, page.Data...)
		if page.NextCursor == "" {
			if int64(len(out.contacts)) != page.Total {
				t.Fatalf("contactd %s: the cursor walk gave %d contacts, the list's total says %d", srv.name, len(out.contacts), page.Total)
			}
			break
		}
		if pages > 1000 {
			t.Fatalf("contactd %s: the cursor walk does not end", srv.name)
		}
		cursor = page.NextCursor
	}
	r := srv.do(t, "GET", fmt.Sprintf("/api/v1/contact-imports/%d/error_report", id), key, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%v\nwant 200 text/csv", r)
	}
	out.report = r.body
	return out
}

// compareOutcomes requires the crashed run to have left exactly what the
// uninterrupted one did, and names the first differences.
func compareOutcomes(t *testing.T, crashed, clean importOutcome) {
	t.Helper()
	a, b := crashed.job, clean.job
	if a.TotalRows != b.TotalRows || a.ProcessedRows != b.ProcessedRows || a.Created != b.Created || a.Updated != b.Updated ||
		a.Skipped != b.Skipped || a.Failed != b.Failed || a.Warnings != b.Warnings {
		t.Errorf("counts differ:\n  killed run:        %s\n  uninterrupted run: %s", progress(a), progress(b))
	}
	if len(crashed.contacts) != len(clean.contacts) {
		t.Errorf("the killed run left %d contacts, the uninterrupted run %d", len(crashed.contacts), len(clean.contacts))
	}
	diffs := 0
	for i := 0; i < min(len(crashed.contacts), len(clean.contacts)) && diffs < 5; i++ {
		x, y := crashed.contacts[i], clean.contacts[i]
		if !reflect.DeepEqual(x, y) {
			diffs++
			xj, _ := json.Marshal(x)
			yj, _ := json.Marshal(y)
			t.Errorf("contact #%d (in creation order) differs:\n  killed run:        %s\n  uninterrupted run: %s", i+1, xj, yj)
		}
	}
	if !bytes.Equal(crashed.report, clean.report) {
		al, bl := strings.Split(string(crashed.report), "\n"), strings.Split(string(clean.report), "\n")
		line := 0
		for line < min(len(al), len(bl)) && al[line] == bl[line] {
			line++
		}
		get := func(l []string) string {
			if line < len(l) {
				return l[line]
			}
			return "(end of report)"
		}
		t.Errorf("error reports differ (%d and %d lines); first difference at line %d:\n  killed run:        %s\n  uninterrupted run: %s",
			len(al), len(bl), line+1, get(al), get(bl))
	}
}
