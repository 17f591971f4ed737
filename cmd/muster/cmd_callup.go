package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/jsonbody"
)

// cmdCallUpCreate creates a call-up from a JSON file in the shape of the
// body of POST /api/v1/callups (see the README), as the system actor, and
// prints its id; a summary goes to stderr.
func cmdCallUpCreate(ctx context.Context, e *env, args []string) error {
	const synopsis = "callup create [-db DB] FILE"
	fs, dsn := newFlags("callup create", e)
	if err := parse(fs, args, synopsis); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"usage: muster " + synopsis + `   JSON as for POST /api/v1/callups; "-" reads stdin`}
	}
	in, name, _, err := openInput(e, fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	req, err := decodeCallUpRequest(in)
	if err != nil {
		return reportProblems(e, name, err)
	}
	c, err := req.CallUp()
	if err == nil {
		err = c.Validate(time.Now())
	}
	if err != nil {
		return reportProblems(e, name, err)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateCallUp(systemContext(ctx, e), c); err != nil {
		return reportProblems(e, name, err)
	}
	fmt.Fprintln(e.stdout, c.ID)
	fmt.Fprintf(e.stderr, "%s: call-up %d created: %d members targeted\n", name, c.ID, c.Targeted)
	return nil
}

// maxCallUpBytes bounds a call-up's JSON file, as the API bounds a body.
const maxCallUpBytes = 1 << 20

// decodeCallUpRequest reads the call-up request, one JSON object.
func decodeCallUpRequest(r io.Reader) (*muster.CallUpRequest, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxCallUpBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxCallUpBytes {
		return nil, muster.Errorf(muster.ETOOLARGE, "The file is over the limit of %d bytes.", maxCallUpBytes)
	}
	var req muster.CallUpRequest
	if err := jsonbody.Decode(body, &req); err != nil {
		return nil, err
	}
	return &req, nil
}
