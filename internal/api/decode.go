package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// maxJSONBytes caps a JSON request body.
const maxJSONBytes = 1 << 20

// pathID returns the positive integer id in the path segment name, or a
// 400 naming the field.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("error.bad_id", campusguard.FieldError{Field: name, Msg: "error.bad_id"})
	}
	return id, nil
}

// decodeJSON reads a JSON object into dst, a pointer to a struct whose
// fields carry json tags. Anything the struct does not describe is a 400
// that lists every offending field at once: a body that is not a JSON
// object, an unknown field, a value of the wrong type. Rules about the
// values themselves are the domain's, and come back as 422.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeJSONLimit(w, r, dst, maxJSONBytes)
}

// decodeJSONLimit is decodeJSON for a body of at most limit bytes (whole
// megabytes), for the few requests that carry more than maxJSONBytes.
func decodeJSONLimit(w http.ResponseWriter, r *http.Request, dst any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return withStatus(http.StatusRequestEntityTooLarge,
			campusguard.Errorf(campusguard.Invalid, "error.body_too_large", limit>>20))
	}
	if err != nil {
		return badRequest("error.bad_json")
	}
	// Good input decodes in one pass; only bad input pays for finding
	// which fields are wrong.
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err == nil && !dec.More() {
			return nil
		}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return badRequest("error.bad_json")
	}
	fields := jsonFields(reflect.TypeOf(dst).Elem())
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var bad []campusguard.FieldError
	for _, k := range keys {
		t, ok := fields[k]
		if !ok {
			bad = append(bad, campusguard.FieldError{Field: k, Msg: "error.unknown_field"})
			continue
		}
		if err := json.Unmarshal(raw[k], reflect.New(t).Interface()); err != nil {
			bad = append(bad, campusguard.FieldError{Field: k, Msg: typeKey(t)})
		}
	}
	if len(bad) > 0 {
		return badRequest("error.invalid_input", bad...)
	}
	// Each field decodes on its own; the whole decodes the same way.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest("error.bad_json")
	}
	return nil
}

// jsonFields maps the JSON names of a struct's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

var dateType = reflect.TypeFor[campusguard.Date]()

// typeKey names the message for a value that is not of type t.
func typeKey(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		return "error.type_date"
	case t.Kind() == reflect.Bool:
		return "error.type_bool"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "error.type_integer"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "error.type_number"
	case t.Kind() == reflect.String:
		return "error.type_text"
	}
	return "error.bad_json"
}

// query reads URL query parameters and collects every bad one, so that a
// request learns of all its mistakes at once.
type query struct {
	r   *http.Request
	bad []campusguard.FieldError
}

func newQuery(r *http.Request) *query { return &query{r: r} }

func (q *query) get(name string) (string, bool) {
	v := q.r.URL.Query()
	if !v.Has(name) {
		return "", false
	}
	return strings.TrimSpace(v.Get(name)), true
}

func (q *query) fail(name, key string, args ...any) {
	q.bad = append(q.bad, campusguard.FieldError{Field: name, Msg: key, Args: args})
}

// id returns a positive integer parameter, or nil when it is absent.
func (q *query) id(name string) *int64 {
	s, ok := q.get(name)
	if !ok {
		return nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		q.fail(name, "error.bad_id")
		return nil
	}
	return &id
}

// int returns an integer parameter within [lo, hi], or def when absent.
func (q *query) int(name string, def, lo, hi int) int {
	s, ok := q.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.fail(name, "error.type_integer")
		return def
	}
	if n < lo || n > hi {
		q.fail(name, "error.range", lo, hi)
		return def
	}
	return n
}

// bool returns a true/false parameter, false when absent.
func (q *query) bool(name string) bool {
	s, ok := q.get(name)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	q.fail(name, "error.type_bool")
	return false
}

// text returns a parameter, or nil when it is absent or empty.
func (q *query) text(name string) *string {
	s, ok := q.get(name)
	if !ok || s == "" {
		return nil
	}
	if len([]rune(s)) > 100 {
		q.fail(name, "error.too_long", 100)
		return nil
	}
	return &s
}

// time returns an RFC 3339 date-time parameter ("2026-03-01T08:00:00+08:00"),
// or nil when it is absent or empty.
func (q *query) time(name string) *time.Time {
	s, ok := q.get(name)
	if !ok || s == "" {
		return nil
	}
	// An unencoded "+" of a UTC offset arrives as a space.
	t, err := time.Parse(time.RFC3339, strings.ReplaceAll(s, " ", "+"))
	if err != nil {
		q.fail(name, "error.type_datetime")
		return nil
	}
	return &t
}

// choice returns a parameter that must be one of choices, or nil when it
// is absent.
func choice[T ~string](q *query, name string, choices []T) *T {
	s, ok := q.get(name)
	if !ok || s == "" {
		return nil
	}
	if !slices.Contains(choices, T(s)) {
		q.fail(name, "error.bad_choice")
		return nil
	}
	v := T(s)
	return &v
}

// err returns a 400 listing every bad parameter, or nil.
func (q *query) err() error {
	if len(q.bad) == 0 {
		return nil
	}
	return badRequest("error.invalid_input", q.bad...)
}

// page is the offset and limit of a list request.
type page struct {
	Offset int
	Limit  int
}

const (
	defaultLimit = 100
	maxLimit     = 1000
)

func (q *query) page() page { return q.pageUpTo(maxLimit) }

// pageUpTo reads offset and limit for a list whose pages hold at most
// most results.
func (q *query) pageUpTo(most int) page {
	return page{Offset: q.int("offset", 0, 0, 1<<31-1), Limit: q.int("limit", min(defaultLimit, most), 1, most)}
}

// list is the JSON of a page of results.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

func newList[T any](items []T, total int, p page) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: total, Offset: p.Offset, Limit: p.Limit}
}

// items is the JSON of a short list that needs no pages.
type items[T any] struct {
	Items []T `json:"items"`
}

func newItems[T any](v []T) items[T] {
	if v == nil {
		v = []T{}
	}
	return items[T]{Items: v}
}

// created writes 201 with v, and Location when the new thing has a URL.
func created(w http.ResponseWriter, location string, v any) error {
	if location != "" {
		w.Header().Set("Location", location)
	}
	return writeJSON(w, http.StatusCreated, v)
}

func ok(w http.ResponseWriter, v any) error { return writeJSON(w, http.StatusOK, v) }
