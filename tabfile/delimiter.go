package tabfile

import (
	"bytes"
	"io"
)

// delimiters are the ones sniffed, in the order that breaks ties: comma is
// the RFC's, semicolon is Excel's where the decimal mark is a comma, tab is
// Excel's "Unicode text" and Thunderbird's .txt, pipe comes from CRMs.
var delimiters = []byte{',', ';', '\t', '|'}

// sampleRecords is how many records of the sample vote on the delimiter.
const sampleRecords = 50

// sepLine returns the delimiter named by an Excel "sep=X" first line, and
// whether there is one. Excel writes it so that a file opens with the right
// delimiter whatever the locale; it is not a header.
func sepLine(sample []byte) (byte, bool) {
	line := sample
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	// Some tools quote it, as they would any cell.
	if len(line) == 7 && line[0] == '"' && line[6] == '"' {
		line = line[1:6]
	}
	if len(line) != 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, false
	}
	d := line[4]
	if d == '"' || d == ' ' || d >= 0x80 ||
		'0' <= d && d <= '9' || 'a' <= d|0x20 && d|0x20 <= 'z' {
		return 0, false
	}
	return d, true
}

// sniffDelimiter picks the delimiter of sample, the decoded start of a file
// (the whole file when whole is true). The header decides: only a
// delimiter that splits the first record in two or more is a candidate,
// and among candidates the one that splits the most of the following
// records into as many fields as the header wins; then the one giving
// more columns; then the order of delimiters. Counting is quote-aware, so
// "Smith, John" inside quotes does not vote for comma, and a record where
// a delimiter splits a quoted cell (leaving text after a closing quote)
// votes against it.
//
// A file whose header splits on none of them is a single column; its
// delimiter is reported as a comma.
func sniffDelimiter(sample []byte, whole bool) byte {
	best, bestScore, bestWidth := byte(','), -1.0, 0
	for _, d := range delimiters {
		counts := fieldCounts(sample, d, whole)
		if len(counts) == 0 || counts[0] < 2 {
			continue
		}
		header, rows := counts[0], counts[1:]
		score := 1.0
		if len(rows) > 0 {
			agree := 0
			for _, c := range rows {
				if c == header {
					agree++
				}
			}
			score = float64(agree) / float64(len(rows))
		}
		if score > bestScore || score == bestScore && header > bestWidth {
			best, bestScore, bestWidth = d, score, header
		}
	}
	return best
}

// fieldCounts splits sample with delimiter d and returns the number of
// fields of each of its first non-blank records. Unless the sample is the
// whole file its last record may be cut short, so it is left out (the
// first never is: a header longer than the sample still votes).
func fieldCounts(sample []byte, d byte, whole bool) []int {
	sc := newScannerSize(bytes.NewReader(sample), len(sample), d, len(sample)+1, len(sample)+1)
	var counts []int
	for len(counts) <= sampleRecords {
		_, err := sc.readRecord()
		if err == io.EOF {
			if !whole && len(counts) > 1 {
				counts = counts[:len(counts)-1]
			}
			break
		}
		if err != nil {
			// A quote the end of the sample cut before it closed: that
			// record is cut short too.
			if len(counts) == 0 {
				counts = append(counts, len(sc.ends))
			}
			break
		}
		if len(bytes.TrimSpace(sc.record)) == 0 {
			continue
		}
		n := len(sc.ends)
		if sc.strays > 0 {
			// Quoted cells closed early: d splits inside them, so this
			// record votes against d.
			n, sc.strays = 0, 0
		}
		counts = append(counts, n)
	}
	return counts
}
