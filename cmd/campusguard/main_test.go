package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/importer"

	"github.com/xuri/excelize/v2"
)

// runCmd runs the program with args and returns its output.
func runCmd(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runIn(t, env, "", args...)
}

// runIn runs the program with stdin as its standard input.
func runIn(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestUnknownCommand(t *testing.T) {
	_, stderr, err := runCmd(t, nil, "frobnicate")
	if !errors.Is(err, errReported) || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("run(frobnicate) = %v, stderr %q; want an unknown-command error", err, stderr)
	}
}

func TestMigrateTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	out, _, err := runCmd(t, nil, "migrate", "--db", db)
	if err != nil || !strings.Contains(out, "applied 0001_init.sql") {
		t.Fatalf("migrate = %q, %v; want 0001_init.sql applied", out, err)
	}
	// The variable is read when --db is not given.
	out, _, err = runCmd(t, map[string]string{"CAMPUSGUARD_DB": db}, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("migrate again = %q, %v; want up to date", out, err)
	}
}

func TestDemoNoServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	out, _, err := runCmd(t, nil, "demo", "--no-serve", "--students", "800", "--db", db)
	if err != nil || !strings.Contains(out, "800 students") {
		t.Fatalf("demo = %q, %v; want 800 students built", out, err)
	}
	// It tells how the build goes, step by step, as it goes.
	for _, want := range []string{"schools and their daily checks: 1 of about 1", "opening and moving the outbreak's cases", "running the early warning"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo printed no %q:\n%s", want, out)
		}
	}
	// The school's accounts are where the outbreak is: the doctor's school
	// is the class teacher's, and the guardian's child is in that class.
	where := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 {
			where[f[0]] = strings.Join(f[2:], " ")
		}
	}
	if d, c := where["doctor"], where["teacher"]; d == "" || !strings.HasPrefix(c, d) {
		t.Errorf("doctor at %q, teacher at %q: want the teacher's class in the doctor's school", d, c)
	}
	out, _, err = runCmd(t, nil, "demo", "--no-serve", "--db", db)
	if err != nil || !strings.Contains(out, "already holds data") {
		t.Errorf("demo again = %q, %v; want it to keep the data", out, err)
	}
	if _, _, err := runCmd(t, nil, "demo", "--no-serve", "--students", "5", "--db", db); err == nil {
		t.Errorf("demo --students 5 = nil error, want a range error")
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "i.db")
	ctx := campusguard.SystemContext(context.Background(), "test")
	store, _, err := app.OpenStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	county := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "云霄县"}
	store.CreateOrg(ctx, county)
	school := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "实验小学", Code: "35220009", ParentID: &county.ID}
	if err := store.CreateOrg(ctx, school); err != nil {
		t.Fatal(err)
	}
	grade := &campusguard.Org{Kind: campusguard.KindGrade, Name: "一年级", ParentID: &school.ID}
	store.CreateOrg(ctx, grade)
	store.CreateOrg(ctx, &campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &grade.ID})
	store.Close()

	tmpl := filepath.Join(dir, "template.xlsx")
	if out, _, err := runCmd(t, nil, "import", "--template", tmpl); err != nil || !strings.Contains(out, tmpl) {
		t.Fatalf("import --template = %q, %v", out, err)
	}
	if st, err := os.Stat(tmpl); err != nil || st.Size() == 0 {
		t.Fatalf("template file: %v", err)
	}

	good := "350622201903070" + "01"
	good += string(campusguard.IDCheckChar(good))
	bad := good[:17] + string("0123456789"[(strings.IndexByte("0123456789X", good[17])+1)%10])
	rows := []campusguard.RosterRow{
		{Kind: "学生", Number: "S1", Name: "陈一", IDNumber: good, Grade: "一年级", Class: "1班"},
		{Kind: "学生", Number: "S2", Name: "林二", IDNumber: bad, Grade: "一年级", Class: "1班"},
		{Kind: "学生", Number: "S3", Name: "黄三", Grade: "一年级", Class: "9班"},
	}
	badFile := filepath.Join(dir, "bad.csv")
	writeCSV(t, badFile, rows)
	_, stderr, err := runCmd(t, nil, "import", "--db", db, "--school", "35220009", "--lang", "en", badFile)
	if !errors.Is(err, errReported) {
		t.Fatalf("import(bad) = %v, want a reported failure", err)
	}
	for _, want := range []string{"row 3", "身份证号", "check digit", "row 4", "班级", "no such grade and class"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("import(bad) stderr lacks %q:\n%s", want, stderr)
		}
	}
	goodFile := filepath.Join(dir, "good.csv")
	writeCSV(t, goodFile, rows[:1])
	out, _, err := runCmd(t, nil, "import", "--db", db, "--school", "35220009", "--lang", "en", goodFile)
	if err != nil || !strings.Contains(out, "Created 1") {
		t.Fatalf("import(good) = %q, %v; want Created 1", out, err)
	}
	if _, _, err := runCmd(t, nil, "import", "--db", db, "--school", "nope", goodFile); err == nil {
		t.Errorf("import(unknown school) = nil error")
	}
}

