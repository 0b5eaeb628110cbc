package sqlstoretest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// SupervisionNow is the clock of the supervision worlds: 10:00 in China on
// Monday 7 December 2026, a school day.
var SupervisionNow = time.Date(2026, 12, 7, 10, 0, 0, 0, campusguard.China)

// Supervision is a Tree with what issue 12's walk tests need: an account
// of every school-level role at tr.School, the region's bureau and
// inspector, and the school's ordinary supervision work (an announced
// visit carried out with a finding and its item, a directive), so that the
// pages and paths a school reads have something on them.
type Supervision struct {
	*Tree
	Today campusguard.Date
	// Region-level actors of the county.
	Bureau, Inspector context.Context
	// Accounts is every school-level account at tr.School, by a short name:
	// principal, doctor, teacher, gate, staff, parent.
	Accounts map[string]*campusguard.User
	// The school's own objects.
	Teacher, Student *campusguard.Person
	Announced        *campusguard.Inspection
	AnnouncedVisit   *campusguard.Visit
	AnnouncedItem    int64 // the rectification item of the announced visit's finding
	AnnouncedPhoto   int64
	Directive        *campusguard.Directive
}

// SchoolReaders are the school-level accounts that read a school's visits
// and items once carried out: the principal and the school doctor.
var SchoolReaders = []string{"principal", "doctor"}

// MustSupervision builds a Supervision on a new Tree, with s.Now set to
// SupervisionNow for the rest of the test.
func MustSupervision(tb testing.TB, s *sqlstore.Store) *Supervision {
	tb.Helper()
	s.Now = func() time.Time { return SupervisionNow }
	tr := MustTree(tb, s)
	w := &Supervision{Tree: tr, Today: campusguard.DateOf(SupervisionNow), Accounts: map[string]*campusguard.User{}}
	g := func(r campusguard.AccessRole, o *campusguard.Org) campusguard.Grant {
		return campusguard.Grant{Role: r, OrgID: o.ID}
	}
	w.Bureau = ActorCtx(tb, s, MustUser(tb, s, g(campusguard.RegionAdmin, tr.County)))
	w.Inspector = ActorCtx(tb, s, MustUser(tb, s, g(campusguard.Inspector, tr.County)))

	w.Teacher = &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Staff, Role: campusguard.RoleClassTeacher,
		Name: "郑老师", Number: "T901", IDNumber: ValidID("1986-05-04", 31), ClassID: &tr.Class1.ID}
	w.Student = &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "郑小华", Number: "S901",
		IDNumber: ValidID("2019-04-05", 42), ClassID: &tr.Class1.ID}
	for _, p := range []*campusguard.Person{w.Teacher, w.Student} {
		if err := s.CreatePerson(Ctx, p); err != nil {
			tb.Fatalf("CreatePerson(%s) = %v", p.Name, err)
		}
	}
	w.Accounts["principal"] = MustUser(tb, s, g(campusguard.SchoolAdmin, tr.School))
	w.Accounts["doctor"] = MustUser(tb, s, g(campusguard.HealthOffice, tr.School))
	w.Accounts["teacher"] = MustUser(tb, s, g(campusguard.ClassTeacher, tr.Class1))
	w.Accounts["gate"] = MustUser(tb, s, g(campusguard.GateStaff, tr.School))
	staff := &campusguard.User{Login: "walk-staff-" + strconv.FormatInt(userSeq.Add(1), 10), Name: "教职工本人",
		PersonID: &w.Teacher.ID, Grants: []campusguard.Grant{g(campusguard.StaffMember, tr.School)}}
	if err := s.CreateUser(Ctx, staff, Password); err != nil {
		tb.Fatalf("CreateUser(staff) = %v", err)
	}
	w.Accounts["staff"] = staff
	codes, err := s.IssueBindingCodes(Ctx, tr.Class1.ID)
	if err != nil {
		tb.Fatalf("IssueBindingCodes = %v", err)
	}
	for _, c := range codes {
		if c.StudentID != w.Student.ID {
			continue
		}
		u, err := s.RedeemBindingCode(Ctx, campusguard.GuardianSignup{Code: c.Code, Name: "郑家长", Phone: "13800009901",
			Relation: "母亲", Password: Password}, "127.0.0.1")
		if err != nil {
			tb.Fatalf("RedeemBindingCode = %v", err)
		}
		w.Accounts["parent"] = u
	}
	if len(w.Accounts) != len(campusguard.SchoolLevelRoles) {
		tb.Fatalf("MustSupervision: %d school-level accounts, want one per role (%d)", len(w.Accounts), len(campusguard.SchoolLevelRoles))
	}

	// The school's ordinary supervision: an announced visit carried out
	// with a finding, its item open; a directive to every school.
	w.Announced = &campusguard.Inspection{RegionID: tr.County.ID, Title: "本月公开检查", Team: "第一组", Announced: true,
		From: w.Today.AddDays(-3), To: w.Today.AddDays(20), Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation}}}
	if err := s.CreateInspection(w.Inspector, w.Announced); err != nil {
		tb.Fatalf("CreateInspection(announced) = %v", err)
	}
	w.AnnouncedVisit, err = s.AddVisit(w.Inspector, w.Announced.ID, tr.School.ID, w.Today.AddDays(-1))
	if err != nil {
		tb.Fatalf("AddVisit(announced) = %v", err)
	}
	w.AnnouncedPhoto = w.photo(tb, s, "公开检查照片.png", 1)
	w.finding(tb, s, w.AnnouncedVisit.ID, "晨检记录不全", "林校长", w.AnnouncedPhoto)
	w.CarryOut(tb, s, w.AnnouncedVisit.ID, "公开检查完毕")
	w.AnnouncedItem = w.ItemOf(tb, s, w.AnnouncedVisit.ID)
	w.Directive = &campusguard.Directive{RegionID: tr.County.ID, Title: "本周消毒部署", Text: "请各校完成消毒。",
		Deadline: w.Today.AddDays(3), ReportRequired: true, Target: campusguard.TargetAll}
	if err := s.SendDirective(w.Bureau, w.Directive); err != nil {
		tb.Fatalf("SendDirective = %v", err)
	}
	return w
}

