package main

// The end-to-end harness: it builds the contactd binary once, runs it as a
// child process on a real database, drives its command line, and talks to it
// over HTTP the way a client would.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/contactd/contactd/api"
)

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// contactdBinary builds the binary from this package, once per test run.
func contactdBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "contactd-e2e-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "contactd")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build contactd: %v", buildErr)
	}
	return binPath
}

// contactdEnv is the environment of a child contactd: this process's,
// without any CONTACTD_ setting of the developer's shell, plus dsn and extra.
func contactdEnv(dsn string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONTACTD_") {
			env = append(env, kv)
		}
	}
	env = append(env, "CONTACTD_DB="+dsn)
	return append(env, extra...)
}

// randomKey is an operator-chosen bootstrap key: 32 hex characters.
func randomKey(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// freeAddr finds a port nobody listens on. Another process could take it
// before contactd does; startServer would then report the exit.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// output collects a child's stdout or stderr; the copy runs in exec's
// goroutine while the test reads it.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// server is one running contactd process.
type server struct {
	name    string // "first run", "restart": names the log in failure messages
	url     string
	cmd     *exec.Cmd
	stderr  *output
	stdout  *output
	client  *http.Client
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
}

// startServer runs `contactd` on dsn with env added to the environment, and
// waits until GET /healthz answers 200. The process is killed when t ends if
// it is still running; if t failed, the tail of its log is printed.
func startServer(t *testing.T, name, dsn string, env ...string) *server {
	t.Helper()
	s := &server{
		name:   name,
		stderr: &output{},
		stdout: &output{},
		client: &http.Client{Timeout: 10 * time.Second},
		done:   make(chan struct{}),
	}
	addr := freeAddr(t)
	s.url = "http://" + addr
	s.cmd = exec.Command(contactdBinary(t))
	s.cmd.Env = contactdEnv(dsn, append([]string{"CONTACTD_ADDR=" + addr, "CONTACTD_LOG_FORMAT=json"}, env...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start contactd (%s): %v", name, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		if !s.exited() {
			s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("contactd %s: log tail:\n%s", s.name, s.logTail())
		}
	})

	deadline := time.Now().Add(15 * time.Second)
	for {
		if s.exited() {
			t.Fatalf("contactd %s exited before it was healthy: %v", name, s.waitErr)
		}
		res, err := s.client.Get(s.url + "/healthz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("contactd %s: GET /healthz not 200 within 15s (last: %v)", name, describe(res, err))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func describe(res *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return res.Status
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *server) logTail() string {
	out := tail(s.stderr.String(), 40)
	if so := s.stdout.String(); so != "" {
		out += "\n--- stdout:\n" + tail(so, 20)
	}
	return out
}

// stop sends SIGTERM and requires a clean exit (code 0) within 10 seconds.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM to contactd %s: %v", s.name, err)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("contactd %s still running 10s after SIGTERM", s.name)
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("contactd %s exited with %v after SIGTERM, want code 0", s.name, s.waitErr)
	}
}

// logRecords parses stderr as JSON log lines. Lines that are not JSON are
// returned apart (the printed bootstrap key is the only one expected).
func (s *server) logRecords() (records []map[string]any, plain []string) {
	for _, line := range strings.Split(s.stderr.String(), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			plain = append(plain, line)
			continue
		}
		records = append(records, rec)
	}
	return records, plain
}

// hasLogMsg reports whether some JSON log record's msg contains sub.
func (s *server) hasLogMsg(sub string) bool {
	records, _ := s.logRecords()
	for _, r := range records {
		if msg, _ := r["msg"].(string); strings.Contains(msg, sub) {
			return true
		}
	}
	return false
}

// printedKeyRE matches the key contactd prints on a first start without
// CONTACTD_BOOTSTRAP_KEY.
var printedKeyRE = regexp.MustCompile(`(?m)^    (cdk_\S+)$`)

// response is an answer with what asked for it, for failure messages.
type response struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
}

func (r response) String() string {
	return fmt.Sprintf("%s %s: %d %s", r.method, r.path, r.status, bytes.TrimSpace(r.body))
}

// do sends a request with key (none when ""). body is nil, a string sent as
// is, or a value sent as JSON; headers are name, value pairs.
func (s *server) do(t *testing.T, method, path, key string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s on contactd %s: %v", method, path, s.name, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{method: method, path: path, status: res.StatusCode, header: res.Header, body: b}
}

// want requires status and an application/json body, decoded into v (when
// not nil).
func want(t *testing.T, r response, status int, v any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%v\nwant status %d", r, status)
	}
	if mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); mt != "application/json" {
		t.Fatalf("%v\nContent-Type %q, want application/json", r, r.header.Get("Content-Type"))
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("%v\nbody does not decode into %T: %v", r, v, err)
		}
	}
}

// wantProblem requires an application/problem+json answer with status and
// code, and the fields every problem carries.
func wantProblem(t *testing.T, r response, status int, code string) api.Problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("%v\nwant status %d (%s)", r, status, code)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%v\nContent-Type %q, want application/problem+json", r, ct)
	}
	var p api.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("%v\nnot a problem document: %v", r, err)
	}
	if p.Code != code || p.Status != status || p.Title == "" || p.Detail == "" || p.RequestID == "" {
		t.Fatalf("%v\nwant a problem with code %q, status %d, title, detail and request_id", r, code, status)
	}
	return p
}

// cliKey is what `contactd workspace create` and `key create` print.
type cliKey struct {
	workspace   string
	workspaceID int64
	role        string
	secret      string
}

var cliKeyRE = regexp.MustCompile(`\Aworkspace (\S+) \(id (\d+)\)\nrole (\S+)\nkey (\S+)\n\z`)

// runCLI runs the binary with args on dsn and parses the key it prints.
func runCLI(t *testing.T, dsn string, args ...string) cliKey {
	t.Helper()
	cmd := exec.Command(contactdBinary(t), args...)
	cmd.Env = contactdEnv(dsn)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatalf("contactd %s: %v", strings.Join(args, " "), err)
	}
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
		err = errors.New("still running after 15s")
	}
	if err != nil {
		t.Fatalf("contactd %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, &stdout, &stderr)
	}
	m := cliKeyRE.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("contactd %s printed %q, want \"workspace NAME (id N)\\nrole ROLE\\nkey SECRET\\n\"", strings.Join(args, " "), stdout.String())
	}
	var id int64
	fmt.Sscan(m[2], &id)
	return cliKey{workspace: m[1], workspaceID: id, role: m[3], secret: m[4]}
}
