package api

import (
	"fmt"
	"net/http"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestSignOffs(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := newStoreClient(t, s)
		principal := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		path := fmt.Sprintf("/api/v1/schools/%d/signoff", tr.School.ID)

		// A zero report is signed off with a note.
		r := principal.send("POST", path, map[string]any{"day": checkDay, "note": "零报告"})
		wantStatus(t, r, http.StatusOK)
		var so campusguard.SignOff
		r.JSON(t, &so)
		if so.SchoolID != tr.School.ID || !so.Signed || so.Note != "零报告" || so.Day.String() != checkDay || so.SignedAt.IsZero() {
			t.Errorf("sign-off = %+v", so)
		}
		// Signing again updates the note.
		r = principal.send("POST", path, map[string]any{"day": checkDay, "note": "更正：零报告"})
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &so)
		if so.Note != "更正：零报告" {
			t.Errorf("sign-off again = %+v, want the note updated", so)
		}
		// Without a day it is today's sign-off.
		wantStatus(t, c.as(t, s, campusguard.HealthOffice, tr.School).send("POST", path, map[string]any{}), http.StatusOK)

		// The region admin lists the county's schools, unsigned first.
		region := c.as(t, s, campusguard.RegionAdmin, tr.County)
		r = region.get(fmt.Sprintf("/api/v1/orgs/%d/signoffs?day=%s", tr.County.ID, checkDay))
		wantStatus(t, r, http.StatusOK)
		var got items[campusguard.SignOff]
		r.JSON(t, &got)
		if len(got.Items) != 2 || got.Items[0].SchoolID != tr.Other.ID || got.Items[0].Signed ||
			got.Items[1].SchoolID != tr.School.ID || !got.Items[1].Signed || got.Items[1].Note != "更正：零报告" {
			t.Errorf("sign-offs(county) = %+v, want the unsigned school first", got.Items)
		}
		wantStatus(t, region.get(fmt.Sprintf("/api/v1/orgs/%d/signoffs", tr.County.ID)), http.StatusOK)
		wantError(t, region.get(fmt.Sprintf("/api/v1/orgs/%d/signoffs?day=30.11.2026", tr.County.ID)),
			http.StatusBadRequest, campusguard.Invalid)

		// Gate staff of the school may not sign; another school's principal
		// does not see it.
		wantError(t, c.as(t, s, campusguard.GateStaff, tr.School).send("POST", path, map[string]any{"day": checkDay}),
			http.StatusForbidden, campusguard.Forbidden)
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.Other).send("POST", path, map[string]any{"day": checkDay}),
			http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.anonymous().send("POST", path, map[string]any{"day": checkDay}),
			http.StatusUnauthorized, campusguard.Unauthenticated)
	})
}
