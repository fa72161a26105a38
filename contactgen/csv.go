package contactgen

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSVHeader is the header row WriteCSV writes: the column names a person
// exporting from a spreadsheet or a CRM would have.
var CSVHeader = []string{"Phone", "First Name", "Last Name", "Email", "Company", "City", "Country", "Tags"}

// WriteCSV writes a header and the next n rows to w, tags joined by ";".
func (g *Generator) WriteCSV(w io.Writer, n int) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	rec := make([]string, len(CSVHeader))
	for i := 0; i < n; i++ {
		r := g.Next()
		rec[0], rec[1], rec[2], rec[3] = r.Phone, r.FirstName, r.LastName, r.Email
		rec[4], rec[5], rec[6], rec[7] = r.Company, r.City, r.Country, strings.Join(r.Tags, ";")
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