// Covert is an unannounced inspection of tr.School with its visit today,
// a critical finding with a photo that requires a re-inspection, its
// rectification item and an accountability record on it: what no
// school-level account may see until the visit is carried out.
type Covert struct {
	Inspection *campusguard.Inspection
	Visit      *campusguard.Visit
	Finding    *campusguard.InspectionFinding
	Item       int64 // the finding's rectification item, once CarryOut opened it
	Photo      int64
	Record     *campusguard.Accountability
	// Secrets are the texts only the covert inspection, its visit and its
	// finding carry: a page or file that shows one shows the inspection.
	Secrets []string
	// RegionOnly are the accountability record's texts, which no
	// school-level account sees even once the visit is carried out.
	RegionOnly []string
}

// MustCovert plans the unannounced inspection and records its finding.
func (w *Supervision) MustCovert(tb testing.TB, s *sqlstore.Store) *Covert {
	tb.Helper()
	c := &Covert{Secrets: []string{"飞行暗访甲", "暗访第九组", "欧阳督学", "司马警官", "消防通道被杂物堵塞", "欧阳主任", "暗访照片"},
		RegionOnly: []string{"约谈暗访责任人", "暗访问责人"}}
	c.Inspection = &campusguard.Inspection{RegionID: w.County.ID, Title: "飞行暗访甲", Team: "暗访第九组", Announced: false,
		From: w.Today, To: w.Today.AddDays(6), Members: []campusguard.TeamMember{{Name: "欧阳督学", Agency: campusguard.AgencyEducation},
			{Name: "司马警官", Agency: campusguard.AgencyPolice}}}
	if err := s.CreateInspection(w.Inspector, c.Inspection); err != nil {
		tb.Fatalf("CreateInspection(unannounced) = %v", err)
	}
	var err error
	c.Visit, err = s.AddVisit(w.Inspector, c.Inspection.ID, w.School.ID, w.Today)
	if err != nil {
		tb.Fatalf("AddVisit(unannounced) = %v", err)
	}
	c.Photo = w.photo(tb, s, "暗访照片.png", 7)
	c.Finding = w.finding(tb, s, c.Visit.ID, "消防通道被杂物堵塞", "欧阳主任", c.Photo)
	c.Record = &campusguard.Accountability{SchoolID: w.School.ID, FailureKind: campusguard.FailureFinding,
		LinkIDs: []int64{c.Finding.ID}, Failure: "约谈暗访责任人", PersonName: "暗访问责人", Post: "校长",
		Measure: campusguard.MeasureTalk, Day: w.Today}
	if err := s.RecordAccountability(w.Bureau, c.Record); err != nil {
		tb.Fatalf("RecordAccountability = %v", err)
	}
	return c
}

