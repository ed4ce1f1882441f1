package server

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"rsc.io/qr"
)

// qrQuiet is the blank margin around a QR code, in modules, that the
// standard asks for so readers find the code's edges.
const qrQuiet = 4

// qrSVG draws text as a QR code in inline SVG: one path of horizontal runs
// of dark modules, which keeps a URL's code to a few kilobytes. label is
// the code's accessible name. Level M survives a creased or smudged sheet.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", fmt.Errorf("server: QR code of %q: %w", text, err)
	}
	side := code.Size + 2*qrQuiet
	var d strings.Builder
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			run := 1
			for code.Black(x+run, y) {
				run++
			}
			d.WriteString("M" + strconv.Itoa(x+qrQuiet) + " " + strconv.Itoa(y+qrQuiet) + "h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run
		}
	}
	// Everything written is a number or an escaped label: the markup is ours.
	return template.HTML(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		side, side, html.EscapeString(label), side, side, d.String())), nil
}
