package api

import (
	"net/http"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// TestILIReturnAPI: a student with ILI is held (the school's list and the
// student's return say so, with when); the school doctor records a note
// with its photo and the student is cleared; the bureau that reads the
// student gets 403, another school 404, a bad note 422 naming the field.
func TestILIReturnAPI(t *testing.T) {
	registerFileDecoders.Do(func() {
		for _, ct := range []string{"image/png", "image/jpeg", "image/webp", "application/pdf"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
	})
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 11, 30, 7, 30, 0, 0, campusguard.China)
		now := monday
		s.Now = func() time.Time { return now }
		tr := sqlstoretest.MustTree(t, s)
		p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "学生", Number: "S1", ClassID: &tr.Class1.ID}
		if err := s.CreatePerson(sqlstoretest.Ctx, p); err != nil {
			t.Fatal(err)
		}
		temp := 38.6
		if _, _, err := s.RecordCheck(sqlstoretest.Ctx, &campusguard.Check{PersonID: p.ID, Day: campusguard.DateOf(monday), Kind: campusguard.HomeCheck,
			ClientKey: "ili-1", At: monday, Temperature: &temp, Symptoms: []campusguard.Symptom{campusguard.SymCough}}); err != nil {
			t.Fatal(err)
		}
		now = monday.Add(2 * time.Hour)
		c := newStoreClient(t, s)
		doctor := c.as(t, s, campusguard.HealthOffice, tr.School)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		other := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		gate := c.as(t, s, campusguard.GateStaff, tr.School)
		pid := itoa(p.ID)

		var r campusguard.ILIReturn
		res := gate.get("/api/v1/people/" + pid + "/ili-return")
		if res.Status != 200 {
			t.Fatalf("GET ili-return = %d %s", res.Status, res.Body)
		}
		res.JSON(t, &r)
		if r.Cleared || !r.ILI || r.ReturnAt == nil || !r.ReturnAt.Equal(monday.Add(48*time.Hour)) {
			t.Fatalf("ili-return = %+v", r)
		}
		var held struct{ Items []campusguard.ILIReturn }
		gate.get("/api/v1/orgs/"+itoa(tr.School.ID)+"/ili-held").JSON(t, &held)
		if len(held.Items) != 1 || held.Items[0].PersonID != p.ID {
			t.Fatalf("ili-held = %+v", held)
		}
		if res := other.get("/api/v1/people/" + pid + "/ili-return"); res.Status != http.StatusNotFound {
			t.Errorf("another school's GET = %d, want 404", res.Status)
		}

		day := campusguard.DateOf(now).String()
		photo := doctor.upload("/api/v1/orgs/"+itoa(tr.School.ID)+"/files", "证明.png", evidencePNG(t, 3))
		if photo.Status != http.StatusCreated {
			t.Fatalf("upload = %d %s", photo.Status, photo.Body)
		}
		var f campusguard.File
		photo.JSON(t, &f)
		otherPhoto := other.upload("/api/v1/orgs/"+itoa(tr.Other.ID)+"/files", "别校.png", evidencePNG(t, 9))
		var of campusguard.File
		otherPhoto.JSON(t, &of)
		notes := "/api/v1/people/" + pid + "/return-notes"
		for _, tt := range []struct {
			name   string
			who    *client
			body   map[string]any
			status int
		}{
			{"the bureau reads, records nothing", bureau, map[string]any{"day": day, "note": "x"}, http.StatusForbidden},
			{"the gate", gate, map[string]any{"day": day, "note": "x"}, http.StatusForbidden},
			{"another school", other, map[string]any{"day": day, "note": "x"}, http.StatusNotFound},
			{"a note of tomorrow", doctor, map[string]any{"day": campusguard.DateOf(now).AddDays(1).String(), "note": "x"}, http.StatusUnprocessableEntity},
			{"neither note nor file", doctor, map[string]any{"day": day}, http.StatusUnprocessableEntity},
			{"another school's file", doctor, map[string]any{"day": day, "file_id": of.ID}, http.StatusUnprocessableEntity},
		} {
			if res := tt.who.send("POST", notes, tt.body); res.Status != tt.status {
				t.Errorf("%s: POST = %d %s, want %d", tt.name, res.Status, res.Body, tt.status)
			}
		}
		gate.get("/api/v1/people/"+pid+"/ili-return").JSON(t, &r)
		if r.Cleared {
			t.Fatalf("a refused note cleared the student: %+v", r)
		}
		res = doctor.send("POST", notes, map[string]any{"day": day, "file_id": f.ID, "note": "县医院复课证明"})
		if res.Status != http.StatusCreated {
			t.Fatalf("POST note = %d %s", res.Status, res.Body)
		}
		var n campusguard.ReturnNote
		res.JSON(t, &n)
		if n.ID == 0 || n.FileID == nil || *n.FileID != f.ID || n.RecordedBy == "" {
			t.Fatalf("note = %+v", n)
		}
		now = now.Add(time.Minute)
		gate.get("/api/v1/people/"+pid+"/ili-return").JSON(t, &r)
		if !r.Cleared || r.By != "note" || r.Note == nil || r.Note.ID != n.ID {
			t.Fatalf("ili-return after the note = %+v", r)
		}
		gate.get("/api/v1/orgs/"+itoa(tr.School.ID)+"/ili-held").JSON(t, &held)
		if len(held.Items) != 0 {
			t.Fatalf("ili-held after the note = %+v", held)
		}
	})
}
