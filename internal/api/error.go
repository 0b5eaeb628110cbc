package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/i18n"
)

// statuses maps each error code to its HTTP status, in one table.
var statuses = map[campusguard.Code]int{
	campusguard.Invalid:         http.StatusUnprocessableEntity,
	campusguard.NotFound:        http.StatusNotFound,
	campusguard.Conflict:        http.StatusConflict,
	campusguard.Unauthenticated: http.StatusUnauthorized,
	campusguard.Forbidden:       http.StatusForbidden,
	campusguard.TooManyRequests: http.StatusTooManyRequests,
	campusguard.Internal:        http.StatusInternalServerError,
}

// statusError gives the error it wraps another status than its code's:
// 400 for a request that cannot even be decoded (bad JSON, an unknown
// field, a non-numeric id), 405, 413. The code stays the wrapped error's.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// withStatus returns err rendered with the given status.
func withStatus(status int, err error) error { return &statusError{status: status, err: err} }

// badRequest returns a 400 Invalid error listing every undecodable field.
func badRequest(key string, fields ...campusguard.FieldError) error {
	e := campusguard.Errorf(campusguard.Invalid, key)
	e.Fields = fields
	return withStatus(http.StatusBadRequest, e)
}

// renameFields renames the fields of err's field errors, for services
// whose field names are not those of the request.
func renameFields(err error, names map[string]string) error {
	var e *campusguard.Error
	if errors.As(err, &e) {
		for i, f := range e.Fields {
			if name, ok := names[f.Field]; ok {
				e.Fields[i].Field = name
			}
		}
	}
	return err
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Code    campusguard.Code `json:"code"`
	Message string           `json:"message"`
	Fields  []fieldBody      `json:"fields,omitempty"`
}

type fieldBody struct {
	Field   string `json:"field"`
	Row     int    `json:"row,omitempty"`
	Message string `json:"message"`
}

// handle adapts a route's handler, which returns an error: the request
// passes guard first, and the error, if any, is rendered by writeError.
// Handlers write nothing before they succeed.
func (s *Server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := guard(rt, r)
		if err == nil {
			err = rt.handler(w, r)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// writeError renders err as JSON, in the language the client accepts. An
// internal error is logged with its cause and shown only as "internal
// error".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	code := campusguard.ErrorCode(err)
	status, known := statuses[code]
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	}
	var e *campusguard.Error
	body := errorBody{Code: code}
	if !known || code == campusguard.Internal || !errors.As(err, &e) {
		s.Logger.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		body.Code, body.Message = campusguard.Internal, translate(lang, "error.internal", nil)
		status = http.StatusInternalServerError
	} else {
		body.Message = translate(lang, e.Message, e.Args)
		for _, f := range e.Fields {
			body.Fields = append(body.Fields, fieldBody{Field: f.Field, Row: f.Row, Message: translate(lang, f.Msg, f.Args)})
		}
		if status >= 500 {
			s.Logger.Error("api: error", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	switch {
	case status == http.StatusUnauthorized:
		// RFC 9110: a 401 names how to authenticate. A session cookie that
		// no longer signs anyone in is removed.
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		} else {
			w.Header().Set("WWW-Authenticate", "Bearer")
		}
		if authn.SessionToken(r) != "" && campusguard.ActorFrom(r.Context()) == nil {
			authn.ClearSessionCookie(w, r)
		}
	case status == http.StatusTooManyRequests && e != nil:
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(e.Args)))
	}
	w.Header().Set("Content-Language", string(lang))
	if err := writeJSON(w, status, body); err != nil {
		s.Logger.Error("api: error response", "path", r.URL.Path, "err", err)
	}
}

// retryAfter returns the whole seconds to wait that a TooManyRequests
// error carries as its first argument, at least 1.
func retryAfter(args []any) int {
	n := 1
	if len(args) > 0 {
		switch v := args[0].(type) {
		case int:
			n = v
		case int64:
			n = int(v)
		case float64:
			n = int(math.Ceil(v))
		}
	}
	return max(n, 1)
}

// translate renders a message key. Arguments are used only when the
// catalogue's text has verbs for them, because some keys ("error.not_found")
// are raised with arguments meant for the log.
func translate(lang i18n.Lang, key string, args []any) string {
	text := i18n.T(lang, key)
	if len(args) == 0 || !strings.Contains(text, "%") {
		return text
	}
	return i18n.T(lang, key, args...)
}

// writeJSON encodes v into a buffer first, so that a value that cannot be
// encoded becomes an error rather than half a response. A failed write
// means the client has gone; there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}
