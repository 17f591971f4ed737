package paper

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

var shot = flag.String("shot", "", "also save a screenshot of the first notice to this PNG file, e.g. /tmp/paper-shot.png")

// TestPrintChromium prints the notices to PDF in headless Chromium, when
// installed, and checks that each notice fills exactly one A4 page.
func TestPrintChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r.StyleURL = "print.css" // beside the file, as file:// cannot reach /static/
	notices := slices.Concat(testNotices, testNotices)
	dir := t.TempDir()
	page := filepath.Join(dir, "notices.html")
	write(t, filepath.Join(dir, "print.css"), CSS)
	write(t, page, render(t, r, testCallUp(true), notices))

	pdf := filepath.Join(dir, "notices.pdf")
	run(t, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+pdf, page)
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(b, -1))
	if pages != len(notices) {
		t.Errorf("%d pages printed for %d notices", pages, len(notices))
	}
	if *shot != "" {
		run(t, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
			"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+*shot, "--window-size=794,1123", page)
	}
}

func write(t *testing.T, name, s string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}
