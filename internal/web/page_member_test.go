package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestMemberPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("clerk", muster.RoleClerk, "GOM")
		wantPage(t, c.get("/members/G1"), http.StatusOK, "Иванов Пётр", "1990-05-17", "GOM-MOZ-1",
			"+375291234567", `href="tel:+375291234567"`, "2027-06-30", `<span class="badge ok">valid</span>`,
			"2025-01-31", `<span class="badge expired">expired</span>`, "Status history", "created", ">Edit<")
		wantPage(t, c.get("/members/NOPE"), http.StatusNotFound, "NOPE does not exist")
	})
}

func TestMemberEdit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("clerk", muster.RoleClerk, "GOM")
		wantPage(t, c.get("/members/G1/edit"), http.StatusOK, `name="csrf_token" value="`+c.token()+`"`,
			`value="+375291234567"`, `value="MED:2025-01-31; RIF:2027-06-30"`, `<option value="active" selected>`)

		form := url.Values{"family_name": {"Иванов"}, "given_name": {"Пётр"}, "birth_date": {"1990-05-17"},
			"unit": {"GOM-MOZ-1"}, "position": {"rifleman"}, "status": {"active"}, "phone": {"12345"},
			"email": {"not-an-address"}, "employer": {"МАЗ"}, "qualifications": {"RIF:2027-06-30; MED:31.01.2025"}}
		rec := c.post("/members/G1", c.withToken(form))
		wantPage(t, rec, http.StatusBadRequest, "The member was not saved", `id="phone-error"`, "E.164",
			`id="email-error"`, `id="qualifications-error"`, `value="12345"`, `value="not-an-address"`,
			`value="rifleman"`, `aria-invalid="true"`, "!"+`id="family_name-error"`)

		// A unit outside the clerk's subtree is refused next to the field.
		form.Set("phone", "+375 29 765 43 21")
		form.Set("email", "ivanov@example.by")
		form.Set("qualifications", "RIF:2028-01-31")
		form.Set("unit", "BRE-PIN")
		wantPage(t, c.post("/members/G1", c.withToken(form)), http.StatusForbidden, `id="unit-error"`, "outside your unit",
			`value="BRE-PIN"`)

		form.Set("unit", "GOM-MOZ-1")
		rec = c.post("/members/G1", c.withToken(form))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/members/G1" {
			t.Fatalf("save: %d to %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
		}
		wantPage(t, c.follow(rec), http.StatusOK, "Saved.", "+375297654321", "rifleman", "ivanov@example.by", "2028-01-31", "!<td>MED</td>")
		// The flash shows once.
		wantPage(t, c.get("/members/G1"), http.StatusOK, "!Saved.")
		m, err := db.FindMember(sqldbtest.System(), "G1")
		if err != nil || m.Phone != "+375297654321" || m.Employer != "МАЗ" || len(m.Qualifications) != 1 {
			t.Fatalf("G1 after save: %+v, %v", m, err)
		}
	})
}
