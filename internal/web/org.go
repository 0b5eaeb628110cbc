package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"campusguard"
	"campusguard/internal/i18n"
)

// Page sizes. A region may hold 1,500 schools; a class rarely more than 60
// students.
const (
	childrenPerPage = 100
	studentsPerPage = 100
	peoplePerPage   = 50
	openPlaces      = 24 // place groups up to this size show open
)

// orgPage is the page of one node of the tree. One design serves every
// level; the part for the node's kind is set, the others are nil.
type orgPage struct {
	basePage
	Org       *campusguard.Org
	URL       string
	KindLabel string
	Counts    *campusguard.OrgCounts
	PeopleURL string
	// AccountURL opens the form for a new account here, for those who
	// manage users; "" for others.
	AccountURL string
	// EditURL and ChildURL change the node and add one under it, for those
	// who may write the tree here.
	EditURL  string
	ChildURL string
	PlaceURL string // a school's places and bus routes
	// BusesURL shows the bus routes' figures to those who read them;
	// DeadlinesURL sets a school's deadlines, for its admins.
	BusesURL, DeadlinesURL string
	// ReadinessURL and SuspensionsURL: reopening readiness and suspensions (issue 11).
	ReadinessURL, SuspensionsURL string
	// InspectionsURL and RectificationsURL: supervision (issue 12);
	// VisitsURL: an inspector's visits of the day.
	InspectionsURL, RectificationsURL, VisitsURL string
	DirectivesURL                                string // a region's directives, or a school's to answer (issue 12)
	DrillsURL                                    string // a region's drills overview, or a school's drills (issue 14)
	// SuppliesURL shows the holder's supplies to those who read them.
	SuppliesURL string
	TrainingURL string // training coverage (issue 14), to those who read it
	// EnvironmentURL, SpacesURL and EnvComplianceURL: ventilation and
	// disinfection (issue 14).
	EnvironmentURL, SpacesURL, EnvComplianceURL string
	// DashboardURL opens a region's or school's dashboard (总览).
	DashboardURL string

	// Figures is today's roll-up, on a school's or a class's page.
	Figures *figuresCard
	// Missing lists the class's students not yet reported today, for
	// those who may list the class; FollowUps its open follow-ups.
	Missing      *missingCard
	FollowUps    []followUpRow
	FollowUpsURL string

	// SignOffs is today's sign-offs of a region's schools.
	SignOffs *signOffCard
	// Cases counts the open and overdue cases of a school or region.
	Cases *casesCard
	// Alerts counts the open alerts of a school or region.
	Alerts *alertsCard

	Region *regionView
	School *schoolView
	Grade  *gradeView
	Class  *classView
}

// regionView lists a region's children, or with a filter its schools
// anywhere below it.
type regionView struct {
	Query    string
	Type     campusguard.SchoolType
	Types    []option
	Filtered bool
	Children []childRow
	Pager    pager
	Day      string // today, when the rows carry today's figures
}

// childRow is one sub-region or school in a region's list.
type childRow struct {
	URL    string
	Name   string
	Kind   campusguard.OrgKind
	Label  string
	Counts campusguard.OrgCounts
	Today  *dayFigures // nil without figures
}

// option is one choice of a select.
type option struct {
	Value    string
	Label    string
	Selected bool
}

// schoolView is a school's facts, classes, places and bus routes.
type schoolView struct {
	TypeLabel string
	Boarding  bool
	Address   string
	Principal string
	Phone     string
	StaffURL  string
	ImportURL string
	Grades    []gradeRow
	Classes   *classFigures // today's figures by class; nil without them
	Places    []placeGroup
	Routes    []routeRow
}

// gradeRow is a grade of a school with its classes.
type gradeRow struct {
	URL      string
	Name     string
	Students int
	Classes  []classRow
}

// classRow is one class with its size and class teacher.
type classRow struct {
	URL         string
	Name        string
	Students    int
	HeadTeacher *personLink
}

// personLink names a person or a node and links to it; URL is "" when
// the reader may not open it.
type personLink struct {
	URL  string
	Name string
}

// placeGroup is the places of one kind.
type placeGroup struct {
	Kind   campusguard.PlaceKind
	Label  string
	Places []*campusguard.Place
	IsDorm bool
	Open   bool // a short list shows open; a long one opens on a tap
	Beds   int
	Taken  int
}

