package importer_test

import "github.com/contactd/contactd/tabfile"

func importerFileOptions() tabfile.Options { return tabfile.Options{} }
