package paper

import (
	"fmt"
	"html/template"
	"image"
	"image/color"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// Quiet is the width of the light margin around a QR code, in modules, as
// ISO/IEC 18004 requires.
const Quiet = 4

// QRSVG draws text as a QR code with error correction level M, in an inline
// SVG of one path: a viewBox of one unit a module, the quiet zone included,
// and crisp edges, so that it prints sharp at any size the CSS gives it.
func QRSVG(text string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("paper: QR code of %d bytes: %w", len(text), err)
	}
	b := code.Bounds()
	var path strings.Builder
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; {
			if !dark(code, x, y) {
				x++
				continue
			}
			start := x
			for x < b.Max.X && dark(code, x, y) {
				x++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", start-b.Min.X+Quiet, y-b.Min.Y+Quiet, x-start, x-start)
		}
	}
	size := b.Dx() + 2*Quiet
	return template.HTML(fmt.Sprintf(`<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="QR code of the response link" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		size, size, size, size, path.String())), nil
}

// dark reports whether the module at x, y is dark.
func dark(img image.Image, x, y int) bool {
	return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 0x80
}
