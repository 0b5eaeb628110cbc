package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// readinessServer serves the pages with the services of issue 11.
func readinessServer(tb testing.TB, s *sqlstore.Store, now func() time.Time) string {
	tb.Helper()
	return newServerWith(tb, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
		Logger: textLogger(testWriter{tb}), Now: now}).URL
}

func photoPNG(tb testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// postAnswer sends an item's answer form as b: the fields and a file.
func (b *browser) postAnswer(tb testing.TB, u string, fields url.Values, name, ctype string, content []byte) *page {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
		h.Set("Content-Type", ctype)
		fw, _ := mw.CreatePart(h)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", strings.TrimPrefix(b.cookie(), "Cookie: "))
	return do(tb, req)
}

// TestReadinessPages: a principal answers with a photo, the bureau returns
// one item and accepts the other, the school answers again, the bureau
// approves; bad uploads and bad forms are refused naming the field and
// change nothing; the file is served safely and only in scope; the
// overview, phases and suspensions pages work on a school day.
func TestReadinessPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		srv := readinessServer(t, s, func() time.Time { return monday })
		if _, err := s.SetChecklist(ctx, f.county.ID, []campusguard.ChecklistItem{{Code: "A1", Section: "七个到位", Title: "防控机制到位"},
			{Code: "B1", Section: "八道关", Title: "校门关"}}); err != nil {
			t.Fatal(err)
		}
		head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		stranger := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		page := srv + "/schools/" + itoa(f.school.ID) + "/readiness"
		p := head.get(t, page)
		if p.status != 200 || len(p.all(t, testid("answer-form"))) != 2 {
			t.Fatalf("GET readiness = %d, %d answer forms", p.status, len(p.all(t, testid("answer-form"))))
		}
		item := func(code string) string { return page + "/items/" + code }
		// Refusals: a HEIC photo, a PNG claimed as a JPEG, no state.
		r := head.postAnswer(t, item("A1"), url.Values{"state": {"done"}}, "IMG_1.HEIC", "image/heic", []byte("\x00\x00\x00\x18ftypheic0000"))
		if r.status != 422 || !strings.Contains(r.text(t, testid("form-error")), "HEIC") {
			t.Fatalf("a HEIC photo = %d %s", r.status, r.body)
		}
		r = head.postAnswer(t, item("A1"), url.Values{"state": {"done"}}, "a.jpg", "image/jpeg", photoPNG(t))
		if r.status != 422 || !strings.Contains(r.text(t, testid("form-error")), "image/png") {
			t.Fatalf("a PNG claimed as JPEG = %d", r.status)
		}
		r = head.postAnswer(t, item("A1"), url.Values{}, "", "", nil)
		if r.status != 422 || !strings.Contains(r.text(t, testid("form-error")), "完成情况") {
			t.Fatalf("no state = %d", r.status)
		}
		if rd, _ := s.SchoolReadiness(ctx, f.school.ID); rd.Items[0].State != "" {
			t.Fatalf("a refused answer was stored: %+v", rd.Items[0])
		}
		r = head.postAnswer(t, item("A1"), url.Values{"state": {"done"}, "note": {"领导小组已成立"}}, "门口.png", "image/png", photoPNG(t))
		if r.status != http.StatusSeeOther {
			t.Fatalf("answer = %d %s", r.status, r.body)
		}
		head.postAnswer(t, item("B1"), url.Values{"state": {"partly"}}, "", "", nil)
		if r := head.post(t, page+"/submit", nil); r.status != http.StatusSeeOther {
			t.Fatalf("submit = %d", r.status)
		}
		p = head.get(t, page)
		thumb := attr(find(t, p.doc, testid("item-thumb")), "src")
		if th := head.get(t, srv+thumb); th.status != 200 || th.header.Get("Content-Type") != "image/jpeg" || th.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("thumbnail = %d %v", th.status, th.header)
		}
		full := strings.TrimSuffix(thumb, "/thumb")
		if g := head.get(t, srv+full); g.status != 200 || g.header.Get("Content-Type") != "image/png" ||
			!strings.HasPrefix(g.header.Get("Content-Disposition"), "inline;") {
			t.Fatalf("file = %d %v", g.status, g.header)
		}
		if g := stranger.get(t, srv+full); g.status != 404 {
			t.Fatalf("another county's admin reads the file: %d", g.status)
		}
		// The bureau returns B1 without a comment (refused), then with one.
		if r := bureau.post(t, item("B1")+"/review", url.Values{"verdict": {"return"}}); r.status != 422 {
			t.Fatalf("a return without comment = %d", r.status)
		}
		bureau.post(t, item("B1")+"/review", url.Values{"verdict": {"return"}, "comment": {"请补充测温通道照片"}})
		bureau.post(t, item("A1")+"/review", url.Values{"verdict": {"accept"}})
		if r := head.post(t, item("A1")+"/review", url.Values{"verdict": {"accept"}}); r.status != 403 {
			t.Fatalf("a principal reviews = %d", r.status)
		}
		p = head.get(t, page)
		first := p.all(t, testid("item"))[0]
		if attr(first, "data-code") != "B1" || attr(first, "data-status") != "returned" ||
			!strings.Contains(nodeText(find(t, first, testid("item-comment"))), "测温通道") {
			t.Fatalf("the school does not see B1 returned first")
		}
		head.postAnswer(t, item("B1"), url.Values{"state": {"done"}}, "gate.png", "image/png", photoPNG(t))
		head.post(t, page+"/submit", nil)
		bureau.post(t, item("B1")+"/review", url.Values{"verdict": {"accept"}})
		p = bureau.get(t, page)
		if len(p.all(t, testid("readiness-approve"))) != 1 {
			t.Fatal("no approve button when every item is accepted")
		}
		if r := bureau.post(t, srv+"/schools/"+itoa(f.school.ID)+"/approval", nil); r.status != http.StatusSeeOther {
			t.Fatalf("approve = %d", r.status)
		}
		p = head.get(t, page)
		if attr(find(t, p.doc, testid("readiness-status")), "data-status") != "approved" || len(p.all(t, testid("answer-form"))) != 0 {
			t.Fatal("approved school still answers")
		}
		// The overview: the school approved and open.
		ov := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/readiness")
		if ov.status != 200 || attr(find(t, ov.doc, testid("readiness-row")), "data-reopening") != "open" {
			t.Fatalf("overview = %d %s", ov.status, ov.body)
		}
		// The dashboard shows the open classes: on this school day, and none on a Sunday.
		dash := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/dashboard")
		if got := attr(find(t, dash.doc, testid("reopening-figures")), "data-open-students"); got != "2" {
			t.Fatalf("the dashboard shows %s students open, want 2", got)
		}
		dash = bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/dashboard?day=2026-11-29")
		if got := attr(find(t, dash.doc, testid("reopening-figures")), "data-open-classes"); got != "0" {
			t.Fatalf("the dashboard shows %s classes open on a Sunday", got)
		}
		if r := bureau.post(t, srv+"/orgs/"+itoa(f.county.ID)+"/phases", url.Values{"name": {"初中"}, "school_type": {"junior"},
			"grades": {"7"}, "start": {"2026-11-30"}}); r.status != 422 || attr(find(t, r.doc, testid("phase-grades")), "aria-invalid") != "true" {
			t.Fatalf("a phase for a grade that does not exist = %d", r.status)
		}
		bureau.post(t, srv+"/orgs/"+itoa(f.county.ID)+"/phases", url.Values{"name": {"第一批"}, "school_type": {"primary"},
			"grades": {"1"}, "start": {"2026-12-01"}})
		ov = bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/readiness")
		if got := attr(find(t, ov.doc, testid("readiness-row")), "data-reopening"); got != "approved" {
			t.Fatalf("with the phase tomorrow the school is %q", got)
		}
		// Suspensions: a bad one refused, a good one shown.
		sus := srv + "/orgs/" + itoa(f.class1.ID) + "/suspensions"
		if r := head.post(t, sus, url.Values{"start": {"2026-11-30"}, "end": {"2026-11-29"}, "reason": {"x"}}); r.status != 422 {
			t.Fatalf("a suspension ending before it starts = %d", r.status)
		}
		if r := head.post(t, sus, url.Values{"start": {"2026-11-30"}, "reason": {"流感样病例暴发"}}); r.status != http.StatusSeeOther {
			t.Fatalf("suspend = %d %s", r.status, r.body)
		}
		sp := head.get(t, sus)
		if attr(find(t, sp.doc, testid("suspension-row")), "data-standing") != "true" {
			t.Fatal("the suspension is not shown standing")
		}
		if g := stranger.get(t, sus); g.status != 404 {
			t.Fatalf("another county reads the suspensions: %d", g.status)
		}
	})
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(b []byte) (int, error) { w.tb.Log(string(b)); return len(b), nil }
