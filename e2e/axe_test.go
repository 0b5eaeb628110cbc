package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeViolation is one rule that axe-core found broken, with the elements
// that break it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
	First   string   `json:"first"` // what is wrong with the first element
}

// axeScript runs axe-core on the whole page and resolves to its violations,
// each element named by its CSS selector (those inside a shadow root or a
// frame joined with " >> ").
const axeScript = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help,
	targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(" >> ") : String(t)).join(" >> ")),
	first: v.nodes.length ? (v.nodes[0].html + " — " + (v.nodes[0].failureSummary || "")).replace(/\s+/g, " ").slice(0, 400) : ""
})))`

// runAxe injects axe-core, vendored in testdata/axe.min.js, into the page
// the tab shows and returns what it finds wrong.
func (b *tab) runAxe(src string) []axeViolation {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		b.t.Fatalf("inject axe-core into %s: %v", b.path(), err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeScript, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe.run() on %s: %v", b.path(), err)
	}
	return v
}

// TestAccessibility runs axe-core on the county's dashboard, a guardian's
// home report form and a class's morning check, on a desktop and on a
// phone, and fails on every serious or critical violation.
func TestAccessibility(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core (fetch it with testdata/fetch-axe.sh): %v", err)
	}
	src := string(raw)
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			b := newTab(t, vp, acceptChinese)
			l := demoLineage(t)
			pages := []struct {
				name, path, testid string
			}{
				{"dashboard", dashboardPath(l.root.ID, demoSchoolDay(t, l.root.ID)), "dash-figures"},
				{"home-report", personPath(l.student.ID) + "/home-report", "home-report"},
				{"class-check", orgPath(l.class.ID) + "/checks?kind=morning", "class-check"},
				{"buses", orgPath(l.root.ID) + "/buses", "buses-form"},
			}
			for _, p := range pages {
				t.Run(p.name, func(t *testing.T) {
					b := &tab{t: t, ctx: b.ctx}
					b.open(p.path)
					b.text(testid(p.testid)) // the page is the one asked for
					var bad []string
					for _, v := range b.runAxe(src) {
						if v.Impact != "serious" && v.Impact != "critical" {
							t.Logf("%s: %s (%s): %s, %d elements", p.path, v.ID, v.Impact, v.Help, len(v.Targets))
							continue
						}
						targets := v.Targets
						more := ""
						if len(targets) > 5 {
							targets, more = targets[:5], fmt.Sprintf(" and %d more", len(v.Targets)-5)
						}
						bad = append(bad, fmt.Sprintf("%s (%s): %s: %s%s\n\t\tfirst: %s",
							v.ID, v.Impact, v.Help, strings.Join(targets, ", "), more, v.First))
					}
					if len(bad) > 0 {
						t.Errorf("%s at %s: %d serious or critical accessibility violations:\n\t%s",
							p.path, vp.name, len(bad), strings.Join(bad, "\n\t"))
					}
				})
			}
		})
	}
}
