package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/i18n"
)

// ---- Training (issue 14): a session recorded and its attendance ticked on
// a phone; the school's coverage; the region's coverage per school ----

func trainingURL(id int64) string { return orgURL(id) + "/training" }

func trainingSessionURL(id int64) string { return "/training-sessions/" + strconv.FormatInt(id, 10) }

// trainingDynamicKeys returns the keys the training pages build from
// domain values.
func trainingDynamicKeys() []string {
	var keys []string
	for _, t := range campusguard.DefaultTrainingTopics() {
		keys = append(keys, "training.topic."+t.Code)
	}
	for _, k := range campusguard.TrainingKinds {
		keys = append(keys, "training.kind."+string(k))
	}
	return append(keys, "training.topic.other", "training.term.autumn", "training.term.spring")
}

// topicName names a topic in l: a default topic by its translation, a
// region's own by the name it was given.
func topicName(l i18n.Lang, t campusguard.TrainingTopic) string {
	if key := "training.topic." + t.Code; i18n.Has(i18n.Hans, key) {
		return tr(l, key)
	}
	return t.Name
}

// sessionTopic names a session's topic: its required topic's name, or its
// title for "other"; a title given beside a required topic follows it.
func sessionTopic(l i18n.Lang, topics []campusguard.TrainingTopic, x *campusguard.TrainingSession) string {
	name := x.Topic
	if x.Topic == campusguard.TopicOther {
		return x.Title
	}
	for _, t := range topics {
		if t.Code == x.Topic {
			name = topicName(l, t)
		}
	}
	if x.Title != "" {
		name += " · " + x.Title
	}
	return name
}

// termName names a term in l: "2026–2027学年第一学期".
func termName(l i18n.Lang, t campusguard.Term) string {
	key := "training.term.spring"
	if t.Autumn {
		key = "training.term.autumn"
	}
	return tr(l, key, t.SchoolYear(), t.SchoolYear()+1)
}

// pageTerm reads ?term=, the current term when left out; a bad one is a
// 400.
func (s *Server) pageTerm(r *http.Request) (campusguard.Term, error) {
	v := r.URL.Query().Get("term")
	if v == "" {
		return campusguard.TermOf(s.today()), nil
	}
	t, ok := campusguard.ParseTerm(v)
	if !ok {
		return t, errBadForm
	}
	return t, nil
}

// termNav is the links to the terms around the one shown.
type termNav struct {
	Name, Prev, Next string // Next is "" for a term after the current one
}

func (s *Server) termNav(l i18n.Lang, base string, t campusguard.Term) termNav {
	n := termNav{Name: termName(l, t), Prev: base + "?term=" + t.Prev().String()}
	if t.Next().Start().Before(s.today().AddDays(1)) {
		n.Next = base + "?term=" + t.Next().String()
	}
	return n
}

// topicRow is one required topic's line at a school.
type topicRow struct {
	Code      string
	Name      string
	Trained   int
	Staff     int
	Percent   string
	Untrained []string
}

// sessionRow is a session on a list.
type sessionRow struct {
	URL      string
	Day      string
	Kind     string
	Topic    string
	Class    string
	Trainer  string
	Attended int
}

// trainingPage is a school's training: coverage per required topic this
// term, the staff never trained, and the sessions; buttons to record one.
type trainingPage struct {
	basePage
	Org          *campusguard.Org
	Term         termNav
	Staff        int
	FullyTrained int
	FullPercent  string
	Topics       []topicRow
	NeverTrained []string
	Sessions     []sessionRow
	NewURLs      []option // one per kind the actor may record
	Notice       string
}

