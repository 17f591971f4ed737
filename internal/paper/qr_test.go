package paper

import (
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

// svgQR is the part of QRSVG's output the tests read back.
type svgQR struct {
	XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Path    struct {
		D string `xml:"d,attr"`
	} `xml:"path"`
}

// modules parses an SVG of QRSVG back into its grid of dark modules,
// quiet zone included.
func modules(t *testing.T, svg string) [][]bool {
	t.Helper()
	var s svgQR
	if err := xml.Unmarshal([]byte(svg), &s); err != nil {
		t.Fatalf("not XML: %v\n%s", err, svg)
	}
	var size, h int
	if _, err := fmt.Sscanf(s.ViewBox, "0 0 %d %d", &size, &h); err != nil || size != h {
		t.Fatalf("viewBox %q: %v", s.ViewBox, err)
	}
	grid := make([][]bool, size)
	for i := range grid {
		grid[i] = make([]bool, size)
	}
	for _, seg := range strings.Split(strings.TrimSuffix(s.Path.D, "z"), "z") {
		var x, y, w, w2 int
		if _, err := fmt.Sscanf(seg, "M%d %dh%dv1h-%d", &x, &y, &w, &w2); err != nil || w != w2 || w < 1 {
			t.Fatalf("path segment %q: %v", seg, err)
		}
		for i := x; i < x+w; i++ {
			if grid[y][i] {
				t.Fatalf("module %d,%d drawn twice", i, y)
			}
			grid[y][i] = true
		}
	}
	return grid
}

func TestQRSVGRoundTrip(t *testing.T) {
	for _, text := range []string{
		"https://muster.example/r/AbC123xyz",
		"HTTPS://M.EXAMPLE/R/ABC",
		"https://muster.example/r/" + strings.Repeat("x", 300),
	} {
		svg, err := QRSVG(text)
		if err != nil {
			t.Fatal(err)
		}
		grid := modules(t, string(svg))
		code, err := qr.Encode(text, qr.M, qr.Auto)
		if err != nil {
			t.Fatal(err)
		}
		n := code.Bounds().Dx()
		if len(grid) != n+2*Quiet || (n-17)%4 != 0 {
			t.Fatalf("%d modules with quiet zone for a %d-module code", len(grid), n)
		}
		for y := range grid {
			for x := range grid[y] {
				inside := x >= Quiet && y >= Quiet && x < n+Quiet && y < n+Quiet
				want := inside && dark(code, x-Quiet, y-Quiet)
				if grid[y][x] != want {
					t.Fatalf("%q: module %d,%d is %v, want %v", text, x, y, grid[y][x], want)
				}
			}
		}
		scan(t, grid, text)
	}
}

func TestQRSVGDiffers(t *testing.T) {
	a, _ := QRSVG("https://muster.example/r/AAAA")
	b, _ := QRSVG("https://muster.example/r/AAAB")
	if a == "" || a == b {
		t.Fatal("different texts give the same SVG")
	}
}

func TestQRSVGTooLong(t *testing.T) {
	if _, err := QRSVG(strings.Repeat("x", 5000)); err == nil {
		t.Fatal("no error for 5000 bytes")
	}
}

// scan rasterises grid and reads it back with zbarimg (Debian's
// zbar-tools), when installed, to check that a real reader gets text.
func scan(t *testing.T, grid [][]bool, text string) {
	t.Helper()
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Log("zbarimg not installed; not scanning")
		return
	}
	const scale = 6
	img := image.NewGray(image.Rect(0, 0, len(grid)*scale, len(grid)*scale))
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			c := color.Gray{Y: 0xff}
			if grid[y/scale][x/scale] {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	file := filepath.Join(t.TempDir(), "qr.png")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSuffix(string(out), "\n"); got != text {
		t.Fatalf("zbarimg read %q, want %q", got, text)
	}
}
