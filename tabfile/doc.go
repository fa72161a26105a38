// Package tabfile reads an uploaded contact file (CSV, TSV or xlsx) as a
// stream of rows, each with the physical line it starts on, so an import can
// name the line a person has to fix in their spreadsheet.
//
// Files arrive from Google, Outlook, HubSpot, Excel and hand-made sheets, up
// to hundreds of megabytes, so nothing here loads the whole file: the format,
// the text encoding and the delimiter are sniffed from the first megabyte,
// and the rest is read record by record.
//
// The package knows nothing of contacts. It hands back headers cleaned for
// display ([Info].Headers), a key for matching them ([HeaderKey]) and rows of
// exactly as many fields as there are headers; mapping columns to contact
// fields is the importer's job.
package tabfile
