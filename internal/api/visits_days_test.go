package api

import (
	"net/http"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestVisitsByDays: GET /api/v1/visits?from=&to= is the inspector's page of
// the day and the days after: the visits in the range; a range that ends
// before it starts is refused naming `to`.
func TestVisitsByDays(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		day := campusguard.DateOf(monday)
		tr := sqlstoretest.MustTree(t, s)
		ctx := sqlstoretest.Ctx
		in := &campusguard.Inspection{RegionID: tr.County.ID, Title: "本周检查", Team: "第一组", Announced: true, From: day, To: day.AddDays(6),
			Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation}}}
		if err := s.CreateInspection(ctx, in); err != nil {
			t.Fatal(err)
		}
		for _, d := range []int{0, 2, 5} {
			if _, err := s.AddVisit(ctx, in.ID, tr.School.ID, day.AddDays(d)); err != nil {
				t.Fatal(err)
			}
		}
		inspector := newStoreClient(t, s).as(t, s, campusguard.Inspector, tr.County)
		county := itoa(tr.County.ID)
		var list struct{ Items []campusguard.Visit }
		res := inspector.get("/api/v1/visits?region_id=" + county + "&from=" + day.AddDays(1).String() + "&to=" + day.AddDays(5).String() + "&open=true")
		if res.Status != http.StatusOK {
			t.Fatalf("GET visits from-to = %d %s", res.Status, res.Body)
		}
		res.JSON(t, &list)
		if len(list.Items) != 2 || list.Items[0].Day != day.AddDays(2) || list.Items[1].Day != day.AddDays(5) {
			t.Fatalf("visits from Tuesday to Saturday = %+v", list.Items)
		}
		res = inspector.get("/api/v1/visits?region_id=" + county + "&from=" + day.String() + "&to=" + day.AddDays(-1).String())
		if res.Status != http.StatusUnprocessableEntity || len(res.Err(t).fieldSet()) != 1 || res.Err(t).fieldSet()[0] != "to" {
			t.Fatalf("GET visits to before from = %d %s, want 422 on to", res.Status, res.Body)
		}
	})
}
