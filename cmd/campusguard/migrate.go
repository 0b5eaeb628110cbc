package main

import (
	"context"
	"fmt"
	"strings"

	"campusguard/internal/app"
)

// cmdMigrate applies the embedded migrations and says which ran.
func cmdMigrate(ctx context.Context, env environment, args []string) error {
	fs, c := env.flags("migrate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, applied, err := app.OpenStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	if len(applied) == 0 {
		fmt.Fprintf(env.stdout, "%s: up to date\n", store.Target())
	} else {
		fmt.Fprintf(env.stdout, "%s: applied %s\n", store.Target(), strings.Join(applied, ", "))
	}
	return nil
}