// handleTraining handles "GET /orgs/{id}/training?term=": a school's page,
// or for a region the coverage of its schools.
func (s *Server) handleTraining(w http.ResponseWriter, r *http.Request) error {
	if s.Training == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	term, err := s.pageTerm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return err
	}
	if o.Kind == campusguard.KindRegion {
		return s.regionTraining(w, r, o, term, formState{}, nil)
	}
	if o.Kind != campusguard.KindSchool {
		return errNotFound
	}
	c, err := s.Training.SchoolTrainingCoverage(ctx, id, term)
	if err != nil {
		return err
	}
	sessions, err := s.Training.FindTrainingSessions(ctx, id, term)
	if err != nil {
		return err
	}
	topics, err := s.Training.TrainingTopics(ctx, o.RegionID, term)
	if err != nil {
		return err
	}
	p := &trainingPage{basePage: s.base(r, "page.training.title"), Org: o, Staff: c.Staff, FullyTrained: c.FullyTrained,
		FullPercent: campusguard.Percent(c.FullyTrained, c.Staff)}
	p.Term = s.termNav(p.Lang, trainingURL(id), term)
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	for _, tc := range c.Topics {
		row := topicRow{Code: tc.Topic.Code, Name: topicName(p.Lang, tc.Topic), Trained: tc.Trained, Staff: tc.Staff,
			Percent: campusguard.Percent(tc.Trained, tc.Staff)}
		for _, u := range tc.Untrained {
			row.Untrained = append(row.Untrained, u.Name)
		}
		p.Topics = append(p.Topics, row)
	}
	for _, n := range c.NeverTrained {
		p.NeverTrained = append(p.NeverTrained, n.Name+" ("+n.Number+")")
	}
	for _, x := range sessions {
		p.Sessions = append(p.Sessions, s.sessionRow(p.Lang, topics, x))
	}
	a := campusguard.ActorFrom(ctx)
	for _, k := range campusguard.TrainingKinds {
		if a.Can(campusguard.RecordTraining, o.Path) {
			p.NewURLs = append(p.NewURLs, option{Value: trainingURL(id) + "/new?kind=" + string(k), Label: tr(p.Lang, "training.kind."+string(k))})
		}
	}
	if r.URL.Query().Get("done") == "recorded" {
		p.Notice = p.T("training.done_recorded")
	}
	return s.render(w, r, http.StatusOK, "training", p)
}

func (s *Server) sessionRow(l i18n.Lang, topics []campusguard.TrainingTopic, x *campusguard.TrainingSession) sessionRow {
	return sessionRow{URL: trainingSessionURL(x.ID), Day: x.Day.String(), Kind: tr(l, "training.kind."+string(x.Kind)),
		Topic: sessionTopic(l, topics, x), Class: x.ClassName, Trainer: x.Trainer, Attended: x.Attended}
}

// regionTrainingRow is a school's line on the region's page.
type regionTrainingRow struct {
	URL          string
	Name         string
	Staff        int
	Cells        []string // per topic: "3/5 · 60%"
	Low          []bool   // per topic: under the whole staff
	NeverTrained int
	Sessions     int
}

// regionTrainingPage is the region's coverage: per school, per topic;
// and for the bureau the term's required topics, to set.
type regionTrainingPage struct {
	basePage
	Org       *campusguard.Org
	Term      termNav
	TermID    string
	Topics    []string
	Rows      []regionTrainingRow
	Totals    []string
	Staff     int
	TopicsURL string      // "" unless the actor sets the topics
	TopicRows []topicEdit // the list as the form shows it, and empty rows to add
	Form      formState
	Notice    string
}

// topicEdit is a row of the topics form.
type topicEdit struct{ Code, Name string }

// topicFormRows are the empty rows the topics form offers for new topics.
const topicFormRows = 3

func (s *Server) regionTraining(w http.ResponseWriter, r *http.Request, o *campusguard.Org, term campusguard.Term, f formState,
	typed []campusguard.TrainingTopic) error {
	ctx := r.Context()
	rc, err := s.Training.RegionTrainingCoverage(ctx, o.ID, term)
	if err != nil {
		return err
	}
	p := &regionTrainingPage{basePage: s.base(r, "page.training_region.title"), Org: o, TermID: term.String(), Staff: rc.Staff, Form: f}
	p.Term = s.termNav(p.Lang, trainingURL(o.ID), term)
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	for _, t := range rc.Topics {
		p.Topics = append(p.Topics, topicName(p.Lang, t))
	}
	for i := range rc.Topics {
		p.Totals = append(p.Totals, campusguard.Percent(rc.Trained[i], rc.Staff))
	}
	for _, l := range rc.Schools {
		row := regionTrainingRow{URL: trainingURL(l.SchoolID), Name: l.Name, Staff: l.Staff, NeverTrained: l.NeverTrained, Sessions: l.Sessions}
		for _, n := range l.Trained {
			row.Cells = append(row.Cells, strconv.Itoa(n)+"/"+strconv.Itoa(l.Staff)+" · "+campusguard.Percent(n, l.Staff))
			row.Low = append(row.Low, n < l.Staff)
		}
		p.Rows = append(p.Rows, row)
	}
	if a := campusguard.ActorFrom(ctx); o.ParentID == nil && a.Can(campusguard.SetTrainingTopics, o.Path) {
		p.TopicsURL = trainingURL(o.ID) + "/topics"
		rows := rc.Topics
		if typed != nil {
			rows = typed
		}
		for _, t := range rows {
			p.TopicRows = append(p.TopicRows, topicEdit{Code: t.Code, Name: t.Name})
		}
		for range topicFormRows {
			p.TopicRows = append(p.TopicRows, topicEdit{})
		}
	}
	status := http.StatusOK
	if f.Message != "" {
		status = http.StatusUnprocessableEntity
	}
	if r.URL.Query().Get("done") == "topics" {
		p.Notice = p.T("training.done_topics")
	}
	return s.render(w, r, status, "training_region", p)
}

