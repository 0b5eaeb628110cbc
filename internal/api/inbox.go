package api

import (
	"net/http"

	"campusguard"
)

// inboxPage is the JSON of a page of the caller's notifications.
type inboxPage struct {
	Items  []*campusguard.Notification `json:"items"`
	Unread int                         `json:"unread"`
	Offset int                         `json:"offset"`
	Limit  int                         `json:"limit"`
}

// handleInboxIndex handles "GET /api/v1/inbox": the caller's
// notifications, newest first, with how many are unread. A caller that is
// not a user (an API token) has none.
func (s *Server) handleInboxIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	unreadOnly := q.bool("unread")
	p := q.pageUpTo(200)
	if err := q.err(); err != nil {
		return err
	}
	ns, unread, err := s.Inbox.Inbox(r.Context(), unreadOnly, p.Offset, p.Limit)
	if err != nil {
		return err
	}
	if ns == nil {
		ns = []*campusguard.Notification{}
	}
	for _, n := range ns {
		if n.Args == nil {
			n.Args = []string{}
		}
	}
	return ok(w, inboxPage{Items: ns, Unread: unread, Offset: p.Offset, Limit: p.Limit})
}

// unreadCount is the JSON answer of marking notifications read.
type unreadCount struct {
	Unread int `json:"unread"`
}

// handleInboxRead handles "POST /api/v1/inbox/{id}/read": marks one of the
// caller's notifications read.
func (s *Server) handleInboxRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Inbox.MarkRead(r.Context(), id); err != nil {
		return err
	}
	return s.unread(w, r)
}

// handleInboxReadAll handles "POST /api/v1/inbox/read-all".
func (s *Server) handleInboxReadAll(w http.ResponseWriter, r *http.Request) error {
	if err := s.Inbox.MarkRead(r.Context(), 0); err != nil {
		return err
	}
	return s.unread(w, r)
}

// unread answers with how many of the caller's notifications are unread.
func (s *Server) unread(w http.ResponseWriter, r *http.Request) error {
	_, n, err := s.Inbox.Inbox(r.Context(), true, 0, 1)
	if err != nil {
		return err
	}
	return ok(w, unreadCount{Unread: n})
}