// routeRow is one bus route.
type routeRow struct {
	Name   string
	Plate  string
	Driver *personLink
	Riders int
}

// gradeView lists a grade's classes.
type gradeView struct {
	Classes []classRow
}

// classView lists a class's students.
type classView struct {
	HeadTeacher *personLink
	Students    []studentRow
	Pager       pager
	// BindingURL and BindingXLSX issue the guardians' binding codes, for
	// those who may; "" for others.
	BindingURL  string
	BindingXLSX string
	Day         *classDayCard // who needs attention on the day shown; nil for readers who may not know
}

// studentRow is one student in a class list.
type studentRow struct {
	URL      string // "" when the reader may not open the file
	Number   string
	Name     string
	Gender   string
	Boarding bool
	Dorm     string
	Bed      string
	Bus      string
}

// handleOrgView handles "GET /orgs/{id}": a region, school, grade or class.
func (s *Server) handleOrgView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id)
	if err != nil {
		return err
	}
	counts, err := s.Orgs.OrgCounts(ctx, id)
	if err != nil {
		return err
	}
	p := &orgPage{basePage: s.base(r, ""), Org: o, URL: orgURL(id), Counts: counts, PeopleURL: orgURL(id) + "/people"}
	p.Title = o.Name
	p.Crumbs = crumbs(anc, o)
	p.KindLabel = orgLabel(p.Lang, o)
	ctx = withDay(ctx, s.shownDay(ctx, &p.basePage, o)) // a day off shows the last school day
	if p.actor.Can(campusguard.ManageUsers, o.Path) {
		p.AccountURL = "/admin/users/new?org_id=" + strconv.FormatInt(o.ID, 10)
	}
	if p.actor.Can(campusguard.WriteOrg, o.Path) {
		p.EditURL = orgURL(id) + "/edit"
		if len(childKinds(o)) > 0 {
			p.ChildURL = orgURL(id) + "/children"
		}
		if o.Kind == campusguard.KindSchool {
			p.PlaceURL = orgURL(id) + "/places"
		}
	}
	if s.Dashboards != nil && (o.Kind == campusguard.KindRegion || o.Kind == campusguard.KindSchool) {
		p.DashboardURL = orgURL(id) + "/dashboard"
	}
	if s.Transport != nil && (o.Kind == campusguard.KindRegion || o.Kind == campusguard.KindSchool) && p.actor.Can(campusguard.ReadBusFigures, o.Path) {
		p.BusesURL = orgURL(id) + "/buses"
	}
	if s.Supplies != nil && (o.Kind == campusguard.KindRegion || o.Kind == campusguard.KindSchool) && p.actor.Can(campusguard.ReadSupplies, o.Path) {
		p.SuppliesURL = suppliesURL(id)
	}
	if s.Training != nil && (o.Kind == campusguard.KindRegion || o.Kind == campusguard.KindSchool) && p.actor.Can(campusguard.ReadTraining, o.Path) {
		p.TrainingURL = trainingURL(id)
	}
	if s.Policy != nil && o.Kind == campusguard.KindSchool && p.actor.Can(campusguard.WriteOrg, o.Path) {
		p.DeadlinesURL = orgURL(id) + "/deadlines"
	}
	s.reopeningLinks(p, o)
	s.inspectionLinks(p, o)
	s.directiveLinks(p, o)
	s.drillLinks(p, o)
	s.environmentLinks(p, o)
	switch o.Kind {
	case campusguard.KindRegion:
		p.Region, err = s.regionView(ctx, r, p.Lang, o)
		if err == nil {
			p.SignOffs, err = s.regionSignOffs(ctx, o)
		}
	case campusguard.KindSchool:
		p.School, err = s.schoolView(ctx, p.actor, p.Lang, o)
	case campusguard.KindGrade:
		p.Grade, err = s.gradeView(ctx, p.actor, o)
	case campusguard.KindClass:
		p.Class, err = s.classView(ctx, r, p.actor, p.Lang, o, anc)
	}
	if err != nil {
		return err
	}
	if o.Kind == campusguard.KindSchool || o.Kind == campusguard.KindClass {
		if p.Figures, err = s.figures(ctx, p.actor, o); err != nil {
			return err
		}
		if err := s.schoolSignOff(ctx, &p.basePage, p.Figures, o); err != nil {
			return err
		}
		if s.Health != nil {
			p.FollowUpsURL = orgURL(o.ID) + "/followups"
		}
	}
	if o.Kind == campusguard.KindSchool || o.Kind == campusguard.KindRegion {
		if p.Cases, err = s.casesCard(ctx, p.actor, o); err != nil {
			return err
		}
		if p.Alerts, err = s.alertsCard(ctx, p.actor, o); err != nil {
			return err
		}
	}
	if o.Kind == campusguard.KindClass {
		if p.Missing, err = s.missingReports(ctx, o); err != nil {
			return err
		}
		if p.FollowUps, _, err = s.followUpRows(ctx, &p.basePage, o, true); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "org", p)
}