// handleTrainingTopics handles "POST /orgs/{id}/training/topics": the
// bureau sets a term's required topics, a name a row; a row keeps its
// topic's code, a new row gets the next free "tN", an emptied row drops
// its topic.
func (s *Server) handleTrainingTopics(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Training != nil)
	if err != nil {
		return err
	}
	term, ok := campusguard.ParseTerm(r.PostForm.Get("term"))
	if !ok {
		return errBadForm
	}
	codes, names := r.PostForm["code"], r.PostForm["name"]
	if len(codes) != len(names) {
		return errBadForm
	}
	used := map[string]bool{}
	for _, c := range codes {
		used[c] = true
	}
	var topics []campusguard.TrainingTopic
	next := 1
	for i, name := range names {
		if strings.TrimSpace(name) == "" {
			continue
		}
		code := codes[i]
		if code == "" {
			for used["t"+strconv.Itoa(next)] {
				next++
			}
			code = "t" + strconv.Itoa(next)
			used[code] = true
		}
		topics = append(topics, campusguard.TrainingTopic{Code: code, Name: name})
	}
	err = s.Training.SetTrainingTopics(r.Context(), id, term, topics)
	if err == nil {
		return seeOther(w, r, trainingURL(id)+"?"+url.Values{"term": {term.String()}, "done": {"topics"}}.Encode())
	}
	o, oerr := s.Orgs.FindOrgByID(r.Context(), id)
	if oerr != nil {
		return oerr
	}
	var f formState
	if _, ok := formFailedAs(s.lang(r), err, &f, map[string]string{"topics": "training_topics"}); !ok {
		return err
	}
	return s.regionTraining(w, r, o, term, f, topics)
}

// personBox is one checkbox of the attendance list.
type personBox struct {
	ID      int64
	Name    string
	Detail  string // a staff member's post, a student's number
	Checked bool
}

// trainingForm is what the form was given, to show again.
type trainingForm struct {
	State   formState
	Topic   string
	Title   string
	Day     string
	Trainer string
	Notes   string
}

// trainingNewPage is the phone form: a kind, a class for a class's
// session, the topic, day and trainer, and the people to tick.
type trainingNewPage struct {
	basePage
	SchoolName string
	Kind       string
	KindName   string
	Kinds      []option // links to the form of each kind the actor records
	Classes    []option
	ClassID    int64
	ClassURL   string // the form that picks a class (GET)
	Topics     []option
	People     []personBox
	Form       trainingForm
	Action     string
	Back       string
	CanUpload  bool // an evidence file may go with the session
	MaxMB      int
}

// handleTrainingNew handles "GET /orgs/{id}/training/new?kind=&class_id=".
func (s *Server) handleTrainingNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.trainingNewPageFor(r, trainingForm{Day: s.today().String()}, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "training_new", p)
}

