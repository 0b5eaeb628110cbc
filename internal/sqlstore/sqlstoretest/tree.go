package sqlstoretest

import (
	"fmt"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// Tree is a small county for tests: a county and a town; a boarding
// primary school with one grade of two classes, a dormitory room of 2 beds
// and a bus route; and a second school with one class.
type Tree struct {
	County, Town, School, Grade, Class1, Class2 *campusguard.Org
	Other, OtherGrade, OtherClass               *campusguard.Org
	Room                                        *campusguard.Place
	Route                                       *campusguard.BusRoute
}

// MustTree builds a Tree, acting as the system.
func MustTree(tb testing.TB, s *sqlstore.Store) *Tree {
	tb.Helper()
	tr := &Tree{}
	mk := func(o *campusguard.Org) *campusguard.Org {
		tb.Helper()
		if err := s.CreateOrg(Ctx, o); err != nil {
			tb.Fatalf("CreateOrg(%s) = %v", o.Name, err)
		}
		return o
	}
	tr.County = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "云霄县", Code: "350622"})
	tr.Town = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "云陵镇", ParentID: &tr.County.ID})
	tr.School = mk(&campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "云陵中心小学",
		Code: "35062201", Boarding: true, ParentID: &tr.Town.ID})
	tr.Grade = mk(&campusguard.Org{Kind: campusguard.KindGrade, Name: "一年级", GradeYear: 1, ParentID: &tr.School.ID})
	tr.Class1 = mk(&campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &tr.Grade.ID})
	tr.Class2 = mk(&campusguard.Org{Kind: campusguard.KindClass, Name: "2班", ParentID: &tr.Grade.ID})
	tr.Other = mk(&campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Junior, Name: "云霄第二中学",
		ParentID: &tr.Town.ID})
	tr.OtherGrade = mk(&campusguard.Org{Kind: campusguard.KindGrade, Name: "七年级", GradeYear: 1, ParentID: &tr.Other.ID})
	tr.OtherClass = mk(&campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &tr.OtherGrade.ID})
	tr.Room = &campusguard.Place{SchoolID: tr.School.ID, Kind: campusguard.PlaceDormRoom, Name: "101", Beds: 2}
	if err := s.CreatePlace(Ctx, tr.Room); err != nil {
		tb.Fatalf("CreatePlace = %v", err)
	}
	tr.Route = &campusguard.BusRoute{SchoolID: tr.School.ID, Name: "马铺线"}
	if err := s.CreateBusRoute(Ctx, tr.Route); err != nil {
		tb.Fatalf("CreateBusRoute = %v", err)
	}
	return tr
}

// ValidID returns a valid resident ID number of region 350622, born on
// birth ("2019-03-07" or "20190307"), with sequence number seq (0–999).
func ValidID(birth string, seq int) string {
	body := fmt.Sprintf("350622%s%03d", strings.ReplaceAll(birth, "-", ""), seq%1000)
	return body + string(campusguard.IDCheckChar(body))
}
