package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/jsonbody"
)

// decodeJSON reads the JSON body of r into v: one JSON object of at most
// jsonbody.MaxBytes, with no fields v does not know. The Content-Type must be
// application/json or absent. Errors name the offending field.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return muster.FieldError("Content-Type", "must be application/json, not "+strconv.Quote(ct))
		}
	}
	body, err := readJSONBody(w, r)
	if err != nil {
		return err
	}
	return jsonbody.Decode(body, v)
}

// readJSONBody reads a JSON request's body, up to jsonbody.MaxBytes.
func readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, jsonbody.MaxBytes))
	if err != nil {
		return nil, jsonbody.Error(err)
	}
	return body, nil
}

// query parses the query parameters of one request, collecting a detail for
// each bad one; err reports them all at once.
type query struct {
	values  url.Values
	details []muster.ErrorDetail
}

// newQuery returns the query of r; known lists every parameter the
// endpoint accepts, and any other is an error.
func newQuery(r *http.Request, known ...string) *query {
	q := &query{values: r.URL.Query()}
	names := make([]string, 0, len(q.values))
	for name := range q.values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(known, name) {
			list := "it takes no parameters"
			if len(known) > 0 {
				list = "the parameters are " + strings.Join(known, ", ")
			}
			q.bad(name, "unknown query parameter; "+list)
		}
	}
	return q
}

// bad records a problem with a parameter.
func (q *query) bad(field, msg string) {
	q.details = append(q.details, muster.ErrorDetail{Field: field, Message: msg})
}

// str returns the single value of the parameter, or "".
func (q *query) str(name string) string {
	vs := q.values[name]
	if len(vs) > 1 {
		q.bad(name, "give it once")
	}
	if len(vs) == 0 {
		return ""
	}
	return strings.TrimSpace(vs[0])
}

// list returns the values of a repeatable parameter, each of which may
// also be a comma-separated list, without empty items.
func (q *query) list(name string) []string {
	var out []string
	for _, v := range q.values[name] {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// int returns the parameter as a whole number from lo to hi, or def when
// it is absent.
func (q *query) int(name string, def, lo, hi int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.bad(name, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

// bool returns the parameter as true or false (also 1 or 0), false when
// it is absent.
func (q *query) bool(name string) bool {
	switch s := q.str(name); s {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	q.bad(name, "must be true or false")
	return false
}

// code returns the parameter when it is a well-formed unit or
// qualification code, or "".
func (q *query) code(name string) string {
	s := q.str(name)
	if s != "" && !muster.ValidCode(s) {
		q.bad(name, "not a valid code: 1–32 letters, digits, '.', '_' or '-'")
		return ""
	}
	return s
}

// err returns the EINVALID error of the bad parameters, or nil.
func (q *query) err() error {
	if len(q.details) == 0 {
		return nil
	}
	msg := q.details[0].String()
	if n := len(q.details) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return &muster.Error{Code: muster.EINVALID, Message: msg, Details: q.details}
}

// created writes v with 201 Created and a Location header.
func created(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	writeJSON(w, http.StatusCreated, v)
}

// apiNotFound answers any /api/ request no route matches.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, muster.Errorf(muster.ENOTFOUND, "There is no API endpoint %s %s; see /api/v1/openapi.json.", r.Method, r.URL.Path))
}

// apiInput checks that the request has no query parameters and decodes
// its JSON body into v.
func (s *Server) apiInput(w http.ResponseWriter, r *http.Request, v any) error {
	if err := newQuery(r).err(); err != nil {
		return err
	}
	return decodeJSON(w, r, v)
}
