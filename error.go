package muster

import (
	"errors"
	"fmt"
	"time"
)

// Error codes returned by muster's services. Each maps to one HTTP status
// and one CLI exit status; see internal/http/error.go.
const (
	ECONFLICT      = "conflict"      // the change collides with existing data (409)
	EINTERNAL      = "internal"      // a fault of muster or its database (500)
	EINVALID       = "invalid"       // the input is malformed (400)
	EUNPROCESSABLE = "unprocessable" // well-formed input that cannot be applied, e.g. bad CSV rows (422)
	ENOTFOUND      = "not_found"     // no such thing, or none visible to the actor (404)
	EUNAUTHORIZED  = "unauthorized"  // no or bad credentials (401)
	EFORBIDDEN     = "forbidden"     // the actor's role or unit subtree does not allow it (403)
	ETOOLARGE      = "too_large"     // the request body is over the limit (413)
	ERATELIMIT     = "rate_limited"  // too many attempts (429)
	EUNSUPPORTED   = "unsupported"   // a request body of a type the endpoint does not read (415)
)

// Error is a domain error: a stable code, a message safe to show a user and,
// for bulk input, one detail per problem.
type Error struct {
	Code    string
	Message string
	Details []ErrorDetail
	// RetryAfter is, for an ERATELIMIT error, how long until a try may
	// succeed again (HTTP's Retry-After); 0 when not known.
	RetryAfter time.Duration
}

// ErrorDetail names one problem in bulk input: where it is and what is wrong.
type ErrorDetail struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String renders the detail as "line 4: birth_date: not a date".
func (d ErrorDetail) String() string {
	s := d.Message
	if d.Field != "" {
		s = d.Field + ": " + s
	}
	if d.Line > 0 {
		s = fmt.Sprintf("line %d: %s", d.Line, s)
	}
	return s
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("muster error: code=%s message=%s", e.Code, e.Message)
}

// FieldError returns an EINVALID error about one field, with the message
// "field: problem" and one detail.
func FieldError(field, problem string) error {
	return &Error{Code: EINVALID, Message: field + ": " + problem, Details: []ErrorDetail{{Field: field, Message: problem}}}
}

// InvalidFields returns an EINVALID error about what, with one detail per
// problem and the message "invalid WHAT: " and the first of them, or nil
// when there are none.
func InvalidFields(what string, details []ErrorDetail) error {
	if len(details) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "invalid " + what + ": " + details[0].String(), Details: details}
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err, hiding internal details.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorDetails returns the details of the first *Error in err's chain.
func ErrorDetails(err error) []ErrorDetail {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}

// RateLimited returns an ERATELIMIT error whose message is msg followed by
// "Try again in WAIT.", and whose RetryAfter is that wait: wait rounded up
// to whole seconds, so that the message and a Retry-After header say the
// same.
func RateLimited(msg string, wait time.Duration) *Error {
	secs := max(1, int((wait+time.Second-1)/time.Second))
	return &Error{Code: ERATELIMIT, Message: msg + " Try again in " + waitText(secs) + ".",
		RetryAfter: time.Duration(secs) * time.Second}
}

// waitText says secs seconds in minutes and seconds: "45 seconds",
// "1 minute", "14 minutes 30 seconds".
func waitText(secs int) string {
	unit := func(n int, name string) string {
		if n == 1 {
			return "1 " + name
		}
		return fmt.Sprintf("%d %ss", n, name)
	}
	m, s := secs/60, secs%60
	switch {
	case m == 0:
		return unit(s, "second")
	case s == 0:
		return unit(m, "minute")
	}
	return unit(m, "minute") + " " + unit(s, "second")
}

// ErrorRetryAfter returns the RetryAfter of the first *Error in err's
// chain, or 0.
func ErrorRetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
