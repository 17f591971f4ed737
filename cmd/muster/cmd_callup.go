package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/jsonbody"
)

// cmdCallUpCreate creates a call-up, as the system actor, from a JSON file
// in the shape of the body of POST /api/v1/callups, or from a template
// whose fields the file, if given, overrides (as POST
// /api/v1/callup-templates/{name}/callups does); it prints the call-up's
// id, and a summary to stderr.
func cmdCallUpCreate(ctx context.Context, e *env, args []string) error {
	const synopsis = `callup create [-db DB] [-template NAME] FILE   JSON as for POST /api/v1/callups; "-" reads stdin; with -template, FILE is optional`
	fs, dsn := newFlags("callup create", e)
	template := fs.String("template", "", "the name of a call-up template; FILE, if given, overrides its fields")
	if err := parse(fs, args, synopsis, 0, 1); err != nil {
		return err
	}
	if fs.NArg() == 0 && *template == "" {
		return usagef(fs, synopsis, "missing FILE (or -template NAME)")
	}
	name, body := "template "+*template, []byte(nil)
	if fs.NArg() == 1 {
		in, file, _, err := openInput(e, fs.Arg(0))
		if err != nil {
			return err
		}
		defer in.Close()
		if body, err = readBounded(in); err != nil {
			return reportProblems(e, file, err)
		}
		name = file
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := systemContext(ctx, e)
	if *template != "" {
		t, err := db.FindCallUpTemplate(sys, *template)
		if err != nil {
			return err
		}
		overrides := map[string]json.RawMessage{}
		if body != nil {
			if err := jsonbody.Decode(body, &overrides); err != nil {
				return reportProblems(e, name, err)
			}
		}
		if body, err = t.Request(overrides, time.Now()); err != nil {
			return err
		}
	}
	var req muster.CallUpRequest
	if err := jsonbody.Decode(body, &req); err != nil {
		return reportProblems(e, name, err)
	}
	c, err := req.CallUp()
	if err == nil {
		err = c.Validate(time.Now())
	}
	if err == nil {
		err = db.CreateCallUp(sys, c)
	}
	if err != nil {
		return reportProblems(e, name, err)
	}
	fmt.Fprintln(e.stdout, c.ID)
	fmt.Fprintf(e.stderr, "%s: call-up %d created: %d members targeted\n", name, c.ID, c.Targeted)
	return nil
}

// readBounded reads all of in, refusing more than jsonbody.MaxBytes, the
// bound of an API request body.
func readBounded(in io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(in, jsonbody.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > jsonbody.MaxBytes {
		return nil, muster.Errorf(muster.ETOOLARGE, "The file is over the limit of %d bytes.", jsonbody.MaxBytes)
	}
	return body, nil
}
