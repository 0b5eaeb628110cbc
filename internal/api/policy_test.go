package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestPolicyAPI: a region's fever threshold, retention and deadlines by
// the API; each bad value refused with 422 naming the field, nothing
// changed; readers may read, only the region's admins write.
func TestPolicyAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := sqlstoretest.MustTree(t, s)
		c := newStoreClient(t, s)
		admin := c.as(t, s, campusguard.RegionAdmin, tr.County)
		viewer := c.as(t, s, campusguard.RegionViewer, tr.County)
		principal := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		base := fmt.Sprintf("/api/v1/orgs/%d", tr.County.ID)
		policy := func() campusguard.RegionPolicy {
			t.Helper()
			r := viewer.get(base + "/policy")
			wantStatus(t, r, http.StatusOK)
			var p campusguard.RegionPolicy
			r.JSON(t, &p)
			return p
		}
		if p := policy(); p.FeverThreshold != 37.3 || p.Retention != campusguard.DefaultRetention || p.Deadlines != campusguard.DefaultDeadlines {
			t.Fatalf("default policy = %+v", p)
		}
		for _, tt := range []struct {
			name, path string
			who        *client
			body       any
			status     int
			fields     []string
		}{
			{"fever too high", "/fever-threshold", admin, map[string]any{"fever_threshold": 39}, 422, []string{"fever_threshold"}},
			{"fever too low", "/fever-threshold", admin, map[string]any{"fever_threshold": 36.5}, 422, []string{"fever_threshold"}},
			{"fever in hundredths", "/fever-threshold", admin, map[string]any{"fever_threshold": 37.35}, 422, []string{"fever_threshold"}},
			{"fever missing", "/fever-threshold", admin, map[string]any{}, 422, []string{"fever_threshold"}},
			{"fever as text", "/fever-threshold", admin, map[string]any{"fever_threshold": "高"}, 400, []string{"fever_threshold"}},
			{"fever by a viewer", "/fever-threshold", viewer, map[string]any{"fever_threshold": 37.5}, 403, nil},
			{"fever by a principal", "/fever-threshold", principal, map[string]any{"fever_threshold": 37.5}, 404, nil},
			{"retention of a term", "/retention", admin, map[string]any{"checks_days": 180, "followups_days": 548, "cases_days": 730}, 422, []string{"checks_days"}},
			{"retention of 364 days", "/retention", admin, map[string]any{"checks_days": 548, "followups_days": 364, "cases_days": 730}, 422, []string{"followups_days"}},
			{"retention missing", "/retention", admin, map[string]any{"checks_days": 548}, 422, []string{"followups_days", "cases_days"}},
			{"deadline not a time", "/deadlines", admin, map[string]any{"report_by": "7点"}, 422, []string{"report_by"}},
			{"deadline sign-off first", "/deadlines", admin, map[string]any{"report_by": "09:00", "signoff_by": "08:00"}, 422, []string{"signoff_by"}},
			{"deadline unknown field", "/deadlines", admin, map[string]any{"report": "07:00"}, 400, []string{"report"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("PUT", base+tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		if p := policy(); p.FeverThreshold != 37.3 || p.Retention != campusguard.DefaultRetention || p.Deadlines != campusguard.DefaultDeadlines {
			t.Fatalf("refused PUTs changed the policy: %+v", p)
		}
		wantStatus(t, admin.send("PUT", base+"/fever-threshold", map[string]any{"fever_threshold": 37.5}), http.StatusOK)
		wantStatus(t, admin.send("PUT", base+"/retention", map[string]any{"checks_days": 400, "followups_days": 365, "cases_days": 800}), http.StatusOK)
		wantStatus(t, admin.send("PUT", base+"/deadlines", map[string]any{"report_by": "07:30", "signoff_by": "09:00"}), http.StatusOK)
		if p := policy(); p.FeverThreshold != 37.5 || p.Retention != (campusguard.Retention{Checks: 400, FollowUps: 365, Cases: 800}) ||
			p.Deadlines.SignOffBy != 540 {
			t.Errorf("policy after PUTs = %+v", p)
		}
		// A school's own deadline, and back to the county's.
		school := fmt.Sprintf("/api/v1/orgs/%d/deadlines", tr.School.ID)
		r := principal.send("PUT", school, map[string]any{"signoff_by": "11:00"})
		wantStatus(t, r, http.StatusOK)
		var d campusguard.SchoolDeadlines
		r.JSON(t, &d)
		if !d.OwnSignOff || d.Deadlines.SignOffBy != 660 || d.Deadlines.ReportBy != 450 {
			t.Errorf("school deadlines = %+v", d)
		}
		r = principal.send("PUT", school, map[string]any{"clear_signoff_by": true})
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &d)
		if d.OwnSignOff || d.Deadlines.SignOffBy != 540 {
			t.Errorf("school deadlines after clearing = %+v", d)
		}
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.Other).send("PUT", school, map[string]any{"signoff_by": "11:00"}),
			http.StatusNotFound, campusguard.NotFound)
		wantError(t, admin.get(fmt.Sprintf("/api/v1/orgs/%d/policy", tr.Town.ID)), http.StatusNotFound, campusguard.NotFound)
	})
}

