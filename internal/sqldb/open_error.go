package sqldb

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// openError is a database that could not be opened: its message is one
// line naming the database (without a password) and the driver's reason.
type openError struct {
	dsn string
	err error
}

func (e *openError) Error() string {
	return "cannot open database " + Redact(e.dsn) + ": " + reason(e.err)
}

func (e *openError) Unwrap() error { return e.err }

// reason returns the driver's reason for err on one line. pgx's preamble
// ("failed to connect to `user=… database=…`:") is left out, and the lines
// it gives, one per address tried, are joined by "; ", each once.
func reason(err error) string {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		err = ce.Unwrap()
	}
	var parts []string
	for l := range strings.SplitSeq(err.Error(), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !slices.ContainsFunc(parts, func(p string) bool { return strings.HasSuffix(p, l) }) {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}

// Redact returns dsn fit to print: a postgres:// URL with its password,
// in the user info or a password parameter, replaced by ***; a SQLite path
// as it is.
func Redact(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil { // keep the scheme and the host, not the user info or the query
		scheme, rest, _ := strings.Cut(dsn, "://")
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			rest = "***" + rest[i:]
		}
		rest, _, _ = strings.Cut(rest, "?")
		return scheme + "://" + rest
	}
	params := strings.Split(u.RawQuery, "&")
	for i, p := range params {
		if k, _, _ := strings.Cut(p, "="); k == "password" {
			params[i] = "password=***"
		}
	}
	u.RawQuery = strings.Join(params, "&")
	if _, ok := u.User.Password(); !ok {
		return u.String()
	}
	user := u.User
	u.User = nil // url.UserPassword would escape the stars
	scheme, rest, _ := strings.Cut(u.String(), "://")
	return scheme + "://" + url.User(user.Username()).String() + ":***@" + rest
}
