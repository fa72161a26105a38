package api_test

import (
	"bufio"
	"fmt"
	"net"
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
