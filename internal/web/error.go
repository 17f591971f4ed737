package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/muster-force/muster"
)

// statusOf maps muster error codes to HTTP statuses.
var statusOf = map[string]int{
	muster.EINVALID:       http.StatusBadRequest,
	muster.EUNAUTHORIZED:  http.StatusUnauthorized,
	muster.EFORBIDDEN:     http.StatusForbidden,
	muster.ENOTFOUND:      http.StatusNotFound,
	muster.ECONFLICT:      http.StatusConflict,
	muster.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	muster.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	muster.ERATELIMIT:     http.StatusTooManyRequests,
	muster.EUNSUPPORTED:   http.StatusUnsupportedMediaType,
	muster.EINTERNAL:      http.StatusInternalServerError,
}

// errorBody is the contract's error shape.
type errorBody struct {
	Error struct {
		Code    string               `json:"code"`
		Message string               `json:"message"`
		Details []muster.ErrorDetail `json:"details"`
	} `json:"error"`
}

// apiError writes err as the contract's JSON error. Internal errors are
// logged with the request and shown to the client only as "Internal error.".
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	code := muster.ErrorCode(err)
	if code == muster.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", loggedPath(r), "err", err)
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message = muster.ErrorMessage(err)
	body.Error.Details = muster.ErrorDetails(err)
	if body.Error.Details == nil {
		body.Error.Details = []muster.ErrorDetail{}
	}
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="muster"`)
	}
	setRetryAfter(w, err)
	writeJSON(w, status, body)
}

// setRetryAfter sets the Retry-After header of a rate-limited err that
// knows its wait, in whole seconds (its message names the same wait).
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := muster.ErrorRetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
