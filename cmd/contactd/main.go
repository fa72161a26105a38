// Command contactd serves the contacts API and administers its database.
//
//	contactd [serve]                              serve the API
//	contactd workspace create NAME [--region IN]  add a workspace, print its admin key
//	contactd key create --workspace NAME --role read|write|admin [--name N]
//	contactd import FILE --server URL --key KEY [--map "Phone=phone_e164"] [--dry-run]
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	ctx := context.Background()
	cfg := configFromEnv()
	args := os.Args[1:]
	var err error
	switch {
	case len(args) == 0 || args[0] == "serve":
		err = serve(ctx, cfg)
	case args[0] == "workspace" && len(args) > 1 && args[1] == "create":
		err = workspaceCreate(ctx, cfg, args[2:])
	case args[0] == "key" && len(args) > 1 && args[1] == "create":
		err = keyCreate(ctx, cfg, args[2:])
	case args[0] == "backup":
		err = backupCmd(ctx, cfg, args[1:])
	case args[0] == "import":
		err = importCmd(args[1:])
	case args[0] == "help" || args[0] == "-h" || args[0] == "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "contactd: unknown command %q\n\n%s", args[0], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "contactd: %v\n", err)
		os.Exit(1)
	}
}

const usage = `usage:
  contactd [serve]                                  serve the API
  contactd workspace create NAME [--region IN]      add a workspace and print its first admin key
  contactd key create --workspace NAME --role ROLE  print a new key (ROLE: read, write or admin)
                      [--name LABEL] [--expires 720h]
  contactd backup FILE                              consistent copy of the SQLite database, while it serves
  contactd import FILE --server URL --key KEY       upload a contact file and follow the job
                      [--map "Phone=phone_e164,..."] [--dry-run] [--mode M] [--match-on F]

environment:
  CONTACTD_ADDR            listen address (default 127.0.0.1:8080)
  CONTACTD_DB              SQLite file (default ./contactd-data/contactd.db) or postgres:// URL
  CONTACTD_BOOTSTRAP_KEY   admin key of the first workspace on first start (else printed once)
  CONTACTD_DEFAULT_REGION  default phone region of the first workspace (default IN)
  CONTACTD_LOG_FORMAT      text (default) or json
  CONTACTD_LOG_LEVEL       debug, info (default), warn or error
  CONTACTD_MAX_IMPORT_BYTES  largest import file (default 536870912 = 512 MiB)
  CONTACTD_TEMP_DIR        where uploads are spooled while checked (default: the system's)
  CONTACTD_JOB_WORKERS     background jobs run at once by this server (default 1)
`
