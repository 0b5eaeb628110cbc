package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"campusguard"
	"campusguard/internal/i18n"
)

// InboxService is the signed-in user's inbox, with the unread count the
// badge on every page shows.
type InboxService interface {
	campusguard.InboxService
	// UnreadCount returns how many of the actor's notifications are unread.
	UnreadCount(ctx context.Context) (int, error)
}

// inboxPerPage is the page size of the inbox.
const inboxPerPage = 30

// unread returns the badge's count: one cheap query. The badge is not
// worth failing a page for, so an error is only logged.
func (s *Server) unread(r *http.Request) int {
	if s.Inbox == nil {
		return 0
	}
	n, err := s.Inbox.UnreadCount(r.Context())
	if err != nil {
		s.Logger.Warn("unread count", "err", err)
		return 0
	}
	return n
}

// inboxRow is one notification, translated.
type inboxRow struct {
	ID      int64
	Subject string
	Link    string
	ReadURL string // posts to mark it read and go to Link
	Created string
	Unread  bool
}

// inboxPage is the user's notifications, newest first.
type inboxPage struct {
	basePage
	Rows       []inboxRow
	Unread     int
	UnreadOnly bool
	AllURL     string // the whole inbox
	UnreadURL  string // the unread ones
	Prev       string
	Next       string
}

// handleInbox handles "GET /inbox?unread=&offset=". The store does not
// count the whole list, so the pager only steps back and forth: one more
// than a page is asked for to know whether there is a next page.
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) error {
	if s.Inbox == nil {
		return errNotFound
	}
	p := &inboxPage{basePage: s.base(r, "page.inbox.title"), UnreadOnly: r.URL.Query().Get("unread") != "",
		AllURL: "/inbox", UnreadURL: "/inbox?unread=1"}
	p.Crumbs = []crumb{{Name: p.Title}}
	offset := queryOffset(r)
	ns, unread, err := s.Inbox.Inbox(r.Context(), p.UnreadOnly, offset, inboxPerPage+1)
	if err != nil {
		return err
	}
	p.Unread = unread
	if p.Me != nil {
		p.Me.Unread = unread // fresher than the layout's count, and the same query
	}
	more := len(ns) > inboxPerPage
	if more {
		ns = ns[:inboxPerPage]
	}
	for _, n := range ns {
		p.Rows = append(p.Rows, inboxRow{ID: n.ID, Subject: notificationText(p.Lang, n), Link: localPath(n.Link),
			ReadURL: "/inbox/" + strconv.FormatInt(n.ID, 10) + "/read", Created: p.Time(n.CreatedAt), Unread: n.ReadAt == nil})
	}
	link := func(off int) string {
		q := url.Values{}
		if p.UnreadOnly {
			q.Set("unread", "1")
		}
		if off > 0 {
			q.Set("offset", strconv.Itoa(off))
		}
		if len(q) == 0 {
			return "/inbox"
		}
		return "/inbox?" + q.Encode()
	}
	if offset > 0 {
		p.Prev = link(max(offset-inboxPerPage, 0))
	}
	if more {
		p.Next = link(offset + inboxPerPage)
	}
	return s.render(w, r, http.StatusOK, "inbox", p)
}

// notificationText renders a notification in l: its subject is a message
// key, and an argument that is a key itself (a case state) is translated
// too; the others (a person's name) are shown as they are.
func notificationText(l i18n.Lang, n *campusguard.Notification) string {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		if i18n.Has(i18n.Hans, a) {
			args[i] = tr(l, a)
		} else {
			args[i] = a
		}
	}
	return tr(l, n.Subject, args...)
}

// handleInboxRead handles "POST /inbox/{id}/read": the notification is
// marked read and its link opened. The form carries the link; only a
// path on this site is followed.
func (s *Server) handleInboxRead(w http.ResponseWriter, r *http.Request) error {
	if s.Inbox == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Inbox.MarkRead(r.Context(), id); err != nil {
		return err
	}
	next := localPath(r.PostFormValue("next"))
	if next == "/" {
		next = "/inbox"
	}
	return seeOther(w, r, next)
}

// handleInboxReadAll handles "POST /inbox/read-all".
func (s *Server) handleInboxReadAll(w http.ResponseWriter, r *http.Request) error {
	if s.Inbox == nil {
		return errNotFound
	}
	if err := s.Inbox.MarkRead(r.Context(), 0); err != nil {
		return err
	}
	return seeOther(w, r, "/inbox")
}
