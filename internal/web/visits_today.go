package web

import (
	"net/http"
	"strings"

	"campusguard"
)

// ---- Issue 12: the inspector's visits of the day, on a phone ----
//
// An inspector opens it at the school gate: the visits planned for the day
// (today unless ?day= says another) in every region they inspect, each
// leading to the visit's form, and the open visits of the week after.
// Its API is GET /api/v1/visits?region_id=&day= (and &from=&to=&open=true).

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/visits", false}, h: (*Server).handleVisitsToday},
	)
}

// visitsAhead is how many days after the day the page looks ahead.
const visitsAhead = 7

type visitsTodayPage struct {
	basePage
	Day, Today       string
	IsToday          bool
	Visits, Upcoming []visitCard
}

// visitCard is one visit on the page.
type visitCard struct {
	URL, School, Day, Title, Team, Kind, State string
	Announced, Closed                          bool
	Findings                                   int
}

// handleVisitsToday handles "GET /visits?day=": the day's visits of the
// regions the caller inspects, and the open ones of the next days. Only
// those who may inspect somewhere have it (404 to everyone else).
func (s *Server) handleVisitsToday(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := campusguard.ActorFrom(ctx)
	if s.Inspections == nil || a == nil || !a.CanAnywhere(campusguard.Inspect) {
		return errNotFound
	}
	today := s.today()
	day := today
	if v := strings.TrimSpace(r.URL.Query().Get("day")); v != "" {
		d, err := campusguard.ParseDate(v)
		if err != nil {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "day", Msg: "error.type_date"}})
		}
		day = d
	}
	p := &visitsTodayPage{basePage: s.base(r, "page.visits_today.title"), Day: day.String(), Today: today.String(),
		IsToday: day == today}
	vs, err := s.Inspections.FindVisits(ctx, campusguard.VisitFilter{Day: &day})
	if err != nil {
		return err
	}
	open, from, to := true, day.AddDays(1), day.AddDays(visitsAhead)
	next, err := s.Inspections.FindVisits(ctx, campusguard.VisitFilter{From: &from, To: &to, Open: &open})
	if err != nil {
		return err
	}
	for _, v := range vs {
		p.Visits = append(p.Visits, s.visitCardOf(p.basePage, v))
	}
	for _, v := range next {
		p.Upcoming = append(p.Upcoming, s.visitCardOf(p.basePage, v))
	}
	return s.render(w, r, http.StatusOK, "visits_today", p)
}

func (s *Server) visitCardOf(p basePage, v *campusguard.Visit) visitCard {
	l := s.visitLineOf(p, v)
	c := visitCard{URL: l.URL, School: l.School, Day: l.Day, Title: v.Title, Team: v.Team, State: l.State,
		Announced: v.Announced, Closed: v.Closed(), Findings: v.Findings, Kind: p.T("inspection.announced")}
	if !v.Announced {
		c.Kind = p.T("inspection.unannounced")
	}
	return c
}
