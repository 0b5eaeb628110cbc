package api

import (
	"net/http"
	"strconv"

	"campusguard"
)

// handleWebhookIndex handles "GET /api/v1/webhooks": the webhooks of the
// nodes the caller manages.
func (s *Server) handleWebhookIndex(w http.ResponseWriter, r *http.Request) error {
	hooks, err := s.Webhooks.FindWebhooks(r.Context())
	if err != nil {
		return err
	}
	for _, h := range hooks {
		shownWebhook(h)
	}
	return ok(w, newItems(hooks))
}

func shownWebhook(h *campusguard.Webhook) *campusguard.Webhook {
	if h.Events == nil {
		h.Events = []string{}
	}
	return h
}

// webhookInput is the body of "POST /api/v1/webhooks".
type webhookInput struct {
	OrgID  int64    `json:"org_id"`
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// newWebhook is the answer of creating a webhook: the webhook and its
// signing secret, shown this once.
type newWebhook struct {
	Webhook *campusguard.Webhook `json:"webhook"`
	Secret  string               `json:"secret"`
}

// handleWebhookCreate handles "POST /api/v1/webhooks".
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	var in webhookInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	h := &campusguard.Webhook{OrgID: in.OrgID, Name: in.Name, URL: in.URL, Events: in.Events}
	secret, err := s.Webhooks.CreateWebhook(r.Context(), h)
	if err != nil {
		return err
	}
	return created(w, "", newWebhook{Webhook: shownWebhook(h), Secret: secret})
}

// handleWebhookDisable handles "POST /api/v1/webhooks/{id}/disable": stops
// deliveries to a webhook. Disabling it again changes nothing.
func (s *Server) handleWebhookDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Webhooks.DisableWebhook(r.Context(), id); err != nil {
		return err
	}
	hooks, err := s.Webhooks.FindWebhooks(r.Context())
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if h.ID == id {
			return ok(w, shownWebhook(h))
		}
	}
	return campusguard.Errorf(campusguard.NotFound, "error.not_found", "webhook "+strconv.FormatInt(id, 10))
}

// handleDeliveryIndex handles "GET /api/v1/webhooks/{id}/deliveries": a
// page of the webhook's delivery log, newest first.
func (s *Server) handleDeliveryIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	p := q.pageUpTo(500)
	if err := q.err(); err != nil {
		return err
	}
	ds, total, err := s.Webhooks.Deliveries(r.Context(), id, p.Offset, p.Limit)
	if err != nil {
		return err
	}
	return ok(w, newList(ds, total, p))
}
