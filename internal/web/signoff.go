package web

import (
	"context"
	"net/http"
	"slices"

	"campusguard"
)

// signOffView is a school's sign-off of today's report.
type signOffView struct {
	By   string
	At   string // HH:MM in the schools' zone
	Note string
}

// signOffCard is a region's sign-offs of today: how many of its schools
// signed, and the ones that have not.
type signOffCard struct {
	Day      string
	Signed   int
	Total    int
	Unsigned []personLink  // the schools not yet signed, by name and page
	Late     []lateSignOff // the schools that signed after their deadline
}

// lateSignOff is a school that signed its day off after its deadline.
type lateSignOff struct {
	URL, Name    string
	At, Deadline string // HH:MM
}

// canSignOff reports whether a may sign off the day of the school at path:
// its school admin or health officer (or a system admin over it).
func canSignOff(a *campusguard.Actor, path string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	return slices.ContainsFunc(a.Grants, func(g campusguard.Grant) bool {
		return g.Covers(path) && (g.Role == campusguard.SchoolAdmin || g.Role == campusguard.HealthOffice || g.Role == campusguard.SystemAdmin)
	})
}

// schoolSignOff fills the figures card of school o with today's sign-off
// and, for those who may, the form to sign off.
func (s *Server) schoolSignOff(ctx context.Context, b *basePage, card *figuresCard, o *campusguard.Org) error {
	if s.Health == nil || card == nil || o.Kind != campusguard.KindSchool {
		return nil
	}
	list, err := s.Health.SignOffs(ctx, o.ID, s.dayOf(ctx))
	if err != nil {
		return err
	}
	for _, so := range list {
		if so.SchoolID == o.ID && so.Signed {
			card.SignOff = &signOffView{By: so.SignedBy, At: so.SignedAt.In(b.loc).Format("15:04"), Note: so.Note}
		}
	}
	card.IsSchool = true
	if canSignOff(b.actor, o.Path) && s.dayOf(ctx) == s.today() { // no sign-off of a day off

		card.SignOffURL = orgURL(o.ID) + "/signoff"
	}
	return nil
}

// regionSignOffs reads which schools under region o signed off today.
func (s *Server) regionSignOffs(ctx context.Context, o *campusguard.Org) (*signOffCard, error) {
	if s.Health == nil {
		return nil, nil
	}
	day := s.dayOf(ctx)
	list, err := s.Health.SignOffs(ctx, o.ID, day)
	if err != nil {
		return nil, err
	}
	c := &signOffCard{Day: day.String(), Total: len(list)}
	for _, so := range list {
		if so.Signed {
			c.Signed++
			if so.Late {
				c.Late = append(c.Late, lateSignOff{URL: orgURL(so.SchoolID), Name: so.SchoolName,
					At: so.SignedAt.In(s.Location).Format("15:04"), Deadline: so.Deadline.String()})
			}
		} else {
			c.Unsigned = append(c.Unsigned, personLink{URL: orgURL(so.SchoolID), Name: so.SchoolName})
		}
	}
	return c, nil
}

// handleSignOff handles "POST /orgs/{id}/signoff": a school signs off its
// report of today, with an optional note such as 零报告.
func (s *Server) handleSignOff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Health == nil {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if _, err := s.Health.SignOffDay(r.Context(), id, s.today(), r.PostForm.Get("note")); err != nil {
		return err
	}
	return seeOther(w, r, orgURL(id))
}
