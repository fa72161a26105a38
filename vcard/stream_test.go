package vcard

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// repeat is an io.Reader of s n times, made up as it is read, so a test
// can feed hundreds of megabytes without holding them.
type repeat struct {
	s   string
	n   int
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 && r.n > 0 {
		c := copy(p, r.s[r.off:])
		p, total, r.off = p[c:], total+c, r.off+c
		if r.off == len(r.s) {
			r.off, r.n = 0, r.n-1
		}
	}
	if total == 0 && r.n == 0 {
		return 0, io.EOF
	}
	return total, nil
}

// TestHugePhotosStream: PHOTO values of tens of megabytes, folded, on one
// line, or as a 2.1 block, are skipped without being held.
func TestHugePhotosStream(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100 MB")
	}
	base64Line := strings.Repeat("QUJDRA", 12) + "\r\n"
	file := io.MultiReader(
		strings.NewReader("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Folded\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/\r\n"),
		&repeat{s: " " + base64Line, n: 500_000}, // 37 MB
		strings.NewReader("TEL;TYPE=CELL:1\r\nEND:VCARD\r\n"),
		strings.NewReader("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One line\r\nPHOTO;ENCODING=b:"),
		&repeat{s: strings.Repeat("QUJDRA", 12), n: 500_000}, // 36 MB
		strings.NewReader("\r\nTEL;TYPE=CELL:2\r\nEND:VCARD\r\n"),
		strings.NewReader("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Block\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n"),
		&repeat{s: base64Line, n: 400_000}, // 30 MB
		strings.NewReader("\r\nTEL;CELL:3\r\nEND:VCARD\r\n"),
	)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, err := Open(file)
	if err != nil {
		t.Fatal(err)
	}
	lines, rows := readRows(t, r)
	runtime.ReadMemStats(&after)

	if got, want := len(rows), 3; got != want {
		t.Fatalf("%d cards, want %d", got, want)
	}
	for i, want := range []string{"1", "2", "3"} {
		if got := rows[i]["Mobile Phone"]; got != want {
			t.Errorf("card %d: Mobile Phone = %q, want %q", i, got, want)
		}
	}
	if want := 4 + 500_000 + 2 + 1; lines[1] != want {
		t.Errorf("second card on line %d, want %d", lines[1], want)
	}
	// The start of the file (1 MiB), a line buffer and a few rows.
	t.Logf("allocated %d KB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading allocated %d MB: photos were held", alloc>>20)
	}
}

// TestReadErrorMidFile: an error of the file itself (disk, network) is
// returned as it is, not as an *Error about the file's content.
func TestReadErrorMidFile(t *testing.T) {
	disk := errors.New("disk on fire")
	file := io.MultiReader(&repeat{s: "BEGIN:VCARD\nFN:a\nEND:VCARD\n", n: 100_000}, iotest.ErrReader(disk))
	r, err := Open(file)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, _, err = r.Next()
		if err != nil {
			break
		}
		n++
	}
	var e *Error
	if !errors.Is(err, disk) || errors.As(err, &e) {
		t.Errorf("after %d cards: %v (%T), want the read error wrapped", n, err, err)
	}
}
