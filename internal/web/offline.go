package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"campusguard"
)

// The installable offline form (issue 17): a web app manifest and a
// hand-written service worker (static/sw.js) keep the check pages on the
// phone; static/offline.js queues what is submitted without a connection.

// handleServiceWorker handles "GET /sw.js": the service worker, served
// from the root so that its scope covers the pages. Browsers check it for
// updates on each visit; it is never cached for long.
func (s *Server) handleServiceWorker(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static.files["sw.js"]
	if !ok {
		return errNotFound
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+f.hash+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	return nil
}

// manifest is the web app manifest: what a phone needs to install the
// pages as an app.
type manifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Lang            string         `json:"lang"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

type manifestIcon struct {
	Src   string `json:"src"`
	Sizes string `json:"sizes"`
	Type  string `json:"type"`
}

// handleManifest handles "GET /manifest.webmanifest", in the visitor's
// language.
func (s *Server) handleManifest(w http.ResponseWriter, r *http.Request) error {
	l := s.lang(r)
	m := manifest{Name: tr(l, "app.name"), ShortName: tr(l, "app.name"), Lang: string(l), StartURL: "/", Scope: "/",
		Display: "standalone", BackgroundColor: "#ffffff", ThemeColor: "#1f6f5c",
		Icons: []manifestIcon{{Src: s.static.url("favicon.svg"), Sizes: "any", Type: "image/svg+xml"}}}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(b)
	return err
}

// formTaken reads when a check form was filled in: the page's school day
// (the hidden "day"; today when absent) and the device's moment (the
// hidden "taken_at", RFC 3339, which offline.js sets on submit). A form
// for a day other than today must say when it was taken: it was filled
// in offline and is arriving late. The store bounds the moment
// (campusguard.TakenTime).
//
// A phone's clock may be wrong (minutes fast, a day behind, a year off
// after a flat battery). offline.js therefore also sends "sent_at", the
// phone's clock at the moment it sends; the difference between the
// server's clock and that is the phone's error, and the taken time is
// moved by it. A form sent at once has taken_at ≈ sent_at, so its time is
// the server's; a queued one keeps how long ago it was taken.
func (s *Server) formTaken(f url.Values) (campusguard.Date, time.Time, *campusguard.FieldError) {
	return parseTaken(f, s.today(), s.Now())
}

// parseTaken is formTaken on the day it is today, at now.
func parseTaken(f url.Values, today campusguard.Date, now time.Time) (campusguard.Date, time.Time, *campusguard.FieldError) {
	day := today
	if v := strings.TrimSpace(f.Get("day")); v != "" {
		d, err := campusguard.ParseDate(v)
		if err != nil {
			return today, time.Time{}, &campusguard.FieldError{Field: "day", Msg: "error.bad_choice"}
		}
		day = d
	}
	var at time.Time
	if v := strings.TrimSpace(f.Get("taken_at")); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return day, time.Time{}, &campusguard.FieldError{Field: "taken_at", Msg: "error.bad_choice"}
		}
		at = t
	}
	if at.IsZero() && day != today {
		return day, time.Time{}, &campusguard.FieldError{Field: "taken_at", Msg: "error.required"}
	}
	if v := strings.TrimSpace(f.Get("sent_at")); v != "" && !at.IsZero() {
		sent, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return day, time.Time{}, &campusguard.FieldError{Field: "sent_at", Msg: "error.bad_choice"}
		}
		if sent.Before(at) {
			// Sent before it was taken: the phone's clock was set back
			// between the two; its error is unknown, and the moment is
			// left as the phone gave it for the store to bound.
			return day, at, nil
		}
		at = now.Add(-sent.Sub(at))
	}
	return day, at, nil
}
