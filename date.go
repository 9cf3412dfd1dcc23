package nrm

import (
	"strings"
	"time"
)

// Date is a civil date (no time of day, no zone), as the law counts days.
type Date struct{ t time.Time }

const dateLayout = "2006-01-02"

// ParseDate reads YYYY-MM-DD; the error names field.
func ParseDate(field, s string) (Date, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, Invalid(field, "a date as YYYY-MM-DD is required")
	}
	if t.Year() < 1900 {
		return Date{}, Invalid(field, "a date after 1900 is required")
	}
	return Date{t}, nil
}

// DateOf returns the civil date of t in UTC.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func (d Date) IsZero() bool       { return d.t.IsZero() }
func (d Date) Time() time.Time    { return d.t }
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }

// String gives YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// YearsAt returns the completed years from d to at: the age on that date.
func (d Date) YearsAt(at Date) int {
	y := at.t.Year() - d.t.Year()
	if at.t.Month() < d.t.Month() || (at.t.Month() == d.t.Month() && at.t.Day() < d.t.Day()) {
		y--
	}
	return y
}