// CarryOut records the visit's results and closes it, which opens its
// finding's rectification item.
func (c *Covert) CarryOut(tb testing.TB, s *sqlstore.Store, w *Supervision) {
	tb.Helper()
	w.CarryOut(tb, s, c.Visit.ID, "暗访结束")
	c.Item = w.ItemOf(tb, s, c.Visit.ID)
}

// ItemOf returns the rectification item of the visit's one finding.
func (w *Supervision) ItemOf(tb testing.TB, s *sqlstore.Store, visitID int64) int64 {
	tb.Helper()
	v, err := s.FindVisit(w.Inspector, visitID)
	if err != nil || len(v.FindingList) != 1 || v.FindingList[0].ItemID == nil {
		tb.Fatalf("FindVisit(%d) = %+v, %v; want one finding with its item", visitID, v, err)
	}
	return *v.FindingList[0].ItemID
}

// CarryOut gives every item of the visit a result and closes it.
func (w *Supervision) CarryOut(tb testing.TB, s *sqlstore.Store, visitID int64, note string) {
	tb.Helper()
	v, err := s.FindVisit(w.Inspector, visitID)
	if err != nil {
		tb.Fatalf("FindVisit = %v", err)
	}
	for _, r := range v.Results {
		if err := s.RecordResult(w.Inspector, v.ID, r.Item.Code, campusguard.ResultPass, ""); err != nil {
			tb.Fatalf("RecordResult(%s) = %v", r.Item.Code, err)
		}
	}
	if err := s.CloseVisit(w.Inspector, v.ID, note); err != nil {
		tb.Fatalf("CloseVisit = %v", err)
	}
}

func (w *Supervision) finding(tb testing.TB, s *sqlstore.Store, visitID int64, note, responsible string, photo int64) *campusguard.InspectionFinding {
	tb.Helper()
	deadline := w.Today.AddDays(5)
	f := &campusguard.InspectionFinding{Code: "H1", Severity: campusguard.SeverityCritical, Note: note, FileIDs: []int64{photo},
		Deadline: &deadline, Responsible: responsible, Reinspect: true}
	if err := s.AddFinding(w.Inspector, visitID, f); err != nil {
		tb.Fatalf("AddFinding(%s) = %v", note, err)
	}
	return f
}

// photo stores a small PNG as the region's, as an inspector's phone does.
func (w *Supervision) photo(tb testing.TB, s *sqlstore.Store, name string, seed uint8) int64 {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x) ^ seed, uint8(y), seed, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	f, err := s.PutFile(w.Inspector, campusguard.Upload{OrgID: w.County.ID, Name: name, Data: b.Bytes()})
	if err != nil {
		tb.Fatalf("PutFile(%s) = %v", name, err)
	}
	return f.ID
}