func (s *Server) regionView(ctx context.Context, r *http.Request, l i18n.Lang, o *campusguard.Org) (*regionView, error) {
	v := &regionView{Query: searchText(r.URL.Query().Get("q"))}
	if t := campusguard.SchoolType(r.URL.Query().Get("type")); campusguard.ValidSchoolType(t) {
		v.Type = t
	}
	v.Types = append(v.Types, option{Value: "", Label: tr(l, "org.filter.all_types"), Selected: v.Type == ""})
	for _, t := range campusguard.SchoolTypes {
		v.Types = append(v.Types, option{Value: string(t), Label: tr(l, schoolTypeKey(t)), Selected: t == v.Type})
	}
	offset := queryOffset(r)
	f := campusguard.OrgFilter{ParentID: &o.ID, WithCounts: true, Offset: offset, Limit: childrenPerPage}
	if v.Query != "" || v.Type != "" {
		// A filter searches the schools of the whole subtree.
		v.Filtered = true
		f = campusguard.OrgFilter{Under: &o.ID, Kind: ptr(campusguard.KindSchool), WithCounts: true,
			Offset: offset, Limit: childrenPerPage}
		if v.Query != "" {
			f.Query = &v.Query
		}
		if v.Type != "" {
			f.SchoolType = &v.Type
		}
	}
	children, total, err := s.Orgs.FindOrgs(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, c := range children {
		row := childRow{URL: orgURL(c.ID), Name: c.Name, Kind: c.Kind, Label: orgLabel(l, c)}
		if c.Counts != nil {
			row.Counts = *c.Counts
		}
		v.Children = append(v.Children, row)
	}
	v.Pager = newPager(r, offset, childrenPerPage, len(children), total)
	if err := s.addChildFigures(ctx, o, v); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) schoolView(ctx context.Context, a *campusguard.Actor, l i18n.Lang, o *campusguard.Org) (*schoolView, error) {
	v := &schoolView{TypeLabel: tr(l, schoolTypeKey(o.SchoolType)), Boarding: o.Boarding, Address: o.Address,
		Principal: o.Principal, Phone: o.Phone, StaffURL: orgURL(o.ID) + "/people?kind=staff"}
	if a.Can(campusguard.WritePerson, o.Path) {
		v.ImportURL = orgURL(o.ID) + "/import"
	}
	grades, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &o.ID, Kind: ptr(campusguard.KindGrade)})
	if err != nil {
		return nil, err
	}
	classes, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{Under: &o.ID, Kind: ptr(campusguard.KindClass), WithCounts: true})
	if err != nil {
		return nil, err
	}
	for _, g := range grades {
		row := gradeRow{URL: orgURL(g.ID), Name: g.Name}
		for _, c := range classes {
			if c.ParentID != nil && *c.ParentID == g.ID {
				cr := classRow{URL: orgURL(c.ID), Name: c.Name, Students: c.Counts.Students}
				row.Students += cr.Students
				row.Classes = append(row.Classes, cr)
			}
		}
		v.Grades = append(v.Grades, row)
	}
	if v.Classes, err = s.schoolClassFigures(ctx, o, v.Grades); err != nil {
		return nil, err
	}
	places, err := s.Orgs.FindPlaces(ctx, o.ID, "")
	if err != nil {
		return nil, err
	}
	for _, k := range campusguard.PlaceKinds {
		g := placeGroup{Kind: k, Label: tr(l, placeKindKey(k)), IsDorm: k == campusguard.PlaceDormRoom}
		for _, pl := range places {
			if pl.Kind == k {
				g.Places = append(g.Places, pl)
				g.Beds += pl.Beds
				g.Taken += pl.Occupied
			}
		}
		if len(g.Places) > 0 {
			slices.SortStableFunc(g.Places, func(a, b *campusguard.Place) int { return naturalCompare(a.Name, b.Name) })
			g.Open = len(g.Places) <= openPlaces
			v.Places = append(v.Places, g)
		}
	}
	routes, err := s.Orgs.FindBusRoutes(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	people := s.personNames(a)
	for _, rt := range routes {
		row := routeRow{Name: rt.Name, Plate: rt.Plate, Riders: rt.Riders}
		if row.Driver, err = people.link(ctx, rt.DriverID); err != nil {
			return nil, err
		}
		v.Routes = append(v.Routes, row)
	}
	return v, nil
}

