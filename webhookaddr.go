package campusguard

import "net/url"

// CheckAddress refuses a webhook whose URL names a host inside the
// server's own network (loopback, private, link-local and the like, or a
// localhost name) that hostAllowed does not allow: the system
// administrator's list (netguard, CAMPUSGUARD_WEBHOOK_ALLOW). It looks at
// the URL only, without resolving names; the address a name resolves to is
// checked when a delivery connects. Call after Validate.
func (w *Webhook) CheckAddress(hostAllowed func(host string) bool) error {
	u, err := url.Parse(w.URL)
	if err != nil {
		return InvalidFields([]FieldError{{Field: "url", Msg: "error.webhook_url"}})
	}
	if !hostAllowed(u.Hostname()) {
		return InvalidFields([]FieldError{{Field: "url", Msg: "error.webhook_internal"}})
	}
	return nil
}
