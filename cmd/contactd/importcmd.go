package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// importCmd uploads a file to a running server, follows the job with a
// progress bar and prints the outcome:
//
//	contactd import FILE --server URL --key KEY [--map "Phone=phone_e164,..."] [--dry-run]
func importCmd(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	server := fs.String("server", envOr("CONTACTD_SERVER", "http://127.0.0.1:8080"), "contactd server URL")
	key := fs.String("key", os.Getenv("CONTACTD_KEY"), "API key with the write role")
	mapArg := fs.String("map", "", `column mapping, "Header=field,Other=field" (default: the suggested one)`)
	dryRun := fs.Bool("dry-run", false, "validate the whole file and show a preview; write nothing")
	mode := fs.String("mode", "", "create_or_update (default), create_only or update_only")
	matchOn := fs.String("match-on", "", "phone_e164 (default) or email")
	region := fs.String("region", "", "default region for national phone forms")
	path, rest := firstArg(args)
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if path == "" && fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	if path == "" || *key == "" {
		return fmt.Errorf("usage: contactd import FILE --server URL --key KEY [--map \"Phone=phone_e164,...\"] [--dry-run]")
	}
	fields := map[string]string{}
	if *mapArg != "" {
		m, err := parseMapArg(*mapArg)
		if err != nil {
			return err
		}
		fields["column_mapping"] = m
	}
	for name, v := range map[string]string{"mode": *mode, "match_on": *matchOn, "default_region": *region} {
		if v != "" {
			fields[name] = v
		}
	}
	if *dryRun {
		fields["dry_run"] = "true"
	}
	c := &client{base: strings.TrimRight(*server, "/"), key: *key}
	status, body, err := c.upload(path, fields)
	if err != nil {
		return err
	}
	if status >= 300 {
		return problemError(status, body)
	}
	if *dryRun {
		var out bytes.Buffer
		json.Indent(&out, body, "", "  ")
		fmt.Fprintln(stdout, out.String())
		return nil
	}
	var job map[string]any
	if err := json.Unmarshal(body, &job); err != nil {
		return fmt.Errorf("unexpected answer: %s", body)
	}
	return c.follow(int64(num(job["id"])))
}

// parseMapArg turns "Phone=phone_e164,First=first_name" into the JSON the
// API takes.
func parseMapArg(s string) (string, error) {
	m := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		h, f, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(h) == "" || strings.TrimSpace(f) == "" {
			return "", fmt.Errorf("--map: %q is not Header=field", pair)
		}
		m[strings.TrimSpace(h)] = strings.TrimSpace(f)
	}
	b, err := json.Marshal(m)
	return string(b), err
}

type client struct {
	base, key string
	http      http.Client
}

// upload streams the file through a pipe: a 500 MB file is never in memory.
func (c *client) upload(path string, fields map[string]string) (int, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		part, err := mw.CreateFormFile("file", filepath.Base(path))
		if err == nil {
			_, err = io.Copy(part, f)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", c.base+"/api/v1/contacts/import", pr)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Api-Key", c.key)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("upload to %s: %w", c.base, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

func (c *client) get(path string) (map[string]any, error) {
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Api-Key", c.key)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return nil, problemError(res.StatusCode, body)
	}
	var out map[string]any
	return out, json.Unmarshal(body, &out)
}

// follow polls the job and draws a progress bar with the rate until it ends.
func (c *client) follow(id int64) error {
	start := time.Now()
	var job map[string]any
	for {
		var err error
		if job, err = c.get(fmt.Sprintf("/api/v1/contact-imports/%d", id)); err != nil {
			return err
		}
		done, total := num(job["processed_rows"]), num(job["total_rows"])
		rate := done / max(time.Since(start).Seconds(), 0.001)
		fmt.Fprintf(os.Stderr, "\r%s %.0f/%.0f rows  %.0f rows/s  %s   ", bar(done, total, 30), done, total, rate, job["status"])
		status, _ := job["status"].(string)
		if status == "completed" || status == "failed" || status == "cancelled" {
			fmt.Fprintln(os.Stderr)
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	fmt.Fprintf(stdout, "import %d %s: %.0f rows, %.0f created, %.0f updated, %.0f skipped, %.0f failed\n",
		id, job["status"], num(job["total_rows"]), num(job["created"]), num(job["updated"]), num(job["skipped"]), num(job["failed"]))
	if msg, _ := job["error"].(string); msg != "" {
		fmt.Fprintf(stdout, "error: %s\n", msg)
	}
	if num(job["failed"]) > 0 {
		fmt.Fprintf(stdout, "error report: %s/api/v1/contact-imports/%d/error_report\n", c.base, id)
	}
	if job["status"] != "completed" {
		return fmt.Errorf("import %d %s", id, job["status"])
	}
	return nil
}

func bar(done, total float64, width int) string {
	filled := 0
	if total > 0 {
		filled = int(float64(width) * min(done/total, 1))
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func problemError(status int, body []byte) error {
	var p struct {
		Code, Detail string
		Errors       []struct{ Field, Message string }
	}
	if json.Unmarshal(body, &p) != nil || p.Code == "" {
		return fmt.Errorf("server answered %d: %s", status, strings.TrimSpace(string(body)))
	}
	msg := fmt.Sprintf("%s (%d %s)", p.Detail, status, p.Code)
	for _, e := range p.Errors {
		msg += fmt.Sprintf("\n  %s: %s", e.Field, e.Message)
	}
	return fmt.Errorf("%s", msg)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
