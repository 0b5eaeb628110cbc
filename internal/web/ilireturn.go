package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"campusguard"
)

// A student with influenza-like illness returns only 48 hours after the
// fever and symptoms have gone, or with a doctor's note: the gate and the
// class check flag a student not yet cleared, and the person's file shows
// the return with the school doctor's form for the note.

// iliFlag is a student not yet cleared after ILI.
type iliFlag struct {
	ReturnAt time.Time // 48 hours after the last fever or symptom
	Gone     bool      // a normal check since shows the symptoms gone
}

// ILIText says when a flagged student may return.
func (b *basePage) ILIText(f *iliFlag) string {
	if f == nil {
		return ""
	}
	if !f.Gone {
		return b.T("ili.not_gone", b.Time(f.ReturnAt))
	}
	return b.T("ili.return_at", b.Time(f.ReturnAt))
}

// iliHeld returns the students of a school or class not yet cleared after
// ILI, by person; none without the service.
func (s *Server) iliHeld(ctx context.Context, orgID int64) (map[int64]*iliFlag, error) {
	out := map[int64]*iliFlag{}
	if s.Readiness == nil {
		return out, nil
	}
	held, err := s.Readiness.ILIHeld(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for id, r := range held {
		out[id] = newILIFlag(r)
	}
	return out, nil
}

func newILIFlag(r campusguard.ILIReturn) *iliFlag {
	f := &iliFlag{Gone: r.NormalAt != nil}
	if r.ReturnAt != nil {
		f.ReturnAt = *r.ReturnAt
	}
	return f
}

// iliCard is a student's return after ILI on their file, shown when a
// check of the lookback showed ILI.
type iliCard struct {
	formState
	Flag     *iliFlag // not yet cleared
	LastILI  string
	By       string // "note" or "48h" once cleared
	NoteDay  string
	NoteBy   string
	FormURL  string // the doctor's note, for those who may record one
	Today    string
	NoteText string // what was typed, kept on a refusal
}

// iliCard reads a person's return; nil when they had no ILI or the
// server lacks the service.
func (s *Server) iliCard(ctx context.Context, a *campusguard.Actor, p *campusguard.Person, path string) (*iliCard, error) {
	if s.Readiness == nil || p.Kind != campusguard.Student {
		return nil, nil
	}
	r, err := s.Readiness.ILIReturn(ctx, p.ID)
	if err != nil || !r.ILI {
		return nil, err
	}
	c := &iliCard{By: r.By, Today: s.today().String()}
	if r.ILIAt != nil {
		c.LastILI = r.ILIAt.In(s.Location).Format("2006-01-02 15:04")
	}
	if !r.Cleared {
		c.Flag = newILIFlag(*r)
	}
	if r.Note != nil {
		c.NoteDay, c.NoteBy = r.Note.Day.String(), r.Note.RecordedBy
	}
	if a.Can(campusguard.ClearReturn, path) {
		c.FormURL = personURL(p.ID) + "/return-notes"
	}
	return c, nil
}

// handleReturnNoteCreate handles "POST /people/{id}/return-notes": the
// school doctor records a doctor's note, with its photo if taken; a
// refusal shows the file again with the form's errors.
func (s *Server) handleReturnNoteCreate(w http.ResponseWriter, r *http.Request) error {
	if s.Readiness == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	person, err := s.People.FindPersonByID(ctx, id)
	if err != nil {
		return err
	}
	up, err := readMultipart(w, r, person.SchoolID)
	if err == errCSRF || err == errBadForm {
		return err
	}
	n := &campusguard.ReturnNote{PersonID: id, Note: strings.TrimSpace(r.FormValue("note"))}
	if err == nil {
		n.Day, err = campusguard.ParseDate(strings.TrimSpace(r.FormValue("day")))
		if err != nil {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "day", Msg: "error.type_date"}})
		}
	}
	if err == nil && up != nil {
		if s.Files == nil {
			return errNotFound
		}
		var f *campusguard.File
		if f, err = s.Files.PutFile(ctx, *up); err == nil {
			n.FileID = &f.ID
		}
	}
	if err == nil {
		err = s.Readiness.RecordReturnNote(ctx, n)
	}
	if err == nil {
		return seeOther(w, r, personURL(id))
	}
	p, perr := s.personPage(r, id)
	if perr != nil {
		return perr
	}
	if p.ILI == nil {
		return err
	}
	status, ok := formFailed(p.Lang, err, &p.ILI.formState)
	if !ok {
		return err
	}
	p.ILI.NoteText, p.ILI.Today = n.Note, r.FormValue("day")
	return s.render(w, r, status, "person", p)
}
