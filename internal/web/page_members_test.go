package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestDashboardAndUnits(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("admin", muster.RoleAdmin, "TD")
		// TD: 3 of 150 (2 %); GOM-MOZ-1 is two levels too deep for the dashboard.
		rec := c.get("/")
		wantPage(t, rec, http.StatusOK, "Territorial Defence", "Гомельская область", "Мозырский район",
			"Брестская область", "Пинский район", `class="lvl-2"`, "!1-я рота")
		if text := tagText(rec.Body.String()); !strings.Contains(text, "Territorial Defence TD 3 / 150 2%") ||
			!strings.Contains(text, "Пинский район BRE-PIN 1 / 50 2%") {
			t.Errorf("dashboard rows:\n%s", text)
		}

		wantPage(t, c.get("/units"), http.StatusOK, "1-я рота", `href="/units/GOM-MOZ-1"`,
			`href="/members?unit=GOM-MOZ-1"`, `class="lvl-3"`)
		rec = c.get("/units/GOM-MOZ")
		wantPage(t, rec, http.StatusOK, "Мозырский район", "1-я рота", `href="/units/GOM"`, "/export?unit=GOM-MOZ&download=csv")
		if text := tagText(rec.Body.String()); !strings.Contains(text, "1-я рота GOM-MOZ-1 2 / 100 2% 1") {
			t.Errorf("unit strength rows:\n%s", text)
		}
		wantPage(t, c.get("/units/NOPE"), http.StatusNotFound, "Not Found")

		// A user of a district sees that district only.
		b := e.signedIn("pinsk", muster.RoleViewer, "BRE-PIN")
		wantPage(t, b.get("/"), http.StatusOK, "Пинский район", "!Гомельская")
		wantPage(t, b.get("/units"), http.StatusOK, "Пинский район", "!Гомельская", "!Брестская")
		wantPage(t, b.get("/units/GOM"), http.StatusForbidden, "outside your unit")
	})
}

func TestMembersPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("admin", muster.RoleAdmin, "TD")
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"3 members", "Иванов Пётр", "Kowalski Jan", "Шевчук Анна"}},
			{"?q=ivan", []string{"1 member", "Иванов Пётр", "!Kowalski", "!Шевчук"}},
			{"?q=Шев", []string{"1 member", "Шевчук Анна", "!Иванов"}},
			{"?q=G2", []string{"1 member", "Kowalski Jan", "!Иванов"}},
			{"?unit=BRE", []string{"1 member", "Шевчук", "!Иванов"}},
			{"?status=reserve&status=applicant", []string{"1 member", "Kowalski", "!Иванов", `value="reserve" checked`}},
			// G1's MED expired on 2025-01-31: only G2 holds a valid one.
			{"?qualification=MED", []string{"1 member", "Kowalski", "!Иванов"}},
			{"?q=nobody", []string{"0 members", "No member matches."}},
		}
		for _, tt := range tests {
			rec := c.get("/members" + tt.query)
			if !strings.Contains(tagText(rec.Body.String()), strings.TrimPrefix(tt.want[0], "!")) {
				t.Errorf("%s: lacks %q:\n%s", tt.query, tt.want[0], tagText(rec.Body.String()))
			}
			wantPage(t, rec, http.StatusOK, tt.want[1:]...)
		}
		// A bad filter is shown next to the form, which keeps what was typed.
		wantPage(t, c.get("/members?qualification=NOPE&q=iv"), http.StatusBadRequest, `"NOPE" is not in the catalogue`, `value="iv"`)
		wantPage(t, c.get("/members?unit=NOPE"), http.StatusNotFound, "NOPE", `value="NOPE"`)
		wantPage(t, c.get("/members?cursor=garbage"), http.StatusBadRequest, "cursor")
		// Expired qualifications are marked in the list.
		wantPage(t, c.get("/members?q=G1"), http.StatusOK, "MED (expired)", `class="badge ok"`)
	})
}

// TestMembersPaging: pages of 50 follow by cursor, keeping the filter.
func TestMembersPaging(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		birth, _ := muster.ParseDate("1985-02-03")
		for i := range 60 {
			m := &muster.Member{ServiceNumber: fmt.Sprintf("P%03d", i), FamilyName: "Петров", GivenName: fmt.Sprintf("Имя%03d", i),
				BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive}
			if err := db.CreateMember(sqldbtest.System(), m); err != nil {
				t.Fatal(err)
			}
		}
		c := e.signedIn("admin", muster.RoleAdmin, "TD")
		rec := c.get("/members?q=petrov&unit=GOM")
		wantPage(t, rec, http.StatusOK, "P000", "P049", "!P050", `rel="next"`)
		if !strings.Contains(tagText(rec.Body.String()), "60 members") {
			t.Errorf("total not shown:\n%s", tagText(rec.Body.String()))
		}
		next := htmlText(regexpFind(t, rec.Body.String(), `href="([^"]*)" rel="next"`))
		if !strings.Contains(next, "q=petrov") || !strings.Contains(next, "unit=GOM") || !strings.Contains(next, "cursor=") {
			t.Fatalf("next link %q does not keep the filter", next)
		}
		rec = c.get(next)
		wantPage(t, rec, http.StatusOK, "P050", "P059", "!P049", "!rel=\"next\"", "first page")
	})
}

func TestMembersPageScope(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	c := e.signedIn("pinsk", muster.RoleViewer, "BRE-PIN")
	wantPage(t, c.get("/members"), http.StatusOK, "Шевчук", "!Иванов", "!Kowalski")
	wantPage(t, c.get("/members/G1"), http.StatusForbidden, "outside your unit", "!Иванов")
	wantPage(t, c.get("/members/B1"), http.StatusOK, "Шевчук", "!>Edit<")
	wantPage(t, c.get("/members/B1/edit"), http.StatusForbidden)
}
