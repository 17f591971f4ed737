package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// badMembersCSV has problems on lines 3 to 5; line 2 is fine.
const badMembersCSV = `service_number,family_name,given_name,birth_date,unit,status,phone
N1,Новиков,Олег,1991-03-04,GOM-MOZ-1,active,+375291111111
N2,Новикова,Ольга,1991-02-30,GOM-MOZ-1,active,
N3,Орлов,Иван,1992-01-01,GOM-MOZ-1,sleeping,
N4,Орлова,Анна,1993-01-01,NOWHERE,active,
`

const goodMembersCSV = `service_number,family_name,given_name,birth_date,unit,status,phone
N1,Новиков,Олег,1991-03-04,GOM-MOZ-1,active,+375291111111
G1,Иванов,Пётр,1990-05-17,GOM-MOZ-1,active,+375291234567
`

func TestImportPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("clerk", muster.RoleClerk, "GOM")
		wantPage(t, c.get("/import"), http.StatusOK, `enctype="multipart/form-data"`, `name="dry_run"`, "service_number,family_name")
		tok := map[string]string{formTokenField: c.token(), "kind": "members"}

		rec := c.upload("/import", tok, "bad.csv", badMembersCSV)
		wantPage(t, rec, http.StatusUnprocessableEntity, "bad.csv:", "nothing was imported", `id="problems"`, "birth_date", "status", "unit")
		text := tagText(rec.Body.String())
		for _, line := range []string{"3 birth_date", "4 status", "5 unit"} {
			if !strings.Contains(text, line) {
				t.Errorf("problem table lacks a row starting %q:\n%s", line, text[strings.Index(text, "Problems"):])
			}
		}
		if strings.Contains(text, " 2 ") && strings.Contains(text, "Новиков") {
			t.Errorf("line 2 is reported:\n%s", text)
		}

		dry := map[string]string{formTokenField: c.token(), "kind": "members", "dry_run": "1"}
		wantPage(t, c.upload("/import", dry, "good.csv", goodMembersCSV), http.StatusOK,
			"Dry run of good.csv: nothing was changed", "create 1, update 0 and leave 1 unchanged", `name="dry_run" value="1" checked`)
		if _, err := db.FindMember(sqldbtest.System(), "N1"); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Fatalf("N1 after a failed import and a dry run: %v", err)
		}

		rec = c.upload("/import", tok, "good.csv", goodMembersCSV)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/import" {
			t.Fatalf("import: %d\n%s", rec.Code, rec.Body)
		}
		wantPage(t, c.follow(rec), http.StatusOK, "good.csv imported: 1 created, 0 updated, 1 unchanged.")
		if m, err := db.FindMember(sqldbtest.System(), "N1"); err != nil || m.Phone != "+375291111111" {
			t.Fatalf("N1 after import: %+v, %v", m, err)
		}

		// A clerk may not change units: the service's 403 shows on the page.
		units := map[string]string{formTokenField: c.token(), "kind": "units"}
		wantPage(t, c.upload("/import", units, "units.csv", "code,name,parent,kind\nGOM-MOZ-2,2-я рота,GOM-MOZ,unit\n"),
			http.StatusForbidden, "does not allow")
		wantPage(t, c.upload("/import", units, "units.csv", "code;name\n"), http.StatusUnprocessableEntity, "units.csv")
		wantPage(t, c.upload("/import", tok, "", ""), http.StatusBadRequest, "Choose a CSV file")

		e.s.MaxImportBytes = 100
		wantPage(t, c.upload("/import", tok, "big.csv", goodMembersCSV+strings.Repeat(" ", 2<<20)),
			http.StatusRequestEntityTooLarge, "larger than 100 bytes")
		wantPage(t, c.upload("/import", tok, "big.csv", goodMembersCSV), http.StatusRequestEntityTooLarge, "larger than 100 bytes")
	})
}

func TestExportPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("clerk", muster.RoleClerk, "GOM")
		wantPage(t, c.get("/export?unit=GOM-MOZ"), http.StatusOK, `value="GOM-MOZ"`, `name="download"`)

		rec := c.get("/export?unit=GOM-MOZ&download=csv")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
			rec.Header().Get("Content-Disposition") != `attachment; filename="members-GOM-MOZ-2026-11-23.csv"` {
			t.Fatalf("export: %d %v", rec.Code, rec.Header())
		}
		lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "service_number,family_name,") ||
			!strings.HasPrefix(lines[1], "G1,Иванов,Пётр,1990-05-17,GOM-MOZ-1,") || !strings.HasPrefix(lines[2], "G2,Kowalski,") {
			t.Fatalf("export body:\n%s", rec.Body)
		}
		// No unit: the actor's whole subtree (GOM), never BRE.
		if body := c.get("/export?download=csv").Body.String(); strings.Contains(body, "B1,") || !strings.Contains(body, "G2,") {
			t.Errorf("export of the clerk's subtree:\n%s", body)
		}
		wantPage(t, c.get("/export?unit=NOPE&download=csv"), http.StatusNotFound, "NOPE", `value="NOPE"`)
		wantPage(t, c.get("/export?unit=BRE&download=csv"), http.StatusForbidden, "outside your unit")
	})
}
