package api

import (
	"bytes"
	"mime"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/i18n"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestBriefingXLSXSupervision: the daily briefing's workbook holds the
// supervision lines the briefing page shows, from a real store: the
// month's inspection coverage, the item overdue on the day and the
// directive no school has done, in the language asked for (lang, else
// Accept-Language, else Simplified Chinese), as is the whole workbook and
// its file's name.
func TestBriefingXLSXSupervision(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := sqlstoretest.MustSupervision(t, s)
		// A week later: the announced finding's item (due in five days)
		// is overdue, the directive (due in three) not done.
		later := sqlstoretest.SupervisionNow.AddDate(0, 0, 7)
		s.Now = func() time.Time { return later }
		day := campusguard.DateOf(later)
		if _, err := s.GenerateBriefing(w.Bureau, w.County.ID, day); err != nil {
			t.Fatalf("GenerateBriefing = %v", err)
		}
		bureau := newStoreClient(t, s).as(t, s, campusguard.RegionAdmin, w.County)
		path := "/api/v1/orgs/" + itoa(w.County.ID) + "/briefings/" + day.String() + "/xlsx"
		for _, c := range []struct {
			name, query, accept string
			lang                i18n.Lang
			first, file         string // the first sheet's name, the file's name after the county's
		}{
			{"default", "", "", i18n.Hans, "研判", "日研判" + day.String() + ".xlsx"},
			{"zh-Hant asked", "?lang=zh-Hant", "", i18n.Hant, "研判", "日研判" + day.String() + ".xlsx"},
			{"en asked", "?lang=en", "zh-CN", i18n.En, "Summary", " daily briefing " + day.String() + ".xlsx"},
			{"en accepted", "", "en-GB,en;q=0.8", i18n.En, "Summary", " daily briefing " + day.String() + ".xlsx"},
		} {
			t.Run(c.name, func(t *testing.T) {
				res := bureau.do(req{method: "GET", path: path + c.query, header: map[string]string{"Accept-Language": c.accept}})
				if res.Status != 200 {
					t.Fatalf("GET %s = %d %s", path+c.query, res.Status, res.Body)
				}
				f, err := excelize.OpenReader(bytes.NewReader(res.Body))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				// The whole workbook is in the language, not its last sheet alone.
				if first := f.GetSheetName(0); first != c.first {
					t.Errorf("first sheet = %q, want %q", first, c.first)
				}
				_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
				if want := w.County.Name + c.file; err != nil || params["filename"] != want {
					t.Errorf("Content-Disposition = %q (%v), want the file name %q", res.Header.Get("Content-Disposition"), err, want)
				}
				tr := func(key string, args ...any) string { return i18n.T(c.lang, key, args...) }
				rows, err := f.GetRows(tr("briefing.xlsx.supervision"))
				if err != nil {
					t.Fatalf("sheets = %v: %v", f.GetSheetList(), err)
				}
				first, last := campusguard.MonthOf(day)
				for _, want := range [][]string{
					{tr("briefing.inspections"), first.String() + " – " + last.String()},
					{tr("briefing.coverage", 1, 2, 1, 0)},
					{tr("briefing.items_overdue"), "1"},
					{w.School.Name, tr("severity.critical"), "晨检记录不全", w.Today.AddDays(5).String(), "林校长"},
					{tr("briefing.directives"), "1"},
					{w.Directive.Title, w.Directive.Deadline.String(), "2", "2"},
				} {
					if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
						t.Errorf("no row %q in %q", want, rows)
					}
				}
			})
		}
	})
}
