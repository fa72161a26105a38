package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
)

func workspaceCreate(ctx context.Context, cfg config, args []string) error {
	fs := flag.NewFlagSet("workspace create", flag.ContinueOnError)
	region := fs.String("region", cfg.defaultRegion, "default phone region (ISO 3166, e.g. IN, US, GB)")
	name, rest := firstArg(args)
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" {
		return fmt.Errorf("usage: contactd workspace create NAME [--region IN]")
	}
	db, err := store.Open(ctx, cfg.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := db.CreateWorkspace(ctx, name, *region)
	if err != nil {
		return err
	}
	k, err := db.CreateAPIKey(ctx, ws.ID, "first admin", contactd.RoleAdmin, nil)
	if err != nil {
		return err
	}
	return printKey(stdout, ws, k)
}

func keyCreate(ctx context.Context, cfg config, args []string) error {
	fs := flag.NewFlagSet("key create", flag.ContinueOnError)
	wsName := fs.String("workspace", "", "workspace name")
	role := fs.String("role", "", "read, write or admin")
	name := fs.String("name", "", "a label for the key")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h (default: no expiry)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, ok := contactd.ParseRole(*role)
	if *wsName == "" || !ok {
		return fmt.Errorf("usage: contactd key create --workspace NAME --role read|write|admin [--name LABEL] [--expires 720h]")
	}
	db, err := store.Open(ctx, cfg.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := db.FindWorkspaceByName(ctx, *wsName)
	if err != nil {
		return fmt.Errorf("workspace %q: %w", *wsName, err)
	}
	var exp *time.Time
	if *expires > 0 {
		t := time.Now().Add(*expires).UTC()
		exp = &t
	}
	k, err := db.CreateAPIKey(ctx, ws.ID, *name, r, exp)
	if err != nil {
		return err
	}
	return printKey(stdout, ws, k)
}

// firstArg splits a leading positional argument from the flags after it, so
// that "workspace create acme --region US" works as people type it.
func firstArg(args []string) (string, []string) {
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		return args[0], args[1:]
	}
	return "", args
}

func printKey(w io.Writer, ws *contactd.Workspace, k *contactd.APIKey) error {
	_, err := fmt.Fprintf(w, "workspace %s (id %d)\nrole %s\nkey %s\n", ws.Name, ws.ID, k.Role, k.Secret)
	return err
}

var stdout io.Writer = os.Stdout
