package nrm

import (
	"slices"
	"strings"
)

// Comparison of country assessments (CONTRACT.md, "NRM country
// assessments"): per area and benchmark of one framework, a column for
// each country (its latest score of each benchmark) or, for one country,
// a column for each assessed period, oldest first.
type Comparison struct {
	Framework Framework
	Country   string   // over time: the one country
	Countries []string // side by side: the countries, in the order asked
	Columns   []ComparisonColumn
	Areas     []ComparisonArea
}

// ComparisonColumn is a country (side by side) or an assessment of the
// one country (over time).
type ComparisonColumn struct {
	Country      string
	AssessmentID string // over time only
	Period       Period // over time only
}

// ComparisonArea is one area of the framework, with a row per benchmark.
type ComparisonArea struct {
	ID, Title  string
	Benchmarks []ComparisonRow
}

// ComparisonRow is one benchmark with a cell per column.
type ComparisonRow struct {
	Benchmark Benchmark
	Cells     []ComparisonCell
}

// ComparisonCell is a score, or no score (Scored false).
type ComparisonCell struct {
	Scored       bool
	Score        int
	AssessmentID string
	Period       Period
}

// MaxCompared bounds the countries or periods of one comparison.
const MaxCompared = 12

// ParseCountries reads a comma-separated list of distinct country codes.
func ParseCountries(field, s string) ([]string, error) {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if strings.TrimSpace(c) == "" {
			continue
		}
		cc, err := ParseCountry(field, c, false)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, cc) {
			out = append(out, cc)
		}
	}
	if len(out) > MaxCompared {
		return nil, Invalid(field, "at most %d countries", MaxCompared)
	}
	return out, nil
}

// latestFirst orders assessments by their period, the latest first.
func latestFirst(as []CountryAssessment) []CountryAssessment {
	out := slices.Clone(as)
	slices.SortStableFunc(out, func(a, b CountryAssessment) int {
		if c := strings.Compare(b.Period.To.String(), a.Period.To.String()); c != 0 {
			return c
		}
		if c := strings.Compare(b.Period.From.String(), a.Period.From.String()); c != 0 {
			return c
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	return out
}

func cellOf(a CountryAssessment, benchmarkID string) (ComparisonCell, bool) {
	s, ok := a.Score(benchmarkID)
	if !ok {
		return ComparisonCell{}, false
	}
	return ComparisonCell{Scored: true, Score: s.Score, AssessmentID: a.ID, Period: a.Period}, true
}

// CompareCountries puts each country's latest score of each benchmark
// side by side: the score of the latest assessment (by period) of the
// framework that scored that benchmark. as are the assessments to weigh,
// with their scores.
func CompareCountries(f Framework, countries []string, as []CountryAssessment) Comparison {
	c := Comparison{Framework: f, Countries: countries}
	for _, cc := range countries {
		c.Columns = append(c.Columns, ComparisonColumn{Country: cc})
	}
	sorted := latestFirst(as)
	c.Areas = rows(f, len(countries), func(b Benchmark, col int) ComparisonCell {
		for _, a := range sorted {
			if a.Framework != f.ID || a.Country != countries[col] {
				continue
			}
			if cell, ok := cellOf(a, b.ID); ok {
				return cell
			}
		}
		return ComparisonCell{}
	})
	return c
}

// CompareOverTime puts one country's assessments of the framework side
// by side, oldest period first (at most MaxCompared, the latest kept).
func CompareOverTime(f Framework, country string, as []CountryAssessment) Comparison {
	c := Comparison{Framework: f, Country: country}
	var mine []CountryAssessment
	for _, a := range latestFirst(as) {
		if a.Framework == f.ID && a.Country == country && len(mine) < MaxCompared {
			mine = append(mine, a)
		}
	}
	slices.Reverse(mine)
	for _, a := range mine {
		c.Columns = append(c.Columns, ComparisonColumn{Country: country, AssessmentID: a.ID, Period: a.Period})
	}
	c.Areas = rows(f, len(mine), func(b Benchmark, col int) ComparisonCell {
		cell, _ := cellOf(mine[col], b.ID)
		return cell
	})
	return c
}

func rows(f Framework, cols int, cell func(Benchmark, int) ComparisonCell) []ComparisonArea {
	var out []ComparisonArea
	for _, a := range f.Areas {
		ca := ComparisonArea{ID: a.ID, Title: a.Title}
		for _, b := range a.Benchmarks {
			r := ComparisonRow{Benchmark: b, Cells: make([]ComparisonCell, cols)}
			for i := range cols {
				r.Cells[i] = cell(b, i)
			}
			ca.Benchmarks = append(ca.Benchmarks, r)
		}
		out = append(out, ca)
	}
	return out
}