// trainingNewPageFor builds the form with what it was given and the
// people ticked.
func (s *Server) trainingNewPageFor(r *http.Request, f trainingForm, checked map[int64]bool) (*trainingNewPage, error) {
	if s.Training == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	kind := campusguard.TrainingKind(q.Get("kind"))
	if kind == "" {
		kind = campusguard.StaffTraining
	}
	var classID *int64
	if n, err := strconv.ParseInt(q.Get("class_id"), 10, 64); err == nil && n > 0 {
		classID = &n
	}
	ctx := r.Context()
	roster, err := s.Training.TrainingRoster(ctx, id, kind, classID)
	if campusguard.ErrorCode(err) == campusguard.Invalid && classID != nil {
		// A class that is not the actor's: show the first that is.
		roster, err = s.Training.TrainingRoster(ctx, id, kind, nil)
	}
	if err != nil {
		return nil, err
	}
	p := &trainingNewPage{basePage: s.base(r, "page.training_new.title"), SchoolName: roster.SchoolName, Kind: string(kind),
		KindName: tr(s.lang(r), "training.kind."+string(kind)), Form: f, Action: trainingURL(id), Back: trainingURL(id),
		ClassURL: trainingURL(id) + "/new"}
	p.Crumbs = []crumb{{Name: roster.SchoolName}, {Name: p.Title}}
	for _, k := range roster.Kinds {
		p.Kinds = append(p.Kinds, option{Value: trainingURL(id) + "/new?kind=" + string(k), Label: tr(p.Lang, "training.kind."+string(k)),
			Selected: k == kind})
	}
	if roster.ClassID != nil {
		p.ClassID = *roster.ClassID
	}
	for _, c := range roster.Classes {
		p.Classes = append(p.Classes, option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name, Selected: c.ID == p.ClassID})
	}
	for _, t := range roster.Topics {
		p.Topics = append(p.Topics, option{Value: t.Code, Label: topicName(p.Lang, t), Selected: f.Topic == t.Code})
	}
	p.Topics = append(p.Topics, option{Value: campusguard.TopicOther, Label: tr(p.Lang, "training.topic.other"),
		Selected: f.Topic == campusguard.TopicOther || (f.Topic == "" && kind.ForStudents())})
	for _, person := range roster.People {
		box := personBox{ID: person.ID, Name: person.Name, Detail: person.Number, Checked: checked[person.ID]}
		if person.Role != "" {
			box.Detail = tr(p.Lang, roleKey(person.Role))
		}
		p.People = append(p.People, box)
	}
	if !canReadSchool(ctx, s, id) {
		p.Back = ""
	}
	// Evidence files go to the school's store, which its recorders (not a
	// class teacher) may write.
	p.CanUpload = s.Files != nil && slices.Contains(roster.Kinds, campusguard.StaffTraining)
	p.MaxMB = campusguard.MaxFileSize >> 20
	return p, nil
}

// canReadSchool reports whether the actor reads the school's training
// page (a class teacher does not: the form then links back nowhere).
func canReadSchool(ctx context.Context, s *Server, id int64) bool {
	o, err := s.Orgs.FindOrgByID(ctx, id)
	return err == nil && campusguard.ActorFrom(ctx).Can(campusguard.ReadTraining, o.Path)
}

// trainingFields names the store's fields as the form labels them.
var trainingFields = map[string]string{"topic": "training_topic", "title": "training_title", "day": "training_day",
	"trainer": "training_trainer", "class_id": "training_class", "attendee_ids": "training_attendees", "notes": "training_notes",
	"kind": "training_kind", "file_id": "training_file", "file": "training_file"}

// handleTrainingCreate handles "POST /orgs/{id}/training": a session and
// the people ticked. A refused one shows the form again, ticks kept, and
// changes nothing.
func (s *Server) handleTrainingCreate(w http.ResponseWriter, r *http.Request) error {
	if s.Training == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The phone form is multipart (a photo may go with it); a plain form
	// post without one is read as well.
	var up *campusguard.Upload
	var uerr error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		up, uerr = readMultipart(w, r, id)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			return errBadForm
		}
		if !authn.CheckCSRF(r) {
			return errCSRF
		}
	}
	if uerr == errCSRF || uerr == errBadForm {
		return uerr
	}
	pf := r.PostForm
	f := trainingForm{Topic: pf.Get("topic"), Title: strings.TrimSpace(pf.Get("title")), Day: strings.TrimSpace(pf.Get("day")),
		Trainer: strings.TrimSpace(pf.Get("trainer")), Notes: strings.TrimSpace(pf.Get("notes"))}
	x := &campusguard.TrainingSession{SchoolID: id, Kind: campusguard.TrainingKind(pf.Get("kind")), Topic: f.Topic, Title: f.Title,
		Trainer: f.Trainer, Notes: f.Notes, AttendeeIDs: []int64{}}
	checked := map[int64]bool{}
	for _, v := range pf["person"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errBadForm
		}
		x.AttendeeIDs = append(x.AttendeeIDs, n)
		checked[n] = true
	}
	if n, err := strconv.ParseInt(pf.Get("class_id"), 10, 64); err == nil && n > 0 {
		x.ClassID = &n
	}
	var bad []campusguard.FieldError
	if f.Day != "" {
		if x.Day, err = campusguard.ParseDate(f.Day); err != nil {
			bad = append(bad, campusguard.FieldError{Field: "day", Msg: "error.type_date"})
		}
	}
	cerr := uerr
	if cerr == nil && len(bad) > 0 {
		cerr = campusguard.InvalidFields(bad)
	}
	if cerr == nil && up != nil && s.Files != nil {
		var fl *campusguard.File
		if fl, cerr = s.Files.PutFile(r.Context(), *up); cerr == nil {
			x.FileID = &fl.ID
		}
	}
	if cerr == nil {
		cerr = s.Training.CreateTrainingSession(r.Context(), x)
	}
	if cerr == nil {
		return seeOther(w, r, trainingSessionURL(x.ID)+"?done=recorded")
	}
	// Only a refusal of the input shows the form again; any other error
	// goes to the error page before the form is built.
	if code := campusguard.ErrorCode(cerr); code != campusguard.Invalid && code != campusguard.Conflict {
		return cerr
	}
	p, err := s.trainingNewPageFor(r, f, checked)
	if err != nil {
		return err
	}
	return s.renderRefused(w, r, cerr, p.Lang, &p.Form.State, trainingFields, "training_new", p)
}