func writeCSV(t *testing.T, path string, rows []campusguard.RosterRow) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := importer.WriteRosterCSV(f, rows); err != nil {
		t.Fatal(err)
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	if _, _, err := runCmd(t, nil, "demo", "--no-serve", "--students", "500", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err := runIn(t, nil, "first-admin-pass\n", "user", "add", "--db", db, "--login", "root", "--name", "首位管理员", "--role", "system_admin")
	if err != nil || !strings.Contains(out, "created user") {
		t.Fatalf("user add = %q, %v", out, err)
	}
	if _, stderr, err := runIn(t, nil, "short\n", "user", "add", "--db", db, "--login", "weak", "--name", "x", "--role", "system_admin", "--lang", "en"); !errors.Is(err, errReported) || !strings.Contains(stderr, "10 to 128") {
		t.Errorf("user add(weak password) = %v, %q; want the length rule", err, stderr)
	}
	if _, _, err := runIn(t, nil, "first-admin-pass\n", "user", "add", "--db", db, "--login", "root", "--name", "again", "--role", "system_admin"); err == nil {
		t.Errorf("user add(taken login) = nil error")
	}
	// A region viewer needs its liaison duty (issue 16).
	if _, stderr, err := runIn(t, nil, "", "user", "grant", "--db", db, "--login", "root", "--role", "region_viewer", "--org", "350622"); err == nil || !strings.Contains(stderr, "联络职责") {
		t.Errorf("user grant(a viewer without a duty) = %v, %q; want refused", err, stderr)
	}
	out, _, err = runIn(t, nil, "", "user", "grant", "--db", db, "--login", "root", "--role", "region_viewer", "--org", "350622", "--duty", "cdc")
	if err != nil || !strings.Contains(out, "granted region_viewer") {
		t.Errorf("user grant = %q, %v", out, err)
	}
	out, _, err = runCmd(t, nil, "user", "list", "--db", db)
	if err != nil || !strings.Contains(out, "root") || !strings.Contains(out, "region_viewer 云霄县") || !strings.Contains(out, "bureau") {
		t.Errorf("user list = %q, %v", out, err)
	}
	if _, _, err := runIn(t, nil, "another-long-pass\n", "user", "passwd", "--db", db, "--login", "root"); err != nil {
		t.Errorf("user passwd = %v", err)
	}
	secret, _, err := runCmd(t, nil, "token", "create", "--db", db, "--name", "东门测温门", "--role", "gate_staff", "--org", "1")
	if err == nil {
		t.Errorf("token create(gate at a county) = %q, nil; want the role-scope error", secret)
	}
	store, _, err := app.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := campusguard.SystemContext(context.Background(), "test")
	kind := campusguard.KindSchool
	schools, _, _ := store.FindOrgs(ctx, campusguard.OrgFilter{Kind: &kind, Limit: 1})
	store.Close()
	secret, _, err = runCmd(t, nil, "token", "create", "--db", db, "--name", "东门测温门", "--role", "gate_staff", "--org", schools[0].Code)
	secret = strings.TrimSpace(secret)
	if err != nil || !strings.HasPrefix(secret, "cgt_") {
		t.Fatalf("token create = %q, %v", secret, err)
	}
	out, _, _ = runCmd(t, nil, "token", "list", "--db", db)
	if !strings.Contains(out, "东门测温门") || strings.Contains(out, secret) {
		t.Errorf("token list = %q; want the token without its secret", out)
	}
	if out, _, err := runCmd(t, nil, "token", "revoke", "--db", db, "1"); err != nil || !strings.Contains(out, "revoked") {
		t.Errorf("token revoke = %q, %v", out, err)
	}
	out, _, _ = runCmd(t, nil, "demo", "--no-serve", "--db", db)
	if !strings.Contains(out, "DEMO CREDENTIALS") || !strings.Contains(out, "teacher") || !strings.Contains(out, app.DemoPassword) {
		t.Errorf("demo = %q; want the demo credentials listed", out)
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.db")
	if _, _, err := runCmd(t, nil, "demo", "--no-serve", "--students", "500", "--db", db); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"r.xlsx", "r.csv"} {
		out, _, err := runCmd(t, nil, "export", "--db", db, "--day", "2026-11-30", filepath.Join(dir, name))
		if err != nil || !strings.Contains(out, "daily report") {
			t.Fatalf("export %s = %q, %v", name, out, err)
		}
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() < 100 {
			t.Errorf("export %s wrote %v, %v", name, st, err)
		}
	}
	// The report is in the language the other commands speak: --lang,
	// else CAMPUSGUARD_LANG, else Simplified Chinese.
	for _, c := range []struct {
		name  string
		env   map[string]string
		args  []string
		first string // the workbook's first sheet
		csv   string // the CSV's first line's start
	}{
		{"default", nil, nil, "汇总", "\uFEFF日期,学段,"},
		{"env", map[string]string{"CAMPUSGUARD_LANG": "zh-Hant"}, nil, "匯總", "\uFEFF日期,學段,"},
		{"flag over env", map[string]string{"CAMPUSGUARD_LANG": "zh-Hant"}, []string{"--lang", "en"}, "Summary", "\uFEFFDate,School level,"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range []string{"l.xlsx", "l.csv"} {
				path := filepath.Join(dir, name)
				args := append(append([]string{"export", "--db", db, "--day", "2026-11-30"}, c.args...), path)
				if out, _, err := runCmd(t, c.env, args...); err != nil {
					t.Fatalf("export %v = %q, %v", args, out, err)
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if name == "l.csv" {
					if !strings.HasPrefix(string(b), c.csv) {
						t.Errorf("csv starts %q, want %q", b[:min(len(b), 40)], c.csv)
					}
					continue
				}
				f, err := excelize.OpenReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if first := f.GetSheetName(0); first != c.first {
					t.Errorf("first sheet = %q, want %q", first, c.first)
				}
				f.Close()
			}
		})
	}
	if _, _, err := runCmd(t, nil, "export", "--db", db, filepath.Join(dir, "r.pdf")); err == nil {
		t.Errorf("export .pdf = nil error")
	}
	if _, _, err := runCmd(t, nil, "export", "--db", db, "--day", "2026-02-30", filepath.Join(dir, "x.csv")); err == nil {
		t.Errorf("export with an impossible day = nil error")
	}
}
