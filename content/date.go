package content

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// DateLayout is how the format contract writes a date.
const DateLayout = "2006-01-02"

// Date is a calendar day without time zone, written YYYY-MM-DD. The zero
// Date means "absent".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("content: parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether the date is absent.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of the day in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// String writes the date as YYYY-MM-DD, or "" when absent.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(d.Time(time.UTC).AddDate(0, 0, n))
}

// UnmarshalYAML accepts a YAML date (unquoted, which YAML resolves to a
// timestamp) or a quoted "YYYY-MM-DD" string.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("date attendue au format AAAA-MM-JJ")
	}
	if n.Value == "" || n.Tag == "!!null" {
		*d = Date{}
		return nil
	}
	parsed, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("date %q invalide : format attendu AAAA-MM-JJ", n.Value)
	}
	*d = parsed
	return nil
}

// MarshalYAML writes the date unquoted as YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) {
	if d.IsZero() {
		return nil, nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: d.String()}, nil
}

// IsZero for yaml's omitempty is the method above.
var _ yaml.IsZeroer = Date{}
