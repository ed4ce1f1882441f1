package themes

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

func (t *Theme) funcs() template.FuncMap {
	m := t.messages
	return template.FuncMap{
		"t":        m.T,
		"longDate": m.LongDate,
		"dateTime": m.DateTime,
		"km":       m.Km,
		"join":     strings.Join,
		"inc":      func(i int) int { return i + 1 },
		"dec":      func(i int) int { return i - 1 },
		"safeHTML": func(s string) template.HTML { return template.HTML(s) }, // only for HTML our code sanitised
		"dict":     dict,
	}
}

// LongDate writes a date in words, "2 octobre 2026", with the catalogue's
// month names (date.months) and layout (date.long). It takes a YYYY-MM-DD
// string or anything with a String method giving one (content.Date), so
// templates need not know the content package.
func (m Messages) LongDate(v any) string {
	s := fmt.Sprint(v)
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	months := strings.Split(m.T("date.months"), ",")
	month := d.Month().String()
	if len(months) == 12 {
		month = strings.TrimSpace(months[d.Month()-1])
	}
	day := fmt.Sprint(d.Day())
	if d.Day() == 1 {
		day = m.T("date.first")
	}
	return m.T("date.long", day, month, d.Year())
}

// DateTime writes a time as "2 octobre 2026 à 14:05" in its own location.
func (m Messages) DateTime(when time.Time) string {
	return m.T("date.time", m.LongDate(when.Format("2006-01-02")), when.Format("15:04"))
}

// Km writes a distance with one decimal under 10 km, with the catalogue's
// decimal separator.
func (m Messages) Km(d float64) string {
	if d < 10 {
		return strings.Replace(fmt.Sprintf("%.1f km", d), ".", m.T("number.decimal"), 1)
	}
	return fmt.Sprintf("%.0f km", d)
}

// dict builds a map from key/value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[key] = kv[i+1]
	}
	return m, nil
}
