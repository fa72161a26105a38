package importer

import (
	"errors"
	"io"
	"os"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/mapping"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/tabfile"
)

// previewRows is how many rows a dry run shows; it counts all of them.
const previewRows = 20

// Preview is the answer to a dry run: how the file reads, how it maps, its
// first rows as they would be stored, and counts over the whole file.
type Preview struct {
	Encoding         string            `json:"encoding"`
	Delimiter        string            `json:"delimiter"`
	Headers          []string          `json:"headers"`
	SuggestedMapping map[string]string `json:"suggested_mapping"`
	Mapping          map[string]string `json:"column_mapping"`
	Rows             []PreviewRow      `json:"rows"`
	Summary          PreviewSummary    `json:"summary"`
}

// PreviewRow is one row of a dry run.
type PreviewRow struct {
	RowNumber int                   `json:"row_number"`
	Contact   *contactd.Contact     `json:"contact"`
	Errors    []contactd.FieldError `json:"errors"`
	Warning   string                `json:"warning,omitempty"`
}

// PreviewSummary counts over the whole file. Valid rows would be created or
// update a contact; DuplicatesInFile of them repeat an earlier row's phone.
type PreviewSummary struct {
	Rows             int `json:"rows"`
	Valid            int `json:"valid"`
	Invalid          int `json:"invalid"`
	Empty            int `json:"empty"`
	Warnings         int `json:"warnings"`
	DuplicatesInFile int `json:"duplicates_in_file"`
}

// Sniff opens f and checks opts' mapping (or the suggested one) against its
// headers: what an upload checks before it answers 202, so that a file or
// mapping that cannot work is refused at once.
func Sniff(f *os.File, opts contactd.ImportOptions, fileOpts tabfile.Options) (tabfile.Info, map[string]string, error) {
	rd, err := tabfile.OpenFile(f, fileOpts)
	if err != nil {
		return tabfile.Info{}, nil, fileError(err)
	}
	defer rd.Close()
	info := rd.Info()
	m, err := resolveMapping(opts, info.Headers)
	return info, m, err
}

// DryRun reads the whole file as an import would and writes nothing.
func DryRun(f *os.File, opts contactd.ImportOptions, wsRegion string, fileOpts tabfile.Options) (*Preview, error) {
	rd, err := tabfile.OpenFile(f, fileOpts)
	if err != nil {
		return nil, fileError(err)
	}
	defer rd.Close()
	info := rd.Info()
	m, err := resolveMapping(opts, info.Headers)
	if err != nil {
		return nil, err
	}
	pv := &Preview{Encoding: info.Encoding, Delimiter: info.Delimiter, Headers: info.Headers,
		SuggestedMapping: mapping.Suggest(info.Headers), Mapping: m, Rows: []PreviewRow{}}
	p := compile(info.Headers, m)
	seen := map[string]bool{}
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fileError(err)
		}
		pv.Summary.Rows++
		ir := p.row(r)
		if opts.DefaultRegion != "" && ir.Input.DefaultRegion == "" {
			ir.Input.DefaultRegion = opts.DefaultRegion
		}
		ir.Input.Tags = append(ir.Input.Tags, opts.Tags...)
		row := PreviewRow{RowNumber: r.Line, Warning: ir.Warning, Errors: []contactd.FieldError{}}
		if ir.Warning != "" {
			pv.Summary.Warnings++
		}
		if ir.Err != nil {
			row.Errors = append(row.Errors, contactd.FieldError{Field: ir.Err.Field, Code: ir.Err.Code, Message: ir.Err.Message})
			if ir.Err.Code == "phone_missing" && allEmpty(r.Fields) {
				pv.Summary.Empty++
			}
		} else if c, err := store.NormalizeContact(ir.Input, wsRegion); err != nil {
			var e *contactd.Error
			if errors.As(err, &e) {
				row.Errors = append(row.Errors, e.Fields...)
			}
		} else {
			row.Contact = c
			if seen[c.PhoneE164] {
				pv.Summary.DuplicatesInFile++
			}
			seen[c.PhoneE164] = true
		}
		if len(row.Errors) > 0 {
			pv.Summary.Invalid++
		} else {
			pv.Summary.Valid++
		}
		if len(pv.Rows) < previewRows {
			pv.Rows = append(pv.Rows, row)
		}
	}
	return pv, nil
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// fileError turns a reader's complaint into a 4xx the operator can act on.
func fileError(err error) error {
	var te *tabfile.Error
	if errors.As(err, &te) {
		return &contactd.Error{Code: te.Code, Message: te.Error()}
	}
	return err
}
