package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"campusguard"
	"campusguard/internal/app"
)

const tokenUsage = `Usage:
  campusguard token create --name N --role ROLE --org CODE|ID [--duty D]
  campusguard token list
  campusguard token revoke ID

A token is for a device (a temperature gate: --role gate_staff at its school)
or an integration. Its secret is printed once; only a digest is stored.
Send it as "Authorization: Bearer SECRET".
`

// cmdToken manages API tokens from the command line, as the system.
func cmdToken(ctx context.Context, env environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.stderr, tokenUsage)
		return errReported
	}
	fs, c := env.flags("token " + args[0])
	name := fs.String("name", "", "what the token is for, e.g. 东校门测温门")
	role := fs.String("role", "", "the token's role")
	org := fs.String("org", "", "the org node (code or id) the role applies to")
	duty := fs.String("duty", "", "for a region viewer (required): health, cdc, market, police or transport")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, _, err := app.OpenStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx = campusguard.SystemContext(ctx, "cli")
	switch args[0] {
	case "create":
		if *name == "" || *role == "" || *org == "" {
			fmt.Fprint(env.stderr, tokenUsage)
			return errReported
		}
		o, err := findOrg(ctx, store, *org)
		if err != nil {
			return err
		}
		secret, t, err := store.CreateTokenFor(ctx, *name, campusguard.Grant{Role: campusguard.AccessRole(*role), OrgID: o.ID, Duty: *duty})
		if err != nil {
			return explain(env, c.lang, err)
		}
		fmt.Fprintf(env.stderr, "token %d %q (%s at %s) created; the secret is shown this once:\n", t.ID, t.Name, t.Role, o.Name)
		fmt.Fprintln(env.stdout, secret)
	case "list":
		tokens, err := store.FindTokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tROLE\tORG\tLAST USED\tREVOKED")
		for _, t := range tokens {
			used, revoked := "never", ""
			if t.LastUsedAt != nil {
				used = t.LastUsedAt.Format("2006-01-02 15:04")
			}
			if t.RevokedAt != nil {
				revoked = t.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%d\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.Role, t.OrgID, used, revoked)
		}
		tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			fmt.Fprint(env.stderr, tokenUsage)
			return errReported
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("token id %q is not a number", fs.Arg(0))
		}
		if err := store.RevokeToken(ctx, id); err != nil {
			return explain(env, c.lang, err)
		}
		fmt.Fprintf(env.stdout, "token %d revoked\n", id)
	default:
		fmt.Fprintf(env.stderr, "campusguard token: unknown action %q\n\n%s", args[0], tokenUsage)
		return errReported
	}
	return nil
}