// TestBusFiguresAndExportAPI: the bus figures by duty, and a person's
// export as JSON and .xlsx, audited, for the school's admins only.
func TestBusFiguresAndExportAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := sqlstoretest.MustTree(t, s)
		c := newStoreClient(t, s)
		id := sqlstoretest.ValidID("2019-03-07", 13)
		p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "陈小明", Number: "S1", ClassID: &tr.Class1.ID,
			IDNumber: id, BusRouteID: &tr.Route.ID}
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		temp, mask := 38.0, true
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: p.ID, Day: today(), Kind: campusguard.BusCheck, Temperature: &temp,
			Mask: &mask, BusRouteID: &tr.Route.ID, ClientKey: "b1"}); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/orgs/%d/bus-figures", tr.County.ID)
		tok := func(duty string) *client {
			secret, _, err := s.CreateTokenFor(ctx, "联络"+duty, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: tr.County.ID, Duty: duty})
			if err != nil {
				t.Fatal(err)
			}
			return c.withToken(secret)
		}
		r := tok(campusguard.DutyTransport).get(path)
		wantStatus(t, r, http.StatusOK)
		var bus struct{ Items []campusguard.BusFigures }
		r.JSON(t, &bus)
		if len(bus.Items) != 1 || bus.Items[0].Riders != 1 || bus.Items[0].Fever != 1 || bus.Items[0].NoMask != 0 {
			t.Errorf("bus figures = %+v", bus.Items)
		}
		wantError(t, tok(campusguard.DutyMarket).get(path), http.StatusForbidden, campusguard.Forbidden)
		wantError(t, tok(campusguard.DutyPolice).get(path+"?day=昨天"), http.StatusBadRequest, campusguard.Invalid)

		export := fmt.Sprintf("/api/v1/people/%d/export", p.ID)
		principal := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		r = principal.get(export)
		wantStatus(t, r, http.StatusOK)
		var e campusguard.PersonExport
		r.JSON(t, &e)
		if e.Person.IDNumber != id || len(e.Checks) != 1 || e.School != tr.School.Name {
			t.Errorf("export = person %+v, %d checks, school %q", e.Person, len(e.Checks), e.School)
		}
		r = principal.get(export + ".xlsx")
		wantStatus(t, r, http.StatusOK)
		book, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := book.GetRows("基本信息")
		if len(rows) < 5 || !strings.Contains(fmt.Sprint(rows), id) {
			t.Errorf("the workbook's 基本信息 = %v", rows)
		}
		if checks, _ := book.GetRows("健康检查"); len(checks) != 2 {
			t.Errorf("the workbook's 健康检查 has %d rows, want the header and one check", len(checks))
		}
		action := "export_person_file"
		if a, _, err := s.FindAudit(ctx, campusguard.AuditFilter{Action: &action}); err != nil || len(a) != 2 {
			t.Errorf("audit of exports = %d, %v; want 2", len(a), err)
		}
		wantError(t, c.as(t, s, campusguard.ClassTeacher, tr.Class1).get(export), http.StatusForbidden, campusguard.Forbidden)
		wantError(t, tok(campusguard.DutyHealth).get(export), http.StatusForbidden, campusguard.Forbidden)
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.Other).get(export), http.StatusNotFound, campusguard.NotFound)
	})
}

// TestBackupsAPI: system administrators read the backup runs; others may
// not.
func TestBackupsAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := sqlstoretest.MustTree(t, s)
		c := newStoreClient(t, s)
		now := time.Now().UTC().Truncate(time.Second)
		for _, run := range []*campusguard.BackupRun{
			{StartedAt: now.Add(-time.Hour), FinishedAt: now.Add(-time.Hour), Source: campusguard.BackupCommand, File: "/b/1.cgbak", Size: 100, OK: true},
			{StartedAt: now, FinishedAt: now, Source: campusguard.BackupScheduled, File: "/b/2.cgbak", Error: "disk full"},
		} {
			if err := s.RecordBackup(ctx, run); err != nil {
				t.Fatal(err)
			}
		}
		sys, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		r := sys.get("/api/v1/system/backups?limit=5")
		wantStatus(t, r, http.StatusOK)
		var list struct {
			Items    []campusguard.BackupRun
			LastGood *campusguard.BackupRun `json:"last_good"`
		}
		r.JSON(t, &list)
		if len(list.Items) != 2 || list.Items[0].OK || list.LastGood == nil || list.LastGood.File != "/b/1.cgbak" {
			t.Errorf("backups = %+v", list)
		}
		wantError(t, c.as(t, s, campusguard.RegionAdmin, tr.County).get("/api/v1/system/backups"), http.StatusForbidden, campusguard.Forbidden)
		wantError(t, sys.get("/api/v1/system/backups?limit=1000"), http.StatusBadRequest, campusguard.Invalid)
	})
}
