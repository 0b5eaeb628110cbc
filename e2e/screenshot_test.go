package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// EnvScreenshots names the variable that asks for the screenshots of
// docs/screenshots to be taken again.
const EnvScreenshots = "CAMPUSGUARD_SCREENSHOTS"

// TestScreenshots saves full-page PNGs of the region, school, class and
// person pages of the demo county, on a desktop and on a phone, to
// docs/screenshots. It runs only with CAMPUSGUARD_SCREENSHOTS=1, so that
// an ordinary run never rewrites the files.
func TestScreenshots(t *testing.T) {
	if os.Getenv(EnvScreenshots) != "1" {
		t.Skipf("set %s=1 to rewrite docs/screenshots", EnvScreenshots)
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller: no file name")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			b := newTab(t, vp, acceptChinese)
			l := demoLineage(t)
			pages := []struct {
				name, path, testid string
			}{
				{"region", orgPath(l.root.ID), "org-name"},
				{"school", orgPath(l.school.ID), "org-name"},
				{"class", orgPath(l.class.ID), "org-name"},
				{"person", personPath(l.student.ID), "person-name"},
				{"home-report", personPath(l.student.ID) + "/home-report", "home-report"},
				{"class-check", orgPath(l.class.ID) + "/checks?kind=morning", "class-check"},
				{"gate", orgPath(l.school.ID) + "/gate", "gate"},
			}
			for _, p := range pages {
				b.open(p.path)
				b.text(testid(p.testid)) // the page is the one asked for
				png := b.screenshot()
				if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
					t.Fatalf("screenshot of %s: got %d bytes that are not a PNG, want a PNG", p.path, len(png))
				}
				name := filepath.Join(dir, p.name+"-"+vp.name+".png")
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %s (%d KB)", p.path, name, len(png)>>10)
			}
		})
	}
}
