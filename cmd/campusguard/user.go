package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore"
)

const userUsage = `Usage:
  campusguard user add --login L --name N --role ROLE [--org CODE|ID] [--duty D] < password
  campusguard user list [--under CODE|ID]
  campusguard user passwd --login L < password
  campusguard user grant --login L --role ROLE [--org CODE|ID] [--duty D]

Passwords are read from the first line of standard input, so they never
appear in the shell history or the process list:
  echo 'a long passphrase' | campusguard user add --login admin --name 管理员 --role system_admin
Roles: system_admin region_admin region_viewer inspector school_admin health_officer
       class_teacher gate_staff staff_member
`

// cmdUser manages accounts from the command line, as the system.
func cmdUser(ctx context.Context, env environment, args []string) error {
	if len(args) == 0 {
		io.WriteString(env.stderr, userUsage)
		return errReported
	}
	fs, c := env.flags("user " + args[0])
	login := fs.String("login", "", "the account's login (a user name or phone number)")
	name := fs.String("name", "", "the account holder's name")
	role := fs.String("role", "", "the role to grant")
	org := fs.String("org", "", "the org node (code or id) the role applies to; none for system_admin")
	duty := fs.String("duty", "", "for region viewers (required): health, cdc, market, police or transport")
	under := fs.String("under", "", "list only accounts with a grant under this org (code or id)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, _, err := app.OpenStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx = campusguard.SystemContext(ctx, "cli")
	grant := func() (campusguard.Grant, error) {
		g := campusguard.Grant{Role: campusguard.AccessRole(*role), Duty: *duty}
		if *org != "" {
			o, err := findOrg(ctx, store, *org)
			if err != nil {
				return g, err
			}
			g.OrgID = o.ID
		}
		return g, nil
	}
	switch args[0] {
	case "add":
		if *login == "" || *name == "" || *role == "" {
			io.WriteString(env.stderr, userUsage)
			return errReported
		}
		g, err := grant()
		if err != nil {
			return err
		}
		pw, err := readPassword(env)
		if err != nil {
			return err
		}
		u := &campusguard.User{Login: *login, Name: *name, Grants: []campusguard.Grant{g}}
		if err := store.CreateUser(ctx, u, pw); err != nil {
			return explain(env, c.lang, err)
		}
		fmt.Fprintf(env.stdout, "created user %d %s (%s)\n", u.ID, u.Login, g.Role)
	case "list":
		f := campusguard.UserFilter{Limit: 500}
		if *under != "" {
			o, err := findOrg(ctx, store, *under)
			if err != nil {
				return err
			}
			f.Under = &o.ID
		}
		users, total, err := store.FindUsers(ctx, f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tLOGIN\tNAME\tGRANTS")
		for _, u := range users {
			var gs []string
			for _, g := range u.Grants {
				gs = append(gs, strings.TrimSpace(string(g.Role)+" "+g.OrgName))
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", u.ID, u.Login, u.Name, strings.Join(gs, "; "))
		}
		tw.Flush()
		fmt.Fprintf(env.stdout, "%d users\n", total)
	case "passwd":
		u, err := userByLogin(ctx, store, *login)
		if err != nil {
			return err
		}
		pw, err := readPassword(env)
		if err != nil {
			return err
		}
		if err := store.ResetPassword(ctx, u.ID, pw); err != nil {
			return explain(env, c.lang, err)
		}
		fmt.Fprintf(env.stdout, "password of %s changed; their sessions were ended\n", u.Login)
	case "grant":
		u, err := userByLogin(ctx, store, *login)
		if err != nil {
			return err
		}
		g, err := grant()
		if err != nil {
			return err
		}
		if err := store.AddGrant(ctx, u.ID, g); err != nil {
			return explain(env, c.lang, err)
		}
		fmt.Fprintf(env.stdout, "granted %s to %s\n", g.Role, u.Login)
	default:
		fmt.Fprintf(env.stderr, "campusguard user: unknown action %q\n\n", args[0])
		io.WriteString(env.stderr, userUsage)
		return errReported
	}
	return nil
}

// readPassword reads the first line of standard input.
func readPassword(env environment) (string, error) {
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return "", errors.New("no password on standard input (give it as the first line)")
		}
	}
	return line, nil
}

func userByLogin(ctx context.Context, s *sqlstore.Store, login string) (*campusguard.User, error) {
	if login == "" {
		return nil, errors.New("--login is required")
	}
	users, _, err := s.FindUsers(ctx, campusguard.UserFilter{Query: &login, Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Login == login {
			return u, nil
		}
	}
	return nil, fmt.Errorf("no user with login %q", login)
}

// findOrg finds an org node by code, or by id when ref is a number that is
// no node's code.
func findOrg(ctx context.Context, orgs campusguard.OrgService, ref string) (*campusguard.Org, error) {
	list, _, err := orgs.FindOrgs(ctx, campusguard.OrgFilter{Query: &ref, Limit: 50})
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		if o.Code == ref {
			return o, nil
		}
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if o, err := orgs.FindOrgByID(ctx, id); err == nil {
			return o, nil
		}
	}
	return nil, fmt.Errorf("no org with code or id %q", ref)
}
