// Package e2e drives the whole program through a real headless Chromium:
// one demo county, one server and one browser for the package, and one
// fresh tab (with its own cookies) for each test, signed in as the demo
// county's region admin unless the test signs in otherwise.
//
//	go test ./e2e                              # skipped: the browser tests are in the long suite
//	CAMPUSGUARD_TEST_LONG=1 go test ./e2e      # skipped when no Chromium is found
//	CAMPUSGUARD_TEST_LONG=1 CAMPUSGUARD_CHROMIUM=/path/to/chrome go test ./e2e
//	CAMPUSGUARD_TEST_LONG=1 CAMPUSGUARD_SCREENSHOTS=1 go test -run 'Screenshots|FirstDay' ./e2e   # rewrites docs/screenshots
//
// Under CI=true a missing Chromium fails the package instead of skipping it.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/longtest"
	"campusguard/internal/sqlstore"
)

// The demo county every test walks: small enough to build in a second or
// two, big enough for a town of several schools with full classes.
const (
	demoSeed     = 1
	demoStudents = 3000
	// demoHistoryDays of daily checks before demoToday give the dashboard
	// its figures, trend, cases and alerts.
	demoHistoryDays = 30
)

// demoToday is the demo's fixed "today", so that the county, and with it the
// screenshots, are the same on every run.
var demoToday = campusguard.Date{Year: 2026, Month: time.March, Day: 2}

// EnvChromium names the variable that points at the browser to drive.
const EnvChromium = "CAMPUSGUARD_CHROMIUM"

// What TestMain sets up for every test of the package.
var (
	server     *app.Main       // the running program
	store      *sqlstore.Store // its store, to read what the pages hide (full ID numbers)
	browserCtx context.Context // the browser; each test's tab is a child of it
	skipReason string          // set when there is no browser and the run is not CI
	demoSum    demo.Summary    // what the demo county holds

	bureau        *campusguard.User // the demo county's region admin, whom the tabs sign in as
	bureauSession string            // their session: the cookie every tab gets
	apiToken      string            // a region admin's API token on the demo county, for apiGet
)

// password is the password of every account the tests make.
const password = "e2e-password-42"

// sysCtx returns a context in which the tests act as the program itself,
// to set things up and to read what the pages hide.
func sysCtx(tb testing.TB) context.Context {
	return campusguard.SystemContext(tb.Context(), "e2e")
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if !longtest.Enabled() {
		// Nothing of the package runs: every test here needs the browser.
		fmt.Fprintf(os.Stderr, "e2e: skipped: the browser tests are in the long suite; %s=1 or CI=true runs them\n", longtest.Env)
		return 0
	}
	path, why := findChromium()
	if path == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "e2e: CI=true but no Chromium to drive: %s\n"+
				"e2e: install it (apt-get install chromium fonts-wqy-microhei) or set %s\n", why, EnvChromium)
			return 1
		}
		skipReason = fmt.Sprintf("no Chromium to drive (%s): install chromium or set %s; under CI=true this fails", why, EnvChromium)
		return m.Run()
	}

	start := time.Now()
	dir, err := os.MkdirTemp("", "campusguard-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: temp dir: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, _, err := app.OpenStore(ctx, "sqlite:"+filepath.Join(dir, "e2e.db"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: open store: %v\n", err)
		return 1
	}
	demoSum, err = app.BuildDemo(ctx, s, demo.Config{Seed: demoSeed, Students: demoStudents, Today: demoToday, HistoryDays: demoHistoryDays})
	if err != nil {
		s.Close()
		fmt.Fprintf(os.Stderr, "e2e: build demo county: %v\n", err)
		return 1
	}
	store = s
	if err := signInBureau(ctx, s); err != nil {
		s.Close()
		fmt.Fprintf(os.Stderr, "e2e: accounts: %v\n", err)
		return 1
	}

	// Only warnings and errors: a failing page shows its cause in the output.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The pages' clock: 09:30 of the demo's today, a school day, unless a
	// test sets another, so that what they show (and the screenshots)
	// does not depend on the day the tests run.
	server = &app.Main{Addr: "127.0.0.1:0", Open: s, Logger: logger, Now: e2eClock.now}
	if err := server.Run(ctx); err != nil {
		s.Close()
		fmt.Fprintf(os.Stderr, "e2e: start server: %v\n", err)
		return 1
	}
	defer server.Close()

	profile, err := os.MkdirTemp("", "campusguard-e2e-chromium-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: temp dir: %v\n", err)
		return 1
	}
	defer os.RemoveAll(profile)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is tiny in containers
		chromedp.UserDataDir(profile),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	// The first Run starts the browser; its context must carry no timeout,
	// or the browser would die with it. Bound the start from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("no answer within 60 s")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: start %s: %v\n", path, err)
		return 1
	}
	browserCtx = bctx
	fmt.Fprintf(os.Stderr, "e2e: demo county (%d schools, %d classes, %d students) and %s ready in %.1fs at %s\n",
		demoSum.Schools, demoSum.Classes, demoSum.Students, filepath.Base(path), time.Since(start).Seconds(), server.URL())

	return m.Run()
}

// findChromium returns the browser to drive: $CAMPUSGUARD_CHROMIUM, else
// the first of chromium, chromium-browser, google-chrome on $PATH. When it
// finds none it says why.
func findChromium() (path, why string) {
	if p := os.Getenv(EnvChromium); p != "" {
		if full, err := exec.LookPath(p); err == nil {
			return full, ""
		}
		return "", fmt.Sprintf("%s=%q is not an executable", EnvChromium, p)
	}
	names := []string{"chromium", "chromium-browser", "google-chrome"}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, ""
		}
	}
	return "", fmt.Sprintf("%s is unset and none of %q is on $PATH", EnvChromium, names)
}

// signInBureau makes the demo county's region admin, signs them in, and
// makes an API token of the same role for the checks through the API.
func signInBureau(ctx context.Context, s *sqlstore.Store) error {
	sys := campusguard.SystemContext(ctx, "e2e")
	regions, _, err := s.FindOrgs(sys, campusguard.OrgFilter{Kind: ptr(campusguard.KindRegion), Limit: 1000})
	if err != nil {
		return err
	}
	var root int64
	for _, o := range regions {
		if o.ParentID == nil && (root == 0 || o.ID < root) {
			root = o.ID
		}
	}
	if root == 0 {
		return errors.New("the demo county has no root region")
	}
	bureau = &campusguard.User{Login: "e2e-bureau", Name: "教育局测试员",
		Grants: []campusguard.Grant{{Role: campusguard.RegionAdmin, OrgID: root}}}
	if err := s.CreateUser(sys, bureau, password); err != nil {
		return fmt.Errorf("create region admin: %w", err)
	}
	sess, err := s.Login(ctx, bureau.Login, password, "127.0.0.1")
	if err != nil {
		return fmt.Errorf("sign in region admin: %w", err)
	}
	bureauSession = sess.Token
	if apiToken, _, err = s.CreateToken(sys, "e2e", campusguard.RegionAdmin, root); err != nil {
		return fmt.Errorf("create API token: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
