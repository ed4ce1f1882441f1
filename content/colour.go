package content

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Colour is an sRGB colour.
type Colour struct{ R, G, B uint8 }

// White is the background the site's text sits on.
var White = Colour{255, 255, 255}

// MinContrast is the contrast ratio WCAG 2.1 AA asks of normal text.
const MinContrast = 4.5

// ParseColour reads "#rrggbb" or "#rgb" (either case).
func ParseColour(s string) (Colour, bool) {
	hex, ok := strings.CutPrefix(strings.TrimSpace(s), "#")
	if !ok {
		return Colour{}, false
	}
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	if len(hex) != 6 {
		return Colour{}, false
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return Colour{}, false
	}
	return Colour{uint8(v >> 16), uint8(v >> 8), uint8(v)}, true
}

// String writes the colour as "#rrggbb".
func (c Colour) String() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Luminance is the relative luminance of WCAG 2.1, from 0 (black) to 1.
func (c Colour) Luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast is the WCAG contrast ratio between two colours, from 1 to 21.
func (c Colour) Contrast(other Colour) float64 {
	a, b := c.Luminance(), other.Luminance()
	if a < b {
		a, b = b, a
	}
	return (a + 0.05) / (b + 0.05)
}

// Darker returns the colour with each component scaled by f (0 to 1), for
// hover states that must keep their contrast.
func (c Colour) Darker(f float64) Colour {
	scale := func(v uint8) uint8 { return uint8(math.Round(float64(v) * f)) }
	return Colour{scale(c.R), scale(c.G), scale(c.B)}
}
