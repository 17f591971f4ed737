package web

import (
	"encoding/xml"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// capAlert is what the tests read of a CAP document.
type capAlert struct {
	XMLName    xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier string   `xml:"identifier"`
	Sender     string   `xml:"sender"`
	Sent       string   `xml:"sent"`
	Status     string   `xml:"status"`
	Info       struct {
		Event      string `xml:"event"`
		SenderName string `xml:"senderName"`
		Expires    string `xml:"expires"`
	} `xml:"info"`
}

func TestAPICallUpCAP(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		drill := strconv.FormatInt(e.createCallUp(callUpBody()), 10)
		real := strconv.FormatInt(e.createCallUp(callUpBody(set("drill", false), set("kind", "emergency"))), 10)
		alert := func(status, sender string) func(t *testing.T, rec *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/cap+xml") {
					t.Errorf("content type %q", ct)
				}
				body := rec.Body.String()
				if !strings.HasPrefix(body, "<?xml") || !strings.Contains(body, "<status>"+status+"</status>") {
					t.Errorf("want <status>%s</status>:\n%s", status, body)
				}
				validateCAP(t, rec.Body.Bytes())
				var a capAlert
				if err := xml.Unmarshal(rec.Body.Bytes(), &a); err != nil {
					t.Fatalf("not a CAP 1.2 alert: %v\n%s", err, body)
				}
				if a.Sender != sender || a.Info.SenderName != "Territorial Defence" || !strings.HasPrefix(a.Identifier, "callup-") {
					t.Errorf("sender %q, sender name %q, identifier %q", a.Sender, a.Info.SenderName, a.Identifier)
				}
				if a.Sent != "2026-11-23T09:30:00-00:00" || strings.HasSuffix(a.Info.Expires, "Z") || a.Info.Expires == "" {
					t.Errorf("sent %q, expires %q: times need a numeric offset", a.Sent, a.Info.Expires)
				}
			}
		}
		e.run([]apiScenario{
			{name: "drill", method: "GET", path: "/api/v1/callups/" + drill + "/cap", who: "viewer@TD", status: 200, check: alert("Exercise", "muster@example.com")},
			{name: "real", method: "GET", path: "/api/v1/callups/" + real + "/cap", who: "commander@TD", status: 200, check: alert("Actual", "muster@example.com")},
			{name: "no token", method: "GET", path: "/api/v1/callups/" + drill + "/cap", status: 401, code: muster.EUNAUTHORIZED},
			{name: "outside the subtree", method: "GET", path: "/api/v1/callups/" + drill + "/cap", who: "commander@GOM-MOZ", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown", method: "GET", path: "/api/v1/callups/9999/cap", who: "admin@TD", status: 404, code: muster.ENOTFOUND},
			{name: "not a number", method: "GET", path: "/api/v1/callups/x/cap", who: "admin@TD", status: 404, code: muster.ENOTFOUND},
			{name: "query parameter", method: "GET", path: "/api/v1/callups/" + drill + "/cap?lang=en", who: "admin@TD", status: 400, field: "lang"},
		})
		// Read again later: the same alert, sent when the call-up was made.
		first := e.api("GET", "/api/v1/callups/"+real+"/cap", "admin@TD", nil).Body.String()
		e.s.Now = func() time.Time { return sqldbtest.Now.Add(time.Hour) }
		e.run([]apiScenario{
			{name: "an hour later", method: "GET", path: "/api/v1/callups/" + real + "/cap", who: "admin@TD", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				alert("Actual", "muster@example.com")(t, rec)
				if rec.Body.String() != first {
					t.Errorf("the alert changed with the time it was read:\n%s\nthen\n%s", first, rec.Body)
				}
			}},
		})
		e.s.PublicURL = "https://muster.force.example:8443"
		e.run([]apiScenario{
			{name: "public URL", method: "GET", path: "/api/v1/callups/" + drill + "/cap", who: "admin@TD", status: 200, check: alert("Exercise", "muster@muster.force.example")},
		})
	})
}

// validateCAP validates doc against the OASIS CAP 1.2 schema with xmllint
// (../shared/standards beside the repository), or logs that it could not.
// internal/cap's tests require the validation; here it is a bonus.
func validateCAP(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	xsd, _ := filepath.Abs("../../../shared/standards/CAP-v1.2.xsd")
	if _, serr := os.Stat(xsd); err != nil || serr != nil {
		t.Logf("CAP not validated against the schema: no xmllint or %s", xsd)
		return
	}
	f := filepath.Join(t.TempDir(), "alert.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput(); err != nil {
		t.Errorf("the CAP document fails the OASIS schema: %v\n%s", err, out)
	}
}
