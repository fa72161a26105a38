package tabfile

import (
	"errors"
	"io"

	"github.com/contactd/contactd/vcard"
)

// FormatVCard is a vCard file (.vcf, versions 2.1 to 4.0), read as one row
// per card under the fixed headers of package vcard, so that the same
// mapping and import serve phone exports as well as spreadsheets.
const FormatVCard Format = "vcard"

// vcardSource yields vcard.Headers first, as a header line would be, then
// one record per card; each card's line is that of its BEGIN:VCARD.
type vcardSource struct {
	r          *vcard.Reader
	headerDone bool
}

func openVCard(r io.ReaderAt, size int64) (*vcardSource, string, error) {
	vr, err := vcard.Open(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, "", vcardError(err)
	}
	return &vcardSource{r: vr}, vr.Encoding(), nil
}

func (s *vcardSource) next() (int, []string, bool, error) {
	if !s.headerDone {
		s.headerDone = true
		return 0, append([]string{}, vcard.Headers...), false, nil
	}
	line, fields, err := s.r.Next()
	if err != nil {
		return 0, nil, false, vcardError(err)
	}
	return line, fields, false, nil
}

func (s *vcardSource) close() error { return nil }

// vcardError gives the card reader's complaints tabfile's error type, with
// their codes (empty_file, malformed_vcard, cell_too_large) unchanged.
func vcardError(err error) error {
	var ve *vcard.Error
	if errors.As(err, &ve) {
		return newError(ve.Code, ve.Line, ve.Message)
	}
	return err
}
