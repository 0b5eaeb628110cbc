package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/export"
)

// cmdExport writes a region's daily report to .xlsx or .csv, in the
// language of --lang (CAMPUSGUARD_LANG), as the other commands speak.
func cmdExport(ctx context.Context, env environment, args []string) error {
	fs, c := env.flags("export")
	org := fs.String("org", "1", "the region or school (code or id)")
	dayFlag := fs.String("day", "", "the day, YYYY-MM-DD (default: today in China)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: campusguard export [--org CODE|ID] [--day YYYY-MM-DD] [--lang zh-Hans|zh-Hant|en] [--db URL] FILE.xlsx|FILE.csv")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errReported
	}
	path := fs.Arg(0)
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".xlsx" && ext != ".csv" {
		return fmt.Errorf("%s: the report is written as .xlsx or .csv", path)
	}
	day := campusguard.Today(time.Now())
	if *dayFlag != "" {
		d, err := campusguard.ParseDate(*dayFlag)
		if err != nil {
			return fmt.Errorf("--day %q is not a date YYYY-MM-DD", *dayFlag)
		}
		day = d
	}
	store, _, err := app.OpenStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx = campusguard.SystemContext(ctx, "cli export")
	o, err := findOrg(ctx, store, *org)
	if err != nil {
		return err
	}
	rep, err := export.Build(ctx, store, store, o.ID, day)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	t := cliLang(c).T
	if ext == ".xlsx" {
		err = export.WriteXLSX(f, rep, t)
	} else {
		err = export.WriteCSV(f, rep, t)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	fmt.Fprintf(env.stdout, "wrote the %s daily report of %s (%d schools) to %s\n", day, o.Name, len(rep.Lines), path)
	return nil
}
