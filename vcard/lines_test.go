package vcard

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// physicalLines reads every line of s with a lineReader, joining the
// pieces of long lines, and returns them with their line numbers.
func physicalLines(t *testing.T, l *lineReader) (lines []string, nums []int) {
	t.Helper()
	var cur []byte
	num := 0
	for {
		if cur == nil {
			num = l.line
		}
		seg, complete, ok := l.next()
		if !ok {
			if cur != nil {
				t.Fatalf("input ended inside a line")
			}
			return lines, nums
		}
		cur = append(append([]byte{}, cur...), seg...)
		if complete {
			lines, nums = append(lines, string(cur)), append(nums, num)
			cur = nil
		}
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 3*chunkSize+7)
	tests := []struct {
		name  string
		in    string
		lines []string
		nums  []int
	}{
		{"LF", "a\nb\n", []string{"a", "b"}, []int{1, 2}},
		{"CR LF", "a\r\nb\r\n", []string{"a", "b"}, []int{1, 2}},
		{"bare CR", "a\rb\r", []string{"a", "b"}, []int{1, 2}},
		{"CR CR LF counts two lines", "a\r\r\nb\r\r\nc", []string{"a", "b", "c"}, []int{1, 3, 5}},
		{"CR CR is an empty line", "a\r\rb", []string{"a", "", "b"}, []int{1, 2, 3}},
		{"LF CR", "a\n\rb", []string{"a", "", "b"}, []int{1, 2, 3}},
		{"mixed", "a\r\nb\nc\rd\r\r\ne", []string{"a", "b", "c", "d", "e"}, []int{1, 2, 3, 4, 6}},
		{"no final line break", "a\nb", []string{"a", "b"}, []int{1, 2}},
		{"empty", "", nil, nil},
		{"long line", "a\n" + long + "\r\nb", []string{"a", long, "b"}, []int{1, 2, 3}},
		// A CR LF split by the end of the buffer is still one line break.
		{"CR at the end of a full buffer", strings.Repeat("y", chunkSize-1) + "\r\nb",
			[]string{strings.Repeat("y", chunkSize-1), "b"}, []int{1, 2}},
		{"CR CR LF at the end of a full buffer", strings.Repeat("y", chunkSize-2) + "\r\r\nb",
			[]string{strings.Repeat("y", chunkSize-2), "b"}, []int{1, 3}},
	}
	for _, tt := range tests {
		for _, r := range []struct {
			name string
			wrap func(string) *lineReader
		}{
			{"whole", func(s string) *lineReader { return newLineReader(strings.NewReader(s), 0) }},
			{"byte by byte", func(s string) *lineReader { return newLineReader(iotest.OneByteReader(strings.NewReader(s)), 0) }},
		} {
			t.Run(tt.name+"/"+r.name, func(t *testing.T) {
				lines, nums := physicalLines(t, r.wrap(tt.in))
				if len(lines) != len(tt.lines) {
					t.Fatalf("%d lines, want %d", len(lines), len(tt.lines))
				}
				for i := range lines {
					if lines[i] != tt.lines[i] || nums[i] != tt.nums[i] {
						t.Errorf("line %d: %.20q at %d, want %.20q at %d", i, lines[i], nums[i], tt.lines[i], tt.nums[i])
					}
				}
			})
		}
	}
}

// TestLineReaderReadError: a read error ends the lines and is kept for
// the caller to report.
func TestLineReaderReadError(t *testing.T) {
	l := newLineReader(iotest.TimeoutReader(bytes.NewReader([]byte("a\nb"))), 0)
	lines, _ := physicalLines(t, l)
	if len(lines) == 0 || l.err == nil {
		t.Errorf("lines %q, err %v; want some lines, then the error", lines, l.err)
	}
}
