package api_test

import (
	"bufio"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd/api"
)

// A client that sends its headers and then trickles (here: withholds) its
// body does not hold the connection past the request timeout and its grace:
// it is answered 503 request_timeout once the body's read deadline passes.
func TestSlowBodyIsCut(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.serve(api.Options{RequestTimeout: 100 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\nX-Api-Key: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"phone_e164\":", e.write)
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := bufio.NewReader(conn).ReadString('\n')
	if took := time.Since(start); took > 15*time.Second || !strings.HasPrefix(res, "HTTP/1.1 503 ") {
		t.Fatalf("after %s: answer %q (%v), want 503 request_timeout within the timeout and its grace", took, res, err)
	}
}

// An upload that takes longer than the request timeout and its grace is not
// cut while it keeps arriving.
func TestSlowUploadIsNotCut(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 7 s")
	}
	e := newEnv(t, "sqlite")
	e.serve(api.Options{RequestTimeout: time.Nanosecond})
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, _ := mw.CreateFormFile("file", "slow.csv")
		_, _ = io.WriteString(fw, "Phone,Notes\n")
		row := "+919900000001," + strings.Repeat("x", 100) + "\n"
		for range 7 { // a chunk a second: 7 s, past the 5 s grace
			_, _ = io.WriteString(fw, strings.Repeat(row, (64<<10)/len(row)+1))
			time.Sleep(time.Second)
		}
		_ = mw.Close()
		_ = pw.Close()
	}()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/contacts/import", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Api-Key", e.write)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 202 {
		t.Fatalf("slow upload: %d %s", res.StatusCode, body)
	}
}
