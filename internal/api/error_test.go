package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// failingOrgs is an OrgService whose reads fail with a cause that must
// never reach a client.
type failingOrgs struct{ campusguard.OrgService }

var errDisk = errors.New("pq: could not write block 4242 of relation base/16384/2619: secret detail")

func (failingOrgs) FindOrgByID(context.Context, int64) (*campusguard.Org, error) { return nil, errDisk }
func (failingOrgs) FindOrgs(context.Context, campusguard.OrgFilter) ([]*campusguard.Org, int, error) {
	return nil, 0, fmt.Errorf("find orgs: %w", errDisk)
}

// systemSessions signs in every API token as the program itself.
type systemSessions struct{}

func (systemSessions) SessionActor(context.Context, string, string) (*campusguard.Actor, string, error) {
	return nil, "", campusguard.Errorf(campusguard.Unauthenticated, "error.unauthenticated")
}

func (systemSessions) TokenActor(ctx context.Context, secret, remote string) (*campusguard.Actor, error) {
	return campusguard.ActorFrom(campusguard.SystemContext(ctx, "test")), nil
}

// TestInternalError checks that an error that is not a campusguard.Error
// is logged with its cause and shown only as the generic message.
func TestInternalError(t *testing.T) {
	c := newClient(t, Config{Orgs: failingOrgs{}}, systemSessions{}).withToken("system")
	for _, path := range []string{"/api/v1/orgs", "/api/v1/orgs/1", "/api/v1/schools/1/places"} {
		t.Run(path, func(t *testing.T) {
			c.log.Reset()
			r := c.get(path)
			wantStatus(t, r, http.StatusInternalServerError)
			e := r.Err(t)
			if e.Code != campusguard.Internal || e.Message != "系统内部错误，请稍后重试" || len(e.Fields) != 0 {
				t.Errorf("error = %+v, want only the generic internal error", e)
			}
			if strings.Contains(string(r.Body), "secret") || strings.Contains(string(r.Body), "pq:") {
				t.Errorf("response shows the cause: %s", r.Body)
			}
			if !strings.Contains(c.log.String(), "secret detail") || !strings.Contains(c.log.String(), path) {
				t.Errorf("log = %q, want the cause and the path", c.log.String())
			}
		})
	}
}

// TestNoPersonalDataInResponses fills a school with people who have ID
// numbers and phones, and guardians, then reads everything the API offers.
// The client fails any response that shows one of them in full; this test
// makes sure that every reading route is exercised with data present.
func TestNoPersonalDataInResponses(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		student := createPerson(t, c, map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "陈小明",
			"number": "S1", "id_number": validID("20190307", 13), "phone": "13905961111", "class_id": tr.Class1.ID,
			"bus_route_id": tr.Route.ID, "boarding": true, "dorm_room_id": tr.Room.ID})
		teacher := createPerson(t, c, map[string]any{"school_id": tr.School.ID, "kind": "staff", "name": "黄老师",
			"number": "T1", "role": "class_teacher", "id_number": validID("19850601", 42), "phone": "0596-8521234"})
		c.secret("13805961234")
		r := c.send("POST", fmt.Sprintf("/api/v1/people/%d/guardians", student.ID),
			map[string]any{"name": "陈建国", "phone": "13805961234", "relation": "父亲"})
		wantStatus(t, r, http.StatusCreated)
		idX := validID("20190101", 51)
		c.secret(idX, "13705967777")
		rows := [][]string{rosterHeader(), rosterRow(map[string]string{"kind": "学生", "number": "S2", "name": "林小红",
			"id_number": idX, "grade": "一年级", "class": "2班", "guardian_name": "林大海", "guardian_phone": "13705967777"})}
		wantStatus(t, c.upload(fmt.Sprintf("/api/v1/schools/%d/roster", tr.School.ID), "r.xlsx", xlsxFile(t, rows)), http.StatusOK)
		r = c.send("PATCH", fmt.Sprintf("/api/v1/people/%d", teacher.ID), map[string]any{"phone": "13605960000"})
		c.secret("13605960000")
		wantStatus(t, r, http.StatusOK)

		paths := []string{
			"/api/v1/people",
			"/api/v1/people?q=" + idX, // a search by full ID number answers masked
			fmt.Sprintf("/api/v1/people?school_id=%d&kind=staff", tr.School.ID),
			fmt.Sprintf("/api/v1/people/%d", student.ID),
			fmt.Sprintf("/api/v1/people/%d", teacher.ID),
			fmt.Sprintf("/api/v1/people/%d/file", student.ID),
			fmt.Sprintf("/api/v1/people/%d/file", teacher.ID),
			"/api/v1/orgs?counts=true",
			fmt.Sprintf("/api/v1/orgs/%d", tr.Class1.ID),
			fmt.Sprintf("/api/v1/schools/%d/places", tr.School.ID),
			fmt.Sprintf("/api/v1/schools/%d/bus-routes", tr.School.ID),
		}
		for _, p := range paths {
			r := c.get(p)
			wantStatus(t, r, http.StatusOK)
		}
		// Roles that see phones in full still never see an ID number in
		// full, whatever they read.
		sysAdmin, _ := c.anonymous().signedIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		for _, who := range []*client{
			sysAdmin.seeingContacts(),
			c.as(t, s, campusguard.SchoolAdmin, tr.School).seeingContacts(),
			c.as(t, s, campusguard.HealthOffice, tr.School).seeingContacts(),
			c.as(t, s, campusguard.ClassTeacher, tr.Grade).seeingContacts(),
		} {
			for _, p := range paths {
				r := who.get(p)
				if r.Status == http.StatusUnprocessableEntity && strings.Contains(p, "?q="+idX) {
					continue // a role that may not reveal numbers may not search by one
				}
				if r.Status != http.StatusOK && r.Status != http.StatusNotFound {
					t.Errorf("GET %s = %d", p, r.Status)
				}
			}
			wantStatus(t, who.get("/api/v1/me"), http.StatusOK)
		}
		r = c.get("/api/v1/people?q=" + idX)
		var found list[*campusguard.Person]
		r.JSON(t, &found)
		if found.Total != 1 || found.Items[0].IDNumber != campusguard.HideIDNumber(idX) {
			t.Errorf("search by ID number = %+v, want one person, masked", found)
		}
		r = c.get(fmt.Sprintf("/api/v1/people?school_id=%d&q=S2", tr.School.ID))
		r.JSON(t, &found)
		if found.Total != 1 {
			t.Fatalf("imported student not found: %s", r.Body)
		}
		r = c.get(fmt.Sprintf("/api/v1/people/%d/file", found.Items[0].ID))
		var f campusguard.PersonFile
		r.JSON(t, &f)
		if len(f.Guardians) != 1 || f.Guardians[0].Phone != "137****7777" {
			t.Errorf("imported guardian = %+v, want phone 137****7777", f.Guardians)
		}
	})
}
