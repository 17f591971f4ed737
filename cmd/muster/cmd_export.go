package main

import (
	"bufio"
	"context"
	"encoding/json"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

func cmdExportMembers(ctx context.Context, e *env, args []string) error {
	const synopsis = "export members [-db DB] [-unit CODE] [-format csv|json]"
	fs, dsn := newFlags("export members", e)
	unit := fs.String("unit", "", "only this unit's subtree")
	format := fs.String("format", "csv", "csv or json")
	if err := parse(fs, args, synopsis, 0, 0); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return usagef(fs, synopsis, "-format: must be csv or json")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	if *format == "csv" {
		w := rostercsv.NewMemberWriter(out)
		if err := db.ExportMembers(systemContext(ctx, e), *unit, w.Write); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return out.Flush()
	}
	// JSON: one array, streamed member by member.
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sep := "["
	err = db.ExportMembers(systemContext(ctx, e), *unit, func(m *muster.Member) error {
		out.WriteString(sep)
		sep = ","
		return enc.Encode(m)
	})
	if err != nil {
		return err
	}
	if sep == "[" {
		out.WriteString("[")
	}
	out.WriteString("]\n")
	return out.Flush()
}

func cmdExportUnits(ctx context.Context, e *env, args []string) error {
	fs, dsn := newFlags("export units", e)
	if err := parse(fs, args, "export units [-db DB]", 0, 0); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	units, err := db.FindUnits(systemContext(ctx, e), muster.UnitFilter{})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(e.stdout)
	w := rostercsv.NewUnitWriter(out)
	for _, u := range units {
		if err := w.Write(u); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return out.Flush()
}
