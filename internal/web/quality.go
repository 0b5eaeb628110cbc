package web

import (
	"context"
	"net/http"
	"strconv"

	"campusguard"
)

// Data quality (issue 17): a school's findings, to explain; a region's
// schools by their score, with their open findings.

// qualityPage is the data-quality page of a school or a region.
type qualityPage struct {
	basePage
	formState
	Org         *campusguard.Org
	IsRegion    bool
	Score       int // the mean score of the schools below
	Schools     []qualitySchoolRow
	Findings    []findingRow
	Total       int
	Notice      string
	RunURL      string // the region admins' "run now"
	SettingsURL string // the thresholds of a top-level region
}

// qualitySchoolRow is one school of a region's quality page.
type qualitySchoolRow struct {
	URL, Name   string
	Open, Score int
}

// findingRow is one finding as a page shows it.
type findingRow struct {
	ID         int64
	Anchor     string
	Rule       string
	Where      string // the school, and the class
	Days       string
	Evidence   string
	Open       bool
	Note, By   string
	At         string
	ExplainURL string // "" for those who may not explain
}

func (s *Server) qualityOrg(r *http.Request) (*campusguard.Org, []*campusguard.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	if s.Quality == nil {
		return nil, nil, errNotFound
	}
	return s.orgLine(r.Context(), id, campusguard.KindRegion, campusguard.KindSchool)
}

// handleQuality handles "GET /orgs/{id}/quality": a school's findings or a
// region's schools and open findings.
func (s *Server) handleQuality(w http.ResponseWriter, r *http.Request) error {
	o, anc, err := s.qualityOrg(r)
	if err != nil {
		return err
	}
	pg, err := s.qualityPage(r, o, anc)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "explained":
		pg.Notice = pg.T("quality.explained")
	case "run":
		pg.Notice = pg.T("quality.ran")
	}
	return s.render(w, r, http.StatusOK, "quality", pg)
}

func (s *Server) qualityPage(r *http.Request, o *campusguard.Org, anc []*campusguard.Org) (*qualityPage, error) {
	ctx := r.Context()
	pg := &qualityPage{basePage: s.base(r, "page.quality.title"), Org: o, IsRegion: o.Kind == campusguard.KindRegion}
	pg.underOrg("page.quality.title", o, anc)
	pg.setBack(orgURL(o.ID) + "/quality")
	a := pg.actor
	sums, err := s.Quality.QualitySummaries(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	total := 0
	for _, q := range sums {
		total += q.Score
		pg.Schools = append(pg.Schools, qualitySchoolRow{URL: orgURL(q.SchoolID) + "/quality", Name: q.Name, Open: q.Open, Score: q.Score})
	}
	pg.Score = 100
	if len(sums) > 0 {
		pg.Score = total / len(sums)
	}
	if pg.IsRegion && o.ParentID == nil && a.Can(campusguard.WriteOrg, o.Path) {
		pg.RunURL = orgURL(o.ID) + "/quality/run"
	}
	if pg.IsRegion && o.ParentID == nil {
		pg.SettingsURL = orgURL(o.ID) + "/quality/settings"
	}
	f := campusguard.FindingFilter{OrgID: o.ID, Limit: 200}
	if pg.IsRegion {
		open := campusguard.FindingOpen
		f.Status = &open
	}
	list, n, err := s.Quality.FindFindings(ctx, f)
	if err != nil {
		return nil, err
	}
	pg.Total = n
	for _, x := range list {
		pg.Findings = append(pg.Findings, s.findingRow(&pg.basePage, x))
	}
	return pg, nil
}

// findingRow lays out a finding for the reader.
func (s *Server) findingRow(b *basePage, f *campusguard.Finding) findingRow {
	args := make([]any, len(f.Evidence))
	for i, e := range f.Evidence {
		args[i] = e
	}
	where := f.SchoolName
	if f.ClassName != "" {
		where += " · " + f.ClassName
	}
	days := f.From.String()
	if f.To != f.From {
		days += " – " + f.To.String()
	}
	row := findingRow{ID: f.ID, Anchor: "finding-" + strconv.FormatInt(f.ID, 10), Rule: b.T("quality.rule." + string(f.Rule)),
		Where: where, Days: days, Evidence: b.T("quality.evidence."+string(f.Rule), args...),
		Open: f.Status == campusguard.FindingOpen, Note: f.Note, By: f.By, At: b.Time(f.At)}
	// The school's page has the form; a region admin explains there too.
	if b.actor.CanExplainFinding(f.Path) {
		row.ExplainURL = "/quality-findings/" + strconv.FormatInt(f.ID, 10) + "/explain"
	}
	return row
}

// handleFindingView handles "GET /quality-findings/{id}": the inbox's
// link, to the finding on its school's page.
func (s *Server) handleFindingView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Quality == nil {
		return errNotFound
	}
	f, err := s.Quality.FindFindingByID(r.Context(), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, orgURL(f.SchoolID)+"/quality#finding-"+strconv.FormatInt(f.ID, 10), http.StatusSeeOther)
	return nil
}

// handleFindingExplain handles "POST /quality-findings/{id}/explain": the
// school's note; without one the page shows why and nothing changes.
func (s *Server) handleFindingExplain(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Quality == nil {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx := r.Context()
	f, err := s.Quality.FindFindingByID(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.Quality.ExplainFinding(ctx, id, r.PostForm.Get("note")); err != nil {
		if campusguard.ErrorCode(err) != campusguard.Invalid {
			return err
		}
		o, anc, lerr := s.orgLine(ctx, f.SchoolID)
		if lerr != nil {
			return lerr
		}
		pg, perr := s.qualityPage(r, o, anc)
		if perr != nil {
			return perr
		}
		status, ok := formFailed(pg.Lang, err, &pg.formState)
		if !ok {
			return err
		}
		return s.render(w, r, status, "quality", pg)
	}
	return seeOther(w, r, orgURL(f.SchoolID)+"/quality?done=explained#finding-"+strconv.FormatInt(id, 10))
}

// handleQualityRun handles "POST /orgs/{id}/quality/run": a region admin
// runs the checks of today now.
func (s *Server) handleQualityRun(w http.ResponseWriter, r *http.Request) error {
	o, _, err := s.qualityOrg(r)
	if err != nil {
		return err
	}
	if _, err := s.Quality.RunQuality(r.Context(), o.ID, s.today()); err != nil {
		return err
	}
	return seeOther(w, r, orgURL(o.ID)+"/quality?done=run")
}

// qualityDynamicKeys are the message keys made from a rule's name.
func qualityDynamicKeys() []string {
	var keys []string
	for _, r := range campusguard.QualityRules {
		keys = append(keys, "quality.rule."+string(r), "quality.evidence."+string(r))
	}
	return keys
}

// qualityLink is the data-quality score a dashboard shows, with its page.
type qualityLink struct {
	URL   string
	Score int
}

// qualityLink returns the score of a school or region (the mean of its
// schools'), nil for a class or without the service.
func (s *Server) qualityLink(ctx context.Context, o *campusguard.Org) (*qualityLink, error) {
	if s.Quality == nil || (o.Kind != campusguard.KindRegion && o.Kind != campusguard.KindSchool) {
		return nil, nil
	}
	sums, err := s.Quality.QualitySummaries(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	score := 100
	if len(sums) > 0 {
		total := 0
		for _, q := range sums {
			total += q.Score
		}
		score = total / len(sums)
	}
	return &qualityLink{URL: orgURL(o.ID) + "/quality", Score: score}, nil
}
