package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// postJSON sends body as JSON to path and decodes a 2xx answer into out
// (after the clock stops, as get does). ctx bounds the request, beyond the
// client's own timeout.
func (s *server) postJSON(ctx context.Context, path string, body, out any) (time.Duration, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Api-Key", s.key)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return d, err
	}
	if resp.StatusCode/100 != 2 {
		return d, fmt.Errorf("POST %s: %s: %.300s", path, resp.Status, answer)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			return d, fmt.Errorf("POST %s: %w", path, err)
		}
	}
	return d, nil
}

// createSegment makes a dynamic segment of rules (JSON) over HTTP and
// returns its id.
func (t *target) createSegment(name, rules string) (int64, error) {
	var seg struct{ ID int64 }
	_, err := t.srv.postJSON(context.Background(), "/api/v1/contact_segments",
		map[string]any{"name": name + " " + strconv.FormatInt(time.Now().UnixNano(), 36), "rules": json.RawMessage(rules)}, &seg)
	return seg.ID, err
}

// The memory of one operation of the in-process server: the kernel's
// resident-set high-water mark (VmHWM) is reset before it starts (writing
// 5 to /proc/self/clear_refs, Linux 4.0+) and read when it ends. The
// process also holds the bench's own data and the engine's caches, so the
// figure that belongs to the operation is the growth over the RSS it
// started from.
type memWatch struct{ before int64 }

func watchMemory() memWatch {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // best effort: then VmHWM is the process's peak so far
	return memWatch{before: kib(procField("/proc/self/status", "VmRSS"))}
}

// peak is the process's peak RSS since watchMemory, and its growth over
// the RSS then.
func (m memWatch) peak() (peak, growth int64) {
	peak = kib(procField("/proc/self/status", "VmHWM"))
	// The kernel updates VmHWM lazily: a peak read as below the RSS read
	// just after the reset means nothing grew.
	return max(peak, m.before), max(0, peak-m.before)
}

func memText(peak, growth int64) string {
	return fmt.Sprintf("%s peak, +%s over the %s before", mib(peak), mib(growth), mib(peak-growth))
}

// countLines counts the newlines of r as it streams by.
func countLines(r io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	var n int64
	for {
		k, err := r.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