func (s *Server) gradeView(ctx context.Context, a *campusguard.Actor, o *campusguard.Org) (*gradeView, error) {
	classes, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &o.ID, Kind: ptr(campusguard.KindClass), WithCounts: true})
	if err != nil {
		return nil, err
	}
	v := &gradeView{}
	people := s.personNames(a)
	for _, c := range classes {
		row := classRow{URL: orgURL(c.ID), Name: c.Name, Students: c.Counts.Students}
		if row.HeadTeacher, err = people.link(ctx, c.HeadTeacherID); err != nil {
			return nil, err
		}
		v.Classes = append(v.Classes, row)
	}
	return v, nil
}

func (s *Server) classView(ctx context.Context, r *http.Request, a *campusguard.Actor, l i18n.Lang, o *campusguard.Org, anc []*campusguard.Org) (*classView, error) {
	v := &classView{}
	var err error
	if v.HeadTeacher, err = s.personNames(a).link(ctx, o.HeadTeacherID); err != nil {
		return nil, err
	}
	if a.Can(campusguard.IssueBinding, o.Path) {
		v.BindingURL = orgURL(o.ID) + "/binding-codes"
		v.BindingXLSX = orgURL(o.ID) + "/binding-codes.xlsx"
	}
	var schoolID int64
	for _, a := range anc {
		if a.Kind == campusguard.KindSchool {
			schoolID = a.ID
		}
	}
	dorms := map[int64]string{}
	routes := map[int64]string{}
	if schoolID != 0 {
		rooms, err := s.Orgs.FindPlaces(ctx, schoolID, campusguard.PlaceDormRoom)
		if err != nil {
			return nil, err
		}
		for _, p := range rooms {
			dorms[p.ID] = p.Name
		}
		rs, err := s.Orgs.FindBusRoutes(ctx, schoolID)
		if err != nil {
			return nil, err
		}
		for _, rt := range rs {
			routes[rt.ID] = rt.Name
		}
	}
	offset := queryOffset(r)
	students, total, err := s.People.FindPeople(ctx, campusguard.PersonFilter{ClassID: &o.ID,
		Kind: ptr(campusguard.Student), Offset: offset, Limit: studentsPerPage})
	if err != nil {
		return nil, err
	}
	for _, p := range students {
		row := studentRow{Number: p.Number, Name: p.Name, Gender: genderLabel(l, p.Gender), Boarding: p.Boarding, Bed: p.Bed}
		if a.CanPerson(campusguard.ReadPersonFile, p.ID, o.Path) {
			row.URL = personURL(p.ID)
		}
		if p.DormRoomID != nil {
			row.Dorm = dorms[*p.DormRoomID]
		}
		if p.BusRouteID != nil {
			row.Bus = routes[*p.BusRouteID]
		}
		v.Students = append(v.Students, row)
	}
	v.Pager = newPager(r, offset, studentsPerPage, len(students), total)
	if v.Day, err = s.classDay(ctx, a, l, o); err != nil {
		return nil, err
	}
	return v, nil
}

