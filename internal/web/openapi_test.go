package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/muster-force/muster/internal/nodetest"

	"github.com/muster-force/muster/internal/web"
)

// openAPIDocument returns the document as the server serves it.
func openAPIDocument(t *testing.T) []byte {
	t.Helper()
	srv, err := web.NewServer(web.Services{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	return rec.Body.Bytes()
}

// validateScript validates the OpenAPI document on stdin with
// @seriousme/openapi-schema-validator, resolved from the working directory
// (internal/testdeps).
const validateScript = `
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { readFileSync } from "node:fs";
const pkg = join(process.cwd(), "node_modules", "@seriousme", "openapi-schema-validator", "index.js");
const { Validator } = await import(pathToFileURL(pkg).href);
const validator = new Validator();
const res = await validator.validate(JSON.parse(readFileSync(0, "utf8")));
if (!res.valid) {
	console.error(JSON.stringify(res.errors, null, 2));
	process.exit(1);
}
if (validator.version !== "3.1") {
	console.error("validated as OpenAPI " + validator.version + ", want 3.1");
	process.exit(1);
}
console.log("valid OpenAPI " + validator.version);
`

// TestOpenAPIValid validates the served document with a third-party
// OpenAPI 3.1 schema validator run by node. Without node or the package
// (see scripts/test-deps) it skips, unless MUSTER_REQUIRE_NODE=1.
func TestOpenAPIValid(t *testing.T) {
	doc := openAPIDocument(t)
	node, deps := nodetest.Node(t, "the OpenAPI document", "@seriousme/openapi-schema-validator")
	script := filepath.Join(t.TempDir(), "validate.mjs")
	if err := os.WriteFile(script, []byte(validateScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, script)
	cmd.Dir = deps
	cmd.Stdin = strings.NewReader(string(doc))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// operation is the part of an OpenAPI operation the drift tests read.
type operation struct {
	Security    *[]any         `json:"security"`
	RequestBody map[string]any `json:"requestBody"`
	Responses   map[string]any `json:"responses"`
}

// operations returns the document's operations by "METHOD /path".
func operations(t *testing.T) map[string]operation {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument(t), &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]operation{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !slices.Contains([]string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}, method) {
				continue
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			ops[strings.ToUpper(method)+" "+path] = op
		}
	}
	return ops
}

// routePattern matches a route of routes.go: "METHOD /path", or
// "METHOD "+constant+"rest".
var routePattern = regexp.MustCompile(`"(GET|POST|PUT|PATCH|DELETE) (?:"\+(\w+)\+")?([^"]*)"`)

// routeConstants are the path constants routes.go builds routes from.
var routeConstants = map[string]string{"calendarPath": web.CalendarPath, "kitPath": web.KitPath}

// documentedPrefixes are the paths the document must describe: the API,
// operations, and what members, calendar apps and the SMS gateway reach
// outside /api/v1. The staff pages are not in it.
var documentedPrefixes = []string{"/api/v1/", "/healthz", "/metrics", "/r/", "/sms/", web.CalendarPath, web.KitPath}

// TestOpenAPICoversRoutes checks that the route table (routes.go) and the
// document's paths list the same operations, so the two cannot drift.
func TestOpenAPICoversRoutes(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
		path := m[3]
		if m[2] != "" {
			prefix, ok := routeConstants[m[2]]
			if !ok {
				t.Fatalf("routes.go builds a route from %s: add it to routeConstants", m[2])
			}
			path = prefix + path
		}
		if slices.ContainsFunc(documentedPrefixes, func(p string) bool { return strings.HasPrefix(path, p) }) {
			routes = append(routes, m[1]+" "+path)
		}
	}
	for _, want := range []string{"GET /r/{token}", "POST /r/{token}", "DELETE /r/{token}/push", "POST /sms/inbound", "GET /calendar/{file}", "POST /k/{token}"} {
		if !slices.Contains(routes, want) {
			t.Errorf("the route %s was not found in routes.go: %v", want, routes)
		}
	}
	if len(routes) < 20 {
		t.Fatalf("found only %d routes in routes.go: %v", len(routes), routes)
	}
	var documented []string
	for op := range operations(t) {
		documented = append(documented, op)
	}
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %s, which routes.go does not serve", d)
		}
	}
}

// TestOpenAPIErrorResponses checks that every operation documents the
// errors it can answer: 401 and 429 behind a token, 400 and 413 with a
// body, 422 for imports.
func TestOpenAPIErrorResponses(t *testing.T) {
	for name, op := range operations(t) {
		var want []string
		if op.Security == nil {
			want = append(want, "400", "401", "429")
		}
		if op.RequestBody != nil {
			want = append(want, "413")
		}
		if strings.HasSuffix(name, "/import") {
			want = append(want, "422")
		}
		for _, code := range want {
			if op.Responses[code] == nil {
				t.Errorf("%s does not document %s", name, code)
			}
		}
	}
}
