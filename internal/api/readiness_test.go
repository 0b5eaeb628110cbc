package api

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/getkin/kin-openapi/openapi3filter"
)

var registerFileDecoders sync.Once

// evidencePNG returns a real PNG photo.
func evidencePNG(t testing.TB, seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			img.Set(x, y, color.RGBA{uint8(x) ^ seed, uint8(y), seed, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReadinessAPI walks the API of issue 11 on a real store: an upload
// served safely, its limits, a school's answers, the region's return and
// acceptance, the approval, phases, a suspension and the open figures; out
// of scope is a 404.
func TestReadinessAPI(t *testing.T) {
	registerFileDecoders.Do(func() {
		for _, ct := range []string{"image/png", "image/jpeg", "image/webp", "application/pdf"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
	})
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		day := campusguard.DateOf(monday)
		tr := sqlstoretest.MustTree(t, s)
		for i := 0; i < 3; i++ {
			p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "学生", Number: "S" + string(rune('0'+i)), ClassID: &tr.Class1.ID}
			if err := s.CreatePerson(sqlstoretest.Ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		head := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		other := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		inspector := c.as(t, s, campusguard.Inspector, tr.County)
		sch := itoa(tr.School.ID)

		// Files.
		photo := evidencePNG(t, 7)
		res := head.upload("/api/v1/orgs/"+sch+"/files", "门口.png", photo)
		if res.Status != http.StatusCreated {
			t.Fatalf("upload = %d %s", res.Status, res.Body)
		}
		var f campusguard.File
		res.JSON(t, &f)
		if f.Type != campusguard.TypePNG || !f.Thumb {
			t.Fatalf("uploaded %+v", f)
		}
		got := inspector.get("/api/v1/files/" + itoa(f.ID) + "/content")
		if got.Status != 200 || !bytes.Equal(got.Body, photo) || got.Header.Get("Content-Type") != "image/png" ||
			got.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "inline;") ||
			!strings.Contains(got.Header.Get("Content-Disposition"), "filename*=UTF-8''%E9%97%A8") {
			t.Fatalf("content = %d %v", got.Status, got.Header)
		}
		if th := head.get("/api/v1/files/" + itoa(f.ID) + "/thumb"); th.Status != 200 || th.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("thumb = %d %v", th.Status, th.Header)
		}
		pdf := head.upload("/api/v1/orgs/"+sch+"/files", "方案.pdf", []byte("%PDF-1.4\n%%EOF"))
		var pf campusguard.File
		pdf.JSON(t, &pf)
		if g := head.get("/api/v1/files/" + itoa(pf.ID) + "/content"); !strings.HasPrefix(g.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("a PDF is served %v", g.Header)
		}
		if g := head.get("/api/v1/files/" + itoa(pf.ID) + "/thumb"); g.Status != 404 {
			t.Fatalf("a PDF's thumbnail = %d", g.Status)
		}
		if g := other.get("/api/v1/files/" + itoa(f.ID) + "/content"); g.Status != 404 {
			t.Fatalf("another school reads the file: %d", g.Status)
		}
		if g := other.get("/api/v1/files/" + itoa(f.ID)); g.Status != 404 {
			t.Fatalf("another school sees the file: %d", g.Status)
		}
		big := append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, campusguard.MaxFileSize)...)
		if r := head.upload("/api/v1/orgs/"+sch+"/files", "big.jpg", big); r.Status != http.StatusRequestEntityTooLarge ||
			!slices.Equal(r.Err(t).fieldSet(), []string{"file"}) {
			t.Fatalf("11 MiB = %d %s", r.Status, r.Body)
		}
		if r := head.upload("/api/v1/orgs/"+sch+"/files", "x.html", []byte("<html><body>hi")); r.Status != 422 ||
			!slices.Equal(r.Err(t).fieldSet(), []string{"file"}) {
			t.Fatalf("html = %d %s", r.Status, r.Body)
		}
		// Inspectors upload the photos of their findings (issue 12); a gate
		// reads the school but adds no evidence.
		if r := c.as(t, s, campusguard.GateStaff, tr.School).upload("/api/v1/orgs/"+sch+"/files", "a.png", photo); r.Status != 403 {
			t.Fatalf("a gate's upload = %d", r.Status)
		}

		// The review.
		items := map[string]any{"items": []map[string]string{{"code": "A1", "section": "七个到位", "title": "机制"},
			{"code": "B1", "section": "八道关", "title": "校门关"}}}
		if r := head.send("PUT", "/api/v1/orgs/"+itoa(tr.County.ID)+"/checklist", items); r.Status != 403 {
			t.Fatalf("a principal's checklist = %d", r.Status)
		}
		if r := bureau.send("PUT", "/api/v1/orgs/"+itoa(tr.County.ID)+"/checklist", items); r.Status != 200 {
			t.Fatalf("checklist = %d %s", r.Status, r.Body)
		}
		base := "/api/v1/schools/" + sch + "/readiness"
		if r := head.send("PUT", base+"/items/A1", map[string]any{"state": "done", "file_ids": []int64{f.ID}}); r.Status != 200 {
			t.Fatalf("answer = %d %s", r.Status, r.Body)
		}
		if r := head.send("POST", base+"/submit", nil); r.Status != 422 || !slices.Equal(r.Err(t).fieldSet(), []string{"B1"}) {
			t.Fatalf("submit with B1 open = %d %s", r.Status, r.Body)
		}
		head.send("PUT", base+"/items/B1", map[string]any{"state": "partly", "note": "测温仪到货中"})
		if r := head.send("POST", base+"/submit", nil); r.Status != 200 {
			t.Fatalf("submit = %d %s", r.Status, r.Body)
		}
		if r := bureau.send("POST", base+"/items/B1/review", map[string]any{"verdict": "return"}); r.Status != 422 ||
			!slices.Equal(r.Err(t).fieldSet(), []string{"comment"}) {
			t.Fatalf("a return without comment = %d %s", r.Status, r.Body)
		}
		bureau.send("POST", base+"/items/B1/review", map[string]any{"verdict": "return", "comment": "请补充照片"})
		bureau.send("POST", base+"/items/A1/review", map[string]any{"verdict": "accept"})
		if r := bureau.send("POST", base+"/items/A1/review", map[string]any{"verdict": "accept"}); r.Status != 409 {
			t.Fatalf("a second review = %d", r.Status)
		}
		if r := bureau.send("POST", "/api/v1/schools/"+sch+"/approval", nil); r.Status != 422 {
			t.Fatalf("an approval with B1 returned = %d", r.Status)
		}
		var rd campusguard.Readiness
		head.get(base).JSON(t, &rd)
		if rd.Items[0].Item.Code != "B1" || rd.Items[0].Status != campusguard.ItemReturned {
			t.Fatalf("the school sees first %+v", rd.Items[0])
		}
		head.send("PUT", base+"/items/B1", map[string]any{"state": "done", "file_ids": []int64{f.ID}})
		head.send("POST", base+"/submit", nil)
		if r := other.send("POST", base+"/items/B1/review", map[string]any{"verdict": "accept"}); r.Status != 404 {
			t.Fatalf("another school reviews = %d", r.Status)
		}
		bureau.send("POST", base+"/items/B1/review", map[string]any{"verdict": "accept"})
		if r := bureau.send("POST", "/api/v1/schools/"+sch+"/approval", nil); r.Status != 200 {
			t.Fatalf("approve = %d %s", r.Status, r.Body)
		}
		if r := head.send("POST", "/api/v1/schools/"+sch+"/plans", map[string]any{"kind": "prevention", "file_id": pf.ID}); r.Status != 200 {
			t.Fatalf("plan = %d %s", r.Status, r.Body)
		}
		var lines struct{ Items []campusguard.SchoolReadiness }
		inspector.get("/api/v1/orgs/"+itoa(tr.County.ID)+"/readiness").JSON(t, &lines)
		if len(lines.Items) != 2 {
			t.Fatalf("readiness lines = %+v", lines)
		}

		// Phases and suspension.
		county := "/api/v1/orgs/" + itoa(tr.County.ID)
		if r := bureau.send("POST", county+"/phases", map[string]any{"name": "初中", "school_type": "junior", "grades": []int{7}, "start": day}); r.Status != 422 ||
			!slices.Equal(r.Err(t).fieldSet(), []string{"grades"}) {
			t.Fatalf("a grade junior schools lack = %d %s", r.Status, r.Body)
		}
		if r := bureau.send("POST", county+"/phases", map[string]any{"name": "第一批", "school_type": "primary", "grades": []int{1}, "start": day}); r.Status != 201 {
			t.Fatalf("phase = %d %s", r.Status, r.Body)
		}
		var figs campusguard.OpenFigures
		inspector.get(county+"/open-figures?day="+day.String()).JSON(t, &figs)
		if figs.OpenClasses != 1 || figs.OpenStudents != 3 {
			t.Fatalf("open figures = %+v", figs)
		}
		class := "/api/v1/orgs/" + itoa(tr.Class1.ID) + "/suspensions"
		if r := head.send("POST", class, map[string]any{"start": day, "end": day.AddDays(-1), "reason": "x"}); r.Status != 422 ||
			!slices.Equal(r.Err(t).fieldSet(), []string{"end"}) {
			t.Fatalf("end before start = %d %s", r.Status, r.Body)
		}
		r := head.send("POST", class, map[string]any{"start": day, "reason": "流感样病例暴发"})
		if r.Status != 201 {
			t.Fatalf("suspend = %d %s", r.Status, r.Body)
		}
		var x campusguard.Suspension
		r.JSON(t, &x)
		inspector.get(county+"/open-figures?day="+day.String()).JSON(t, &figs)
		if figs.OpenClasses != 0 || figs.Suspended != 1 {
			t.Fatalf("open figures after the suspension = %+v", figs)
		}
		if r := head.send("POST", "/api/v1/suspensions/"+itoa(x.ID)+"/resume", map[string]any{"day": day.AddDays(2), "reason": "无新发"}); r.Status != 204 {
			t.Fatalf("resume = %d %s", r.Status, r.Body)
		}
		if r := other.get("/api/v1/orgs/" + itoa(tr.Class1.ID) + "/suspensions"); r.Status != 404 {
			t.Fatalf("another school lists the suspensions = %d", r.Status)
		}
		if r := inspector.get(county + "/ili?day=" + day.String()); r.Status != 200 {
			t.Fatalf("ili = %d", r.Status)
		}
		if r := bureau.send("PUT", county+"/ili-settings", map[string]any{"new_cases": 0, "percent": 30, "hospitalised": 2, "days": 4}); r.Status != 422 {
			t.Fatalf("bad ili settings = %d", r.Status)
		}
	})
}