// orgLine loads the node of a page and the nodes above it, for its
// breadcrumbs. With kinds, a node of another kind is NotFound.
func (s *Server) orgLine(ctx context.Context, id int64, kinds ...campusguard.OrgKind) (*campusguard.Org, []*campusguard.Org, error) {
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if len(kinds) > 0 && !slices.Contains(kinds, o.Kind) {
		return nil, nil, errNotFound
	}
	anc, err := s.Orgs.OrgAncestors(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return o, anc, nil
}

// underOrg titles a page that lists something of o ("预警 · 云霄县") and
// gives it o's breadcrumbs, o linked, then the page's own.
func (p *basePage) underOrg(key string, o *campusguard.Org, anc []*campusguard.Org) {
	p.Title = p.T(key) + " · " + o.Name
	p.Crumbs = append(crumbs(anc, o), crumb{Name: p.T(key)})
	p.Crumbs[len(p.Crumbs)-2].URL = orgURL(o.ID)
}

// crumbs returns the breadcrumbs from the root down to o, o last and unlinked.
func crumbs(anc []*campusguard.Org, o *campusguard.Org) []crumb {
	out := make([]crumb, 0, len(anc)+1)
	for _, a := range anc {
		out = append(out, crumb{Name: a.Name, URL: orgURL(a.ID)})
	}
	return append(out, crumb{Name: o.Name})
}

// personNames looks up people by id for links, each at most once a request.
type personNames struct {
	s    *Server
	a    *campusguard.Actor
	orgs *orgNames
	seen map[int64]*personLink
}

func (s *Server) personNames(a *campusguard.Actor) *personNames {
	return &personNames{s: s, a: a, orgs: s.orgNames(), seen: map[int64]*personLink{}}
}

// link returns a link to the person id, or nil for no id or a person who
// no longer exists or whom the reader may not see; the link has no URL when
// the reader may see the name but not the file.
func (pn *personNames) link(ctx context.Context, id *int64) (*personLink, error) {
	if id == nil {
		return nil, nil
	}
	if l, ok := pn.seen[*id]; ok {
		return l, nil
	}
	p, err := pn.s.People.FindPersonByID(ctx, *id)
	if campusguard.ErrorCode(err) == campusguard.NotFound {
		pn.seen[*id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u, err := pn.s.fileURL(ctx, pn.a, pn.orgs, p)
	if err != nil {
		return nil, err
	}
	l := &personLink{URL: u, Name: p.Name}
	pn.seen[*id] = l
	return l, nil
}

// pager links the pages of a long list.
type pager struct {
	Total int
	From  int // 1-based, 0 for an empty list
	To    int
	Prev  string
	Next  string
}

// newPager returns the pager for a page of n items at offset out of total;
// the links keep the request's other query parameters.
func newPager(r *http.Request, offset, limit, n, total int) pager {
	p := pager{Total: total}
	if n > 0 {
		p.From, p.To = offset+1, offset+n
	}
	link := func(off int) string {
		q := r.URL.Query()
		if off > 0 {
			q.Set("offset", strconv.Itoa(off))
		} else {
			q.Del("offset")
		}
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	if offset > 0 {
		p.Prev = link(max(offset-limit, 0))
	}
	if offset+n < total && n > 0 {
		p.Next = link(offset + n)
	}
	return p
}

// queryOffset reads the offset parameter; anything but a non-negative
// number is the first page.
func queryOffset(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("offset"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// searchText trims a search box's text and bounds its length.
func searchText(q string) string {
	q = strings.TrimSpace(q)
	for utf8.RuneCountInString(q) > 50 {
		_, size := utf8.DecodeLastRuneInString(q)
		q = q[:len(q)-size]
	}
	return q
}

// naturalCompare orders names as people count: "高一2班教室" before
// "高一10班教室", comparing runs of digits by their value.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmpInt(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmpInt(int(ra), int(rb))
		}
		a, b = a[sa:], b[sb:]
	}
	return cmpInt(len(a), len(b))
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// fileURL returns the address of p's file when a may read it, else "". A
// person's file is scoped by their class, or without one by their school.
func (s *Server) fileURL(ctx context.Context, a *campusguard.Actor, on *orgNames, p *campusguard.Person) (string, error) {
	id := p.SchoolID
	if p.ClassID != nil {
		id = *p.ClassID
	}
	o, err := on.org(ctx, id)
	if err != nil {
		return "", err
	}
	path := ""
	if o != nil {
		path = o.Path
	}
	if a.CanPerson(campusguard.ReadPersonFile, p.ID, path) {
		return personURL(p.ID), nil
	}
	return "", nil
}
