// Command campusguard runs the product: the web server, migrations, the demo
// county, roster import.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errReported) && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "campusguard:", err)
		}
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(1)
	}
}

// errReported is returned when the command already told the user what went
// wrong, so main only sets the exit status.
var errReported = errors.New("reported")

const usage = `campusguard: keep schools open safely during an epidemic.

Usage: campusguard COMMAND [flags]

Commands:
  serve     run the web server (migrates the database first)
  migrate   apply database migrations and exit
  demo      build the demo county if the database is empty, then serve it
  import    import a school's roster from .xlsx or .csv, or write the template
  export    write a region's daily report to .xlsx or .csv
  user      add, list, grant accounts; set a password
  token     create, list, revoke API tokens for devices and integrations
  backup    write a backup of the database while the server runs
  restore   restore a backup into an empty database
  aberration  run EARS C1, C2 or C3 on a date,count series (for analysts)

Every command that touches data takes --db (default: campusguard.db here;
a path or sqlite:PATH for SQLite, postgres://... for PostgreSQL) and reads
CAMPUSGUARD_DB when --db is not given. Run "campusguard COMMAND -h" for more.
`

// run is the whole program, with its surroundings passed in so tests can
// call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errReported
	}
	env := environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, env, args[1:])
	case "migrate":
		return cmdMigrate(ctx, env, args[1:])
	case "demo":
		return cmdDemo(ctx, env, args[1:])
	case "import":
		return cmdImport(ctx, env, args[1:])
	case "user":
		return cmdUser(ctx, env, args[1:])
	case "export":
		return cmdExport(ctx, env, args[1:])
	case "token":
		return cmdToken(ctx, env, args[1:])
	case "aberration":
		return cmdAberration(ctx, env, args[1:])
	case "backup":
		return cmdBackup(ctx, env, args[1:])
	case "restore":
		return cmdRestore(ctx, env, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "campusguard: unknown command %q\n\n%s", args[0], usage)
	return errReported
}

type environment struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// flags returns a flag set for a subcommand with the options every data
// command shares, falling back to CAMPUSGUARD_* variables.
func (e environment) flags(name string) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet("campusguard "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	c := &commonFlags{}
	fs.StringVar(&c.db, "db", e.env("CAMPUSGUARD_DB", "campusguard.db"),
		"database: a SQLite file path or sqlite:PATH, or a postgres:// URL (env CAMPUSGUARD_DB)")
	fs.StringVar(&c.lang, "lang", e.env("CAMPUSGUARD_LANG", "zh-Hans"), "language of messages: zh-Hans, zh-Hant or en (env CAMPUSGUARD_LANG)")
	return fs, c
}

func (e environment) env(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

type commonFlags struct {
	db   string
	lang string
}