// trainingSessionPage is one session, its attendance ticked, to correct.
type trainingSessionPage struct {
	basePage
	Session  *campusguard.TrainingSession
	Kind     string
	Topic    string
	People   []personBox
	CanEdit  bool
	Action   string
	FileURL  string
	Back     string
	Form     formState
	Notice   string
	Attended int
}

// handleTrainingSession handles "GET /training-sessions/{id}".
func (s *Server) handleTrainingSession(w http.ResponseWriter, r *http.Request) error {
	p, err := s.trainingSessionPageFor(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "training_session", p)
}

// trainingSessionPageFor builds the session's page, with the people in
// checked ticked instead of those who attended when checked is not nil.
func (s *Server) trainingSessionPageFor(r *http.Request, checked map[int64]bool) (*trainingSessionPage, error) {
	if s.Training == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	x, err := s.Training.FindTrainingSession(ctx, id)
	if err != nil {
		return nil, err
	}
	topics, err := s.Training.TrainingTopics(ctx, x.RegionID, campusguard.TermOf(x.Day))
	if err != nil {
		return nil, err
	}
	p := &trainingSessionPage{basePage: s.base(r, "page.training_session.title"), Session: x, Attended: len(x.Attendees),
		Kind: tr(s.lang(r), "training.kind."+string(x.Kind)), Action: trainingSessionURL(id) + "/attendance"}
	p.Topic = sessionTopic(p.Lang, topics, x)
	p.Crumbs = []crumb{{Name: x.SchoolName}, {Name: p.Title}}
	if x.FileID != nil {
		p.FileURL = "/files/" + strconv.FormatInt(*x.FileID, 10)
	}
	if canReadSchool(ctx, s, x.SchoolID) {
		p.Back = trainingURL(x.SchoolID) + "?term=" + campusguard.TermOf(x.Day).String()
		p.Crumbs[0].URL = trainingURL(x.SchoolID)
	}
	attended := map[int64]bool{}
	for _, a := range x.Attendees {
		attended[a.ID] = true
	}
	if checked != nil {
		attended = checked
	}
	// The roster of the session's list, ticked: those who may record it
	// correct it; others see who attended.
	roster, err := s.Training.TrainingRoster(ctx, x.SchoolID, x.Kind, x.ClassID)
	if err == nil {
		p.CanEdit = true
		for _, person := range roster.People {
			box := personBox{ID: person.ID, Name: person.Name, Detail: person.Number, Checked: attended[person.ID]}
			if person.Role != "" {
				box.Detail = tr(p.Lang, roleKey(person.Role))
			}
			p.People = append(p.People, box)
		}
	} else if code := campusguard.ErrorCode(err); code != campusguard.Forbidden && code != campusguard.NotFound && code != campusguard.Invalid {
		return nil, err
	}
	if !p.CanEdit {
		for _, a := range x.Attendees {
			p.People = append(p.People, personBox{ID: a.ID, Name: a.Name, Detail: a.Number, Checked: true})
		}
	}
	switch r.URL.Query().Get("done") {
	case "recorded":
		p.Notice = p.T("training.done_recorded")
	case "attendance":
		p.Notice = p.T("training.done_attendance")
	}
	return p, nil
}

// handleTrainingAttendance handles "POST /training-sessions/{id}/attendance":
// the attendance ticked again.
func (s *Server) handleTrainingAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Training != nil)
	if err != nil {
		return err
	}
	ids := []int64{}
	checked := map[int64]bool{}
	for _, v := range r.PostForm["person"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errBadForm
		}
		ids = append(ids, n)
		checked[n] = true
	}
	err = s.Training.SetTrainingAttendance(r.Context(), id, ids)
	if err == nil {
		return seeOther(w, r, trainingSessionURL(id)+"?done=attendance")
	}
	// As for a new session: only a refusal of the input shows the page again.
	if code := campusguard.ErrorCode(err); code != campusguard.Invalid && code != campusguard.Conflict {
		return err
	}
	p, perr := s.trainingSessionPageFor(r, checked)
	if perr != nil {
		return perr
	}
	return s.renderRefused(w, r, err, p.Lang, &p.Form, trainingFields, "training_session", p)
}
