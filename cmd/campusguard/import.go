package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/i18n"
	"campusguard/internal/importer"

	"github.com/schollz/progressbar/v3"
)

// cmdImport imports a school's roster, or writes the template.
func cmdImport(ctx context.Context, env environment, args []string) error {
	fs, c := env.flags("import")
	template := fs.String("template", "", "write the roster template to this file (.xlsx or .csv) and exit")
	schoolRef := fs.String("school", "", "the school: its code or its id")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: campusguard import --school CODE|ID [--db URL] FILE.xlsx|FILE.csv\n       campusguard import --template FILE.xlsx|FILE.csv")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	lang, ok := i18n.Parse(c.lang)
	if !ok {
		lang = i18n.Hans
	}
	if *template != "" {
		return writeTemplate(*template, env)
	}
	if fs.NArg() != 1 || *schoolRef == "" {
		fs.Usage()
		return errReported
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	store, _, err := app.OpenStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx = campusguard.SystemContext(ctx, "cli import")
	school, err := findSchool(ctx, store, *schoolRef)
	if err != nil {
		return err
	}
	bar := progressbar.NewOptions64(info.Size(), progressbar.OptionSetWriter(env.stderr),
		progressbar.OptionSetDescription("读取 "+filepath.Base(path)), progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100_000_000), progressbar.OptionClearOnFinish())
	rows, err := importer.Parse(progressbar.NewReader(f, bar).Reader, path, importer.Options{})
	bar.Finish()
	if err == nil {
		fmt.Fprintf(env.stderr, "%d rows read; writing to %s ...\n", len(rows), school.Name)
		var res *campusguard.ImportResult
		res, err = store.ImportRoster(ctx, school.ID, rows)
		if err == nil {
			fmt.Fprintf(env.stdout, "%s: %s %d, %s %d, %s %d, %s %d\n", school.Name,
				i18n.T(lang, "import.rows"), res.Rows, i18n.T(lang, "import.created"), res.Created,
				i18n.T(lang, "import.updated"), res.Updated, i18n.T(lang, "import.unchanged"), res.Unchanged)
			return nil
		}
	}
	if campusguard.ErrorCode(err) != campusguard.Invalid {
		return err
	}
	printImportErrors(env, lang, err)
	return errReported
}

// printImportErrors lists every bad row: row, column, reason.
func printImportErrors(env environment, lang i18n.Lang, err error) {
	var e *campusguard.Error
	errors.As(err, &e)
	fields := campusguard.ErrorFields(err)
	fmt.Fprintf(env.stderr, "%s (%d): %s\n", i18n.T(lang, "import.failed"), len(fields), i18n.T(lang, e.Message, e.Args...))
	for _, f := range fields {
		row := ""
		if f.Row > 0 {
			row = fmt.Sprintf(i18n.T(lang, "import.row"), f.Row) + " "
		}
		fmt.Fprintf(env.stderr, "  %s%s: %s\n", row, columnName(f.Field), i18n.T(lang, f.Msg, f.Args...))
	}
}

// explain prints a domain error with its fields in the user's language
// and returns errReported; other errors are returned as they are.
func explain(env environment, code string, err error) error {
	var e *campusguard.Error
	if !errors.As(err, &e) || e.Code == campusguard.Internal {
		return err
	}
	lang, ok := i18n.Parse(code)
	if !ok {
		lang = i18n.Hans
	}
	fmt.Fprintf(env.stderr, "campusguard: %s\n", i18n.T(lang, e.Message, e.Args...))
	for _, f := range e.Fields {
		fmt.Fprintf(env.stderr, "  %s: %s\n", f.Field, i18n.T(lang, f.Msg, f.Args...))
	}
	return errReported
}

// columnName returns the template's header for a field key.
func columnName(key string) string {
	for _, c := range campusguard.RosterColumns {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

func writeTemplate(path string, env environment) error {
	ext := strings.ToLower(filepath.Ext(path))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := importer.WriteTemplate(f, ext); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote the roster template to %s\n", path)
	return nil
}

// findSchool finds a school by code, or by id when ref is a number that is
// no school's code.
func findSchool(ctx context.Context, orgs campusguard.OrgService, ref string) (*campusguard.Org, error) {
	kind := campusguard.KindSchool
	list, _, err := orgs.FindOrgs(ctx, campusguard.OrgFilter{Kind: &kind, Query: &ref, Limit: 50})
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		if o.Code == ref {
			return o, nil
		}
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if o, err := orgs.FindOrgByID(ctx, id); err == nil && o.Kind == campusguard.KindSchool {
			return o, nil
		}
	}
	return nil, fmt.Errorf("no school with code or id %q", ref)
}
