package sqldb

import (
	"context"
	"database/sql/driver"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// sqliteConnector opens mattn/go-sqlite3 connections that bind $n by
// number. SQLite reads "$1" as a named parameter and numbers parameters in
// order of first appearance, so "… SET a = $2 WHERE id = $1" would swap its
// arguments silently; rewriting $n to ?n, which SQLite binds by number,
// keeps one SQL text right on SQLite and PostgreSQL.
type sqliteConnector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
	// setup, when not empty, is run on each new connection, for the
	// pragmas the DSN cannot carry.
	setup string
}

func (c *sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	sc := conn.(*sqlite3.SQLiteConn)
	if c.setup != "" {
		if _, err := sc.Exec(c.setup, nil); err != nil {
			sc.Close()
			return nil, err
		}
	}
	return &sqliteConn{sc}, nil
}

func (c *sqliteConnector) Driver() driver.Driver { return c.drv }

// sqliteConn rewrites the SQL of every statement; everything else is
// mattn's connection.
type sqliteConn struct{ *sqlite3.SQLiteConn }

func (c *sqliteConn) Prepare(query string) (driver.Stmt, error) {
	return c.SQLiteConn.Prepare(numberedParams(query))
}

func (c *sqliteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.SQLiteConn.PrepareContext(ctx, numberedParams(query))
}

func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.SQLiteConn.ExecContext(ctx, numberedParams(query), args)
}

func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.SQLiteConn.QueryContext(ctx, numberedParams(query), args)
}

// numberedParams rewrites $n placeholders to ?n outside string literals,
// quoted identifiers and comments.
func numberedParams(query string) string {
	if !strings.Contains(query, "$") {
		return query
	}
	b := []byte(query)
	var quote byte // the quote we are inside, or 0
	for i := 0; i < len(b); i++ {
		ch := b[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"' || ch == '`':
			quote = ch
		case ch == '-' && i+1 < len(b) && b[i+1] == '-':
			for i < len(b) && b[i] != '\n' {
				i++
			}
		case ch == '$' && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9':
			b[i] = '?'
		}
	}
	return string(b)
}
