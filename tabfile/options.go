package tabfile

// Options bound what one file may cost. The zero value means the defaults.
type Options struct {
	// MaxCellBytes caps one cell, in bytes of UTF-8 (default 64 KiB). It
	// also stops a quote that never closes from turning the rest of a large
	// file into one cell held in memory.
	MaxCellBytes int
	// MaxColumns caps the fields of any one row, header included
	// (default 500; Hubspot's "all properties" export has about 200).
	MaxColumns int
	// MaxXLSXBytes caps the unpacked size of an xlsx, all its parts
	// together (default 1 GiB). It is checked against the ZIP directory
	// before anything is unpacked, so a ZIP bomb costs nothing.
	MaxXLSXBytes int64
}

const (
	defaultMaxCellBytes = 64 << 10
	defaultMaxColumns   = 500
	defaultMaxXLSXBytes = 1 << 30
)

func (o Options) withDefaults() Options {
	if o.MaxCellBytes <= 0 {
		o.MaxCellBytes = defaultMaxCellBytes
	}
	if o.MaxColumns <= 0 {
		o.MaxColumns = defaultMaxColumns
	}
	if o.MaxXLSXBytes <= 0 {
		o.MaxXLSXBytes = defaultMaxXLSXBytes
	}
	return o
}
