package themes

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

var monthsFR = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

func (t *Theme) funcs() template.FuncMap {
	return template.FuncMap{
		"t":        t.messages.T,
		"longDate": LongDate,
		"dateTime": dateTime,
		"join":     strings.Join,
		"inc":      func(i int) int { return i + 1 },
		"dec":      func(i int) int { return i - 1 },
		"km":       km,
		"safeHTML": func(s string) template.HTML { return template.HTML(s) }, // only for HTML our code sanitised
		"dict":     dict,
	}
}

// LongDate writes a date as "2 octobre 2026". It takes a YYYY-MM-DD string or
// anything with a String method giving one (content.Date), so templates need
// not know the content package.
func LongDate(v any) string {
	s := fmt.Sprint(v)
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	day := fmt.Sprint(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, monthsFR[d.Month()-1], d.Year())
}

// dateTime writes a time as "2 octobre 2026 à 14:05" in its own location.
func dateTime(when time.Time) string {
	return LongDate(when.Format("2006-01-02")) + " à " + when.Format("15:04")
}

func km(d float64) string {
	if d < 10 {
		return strings.Replace(fmt.Sprintf("%.1f km", d), ".", ",", 1)
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
