package api

import (
	"context"
	"net/http"

	"campusguard"
)

// childFigures is one child's line of "GET /api/v1/orgs/{id}/rollups/children":
// its day figures with its name and kind, and the share of its expected
// students who reported.
type childFigures struct {
	OrgID         int64               `json:"org_id"`
	Name          string              `json:"name"`
	Kind          campusguard.OrgKind `json:"kind"`
	Expected      int                 `json:"expected"`
	Reported      int                 `json:"reported"`
	Missing       int                 `json:"missing"`
	Abnormal      int                 `json:"abnormal"`
	Fever         int                 `json:"fever"`
	Absent        int                 `json:"absent"`
	IllAbsent     int                 `json:"ill_absent"`
	OpenFollowUps int                 `json:"open_followups"`
	// Completeness is Reported / Expected, at most 1; null when nobody is
	// expected, so that an empty class never reads as complete or late.
	Completeness *float64 `json:"completeness"`
}

// childFiguresList is the body of "GET /api/v1/orgs/{id}/rollups/children".
type childFiguresList struct {
	Day      campusguard.Date `json:"day"`
	Children []childFigures   `json:"children"`
}

// handleChildRollupIndex handles "GET /api/v1/orgs/{id}/rollups/children":
// the day figures (today in China when day is left out) of each child of a
// region (sub-regions and schools) or of a school (its classes), with how
// complete each child's reports are.
func (s *Server) handleChildRollupIndex(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rs, err := s.Health.ChildRollups(ctx, id, day)
	if err != nil {
		return err
	}
	names, err := s.childOrgs(ctx, id, len(rs))
	if err != nil {
		return err
	}
	out := childFiguresList{Day: day, Children: make([]childFigures, 0, len(rs))}
	for _, ru := range rs {
		c := childFigures{OrgID: ru.OrgID, Expected: ru.Expected, Reported: ru.Reported, Missing: ru.Missing,
			Abnormal: ru.Abnormal, Fever: ru.Fever, Absent: ru.Absent, IllAbsent: ru.IllAbsent,
			OpenFollowUps: ru.OpenFollowUps, Completeness: completeness(ru)}
		if o := names[ru.OrgID]; o != nil {
			c.Name, c.Kind = o.Name, o.Kind
		}
		out.Children = append(out.Children, c)
	}
	return ok(w, out)
}

// completeness returns Reported / Expected, capped at 1 (a report from a
// student who joined after the day opened), or nil when nobody is expected.
func completeness(r campusguard.Rollup) *float64 {
	if r.Expected <= 0 {
		return nil
	}
	c := min(float64(r.Reported)/float64(r.Expected), 1)
	return &c
}

// childOrgs returns the nodes ChildRollups reports on for the node id, by
// id: its children, or for a school its classes. n is how many there are;
// none are read when it is 0.
func (s *Server) childOrgs(ctx context.Context, id int64, n int) (map[int64]*campusguard.Org, error) {
	out := make(map[int64]*campusguard.Org, n)
	if n == 0 {
		return out, nil
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	f := campusguard.OrgFilter{ParentID: &id}
	if o.Kind == campusguard.KindSchool {
		class := campusguard.KindClass
		f = campusguard.OrgFilter{Under: &id, Kind: &class}
	}
	// FindOrgs returns at most 1000 nodes a call; a county may hold more.
	const page = 1000
	for f.Limit = page; ; f.Offset += page {
		orgs, total, err := s.Orgs.FindOrgs(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, c := range orgs {
			out[c.ID] = c
		}
		if len(orgs) == 0 || f.Offset+len(orgs) >= total {
			return out, nil
		}
	}
}
