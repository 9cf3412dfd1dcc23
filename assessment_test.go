package nrm_test

import (
	"testing"
	"time"

	"github.com/nrmproject/nrm"
)

func testFramework() nrm.Framework {
	return nrm.Framework{ID: "t", Title: "T", Areas: []nrm.FrameworkArea{
		{ID: "a", Title: "A", Benchmarks: []nrm.Benchmark{{ID: "a-1"}, {ID: "a-2"}}},
		{ID: "b", Title: "B", Benchmarks: []nrm.Benchmark{{ID: "b-1"}}},
	}}
}

func assessed(id, country, from, to string, scores map[string]int) nrm.CountryAssessment {
	f, _ := nrm.ParseDate("", from)
	t, _ := nrm.ParseDate("", to)
	x := nrm.CountryAssessment{ID: id, Framework: "t", Country: country, Period: nrm.Period{From: f, To: t}}
	for b, n := range scores {
		x.Scores = append(x.Scores, nrm.BenchmarkScore{AssessmentID: id, BenchmarkID: b, Score: n})
	}
	return x
}

// Side by side, each benchmark's cell is the latest score of that
// benchmark, whichever assessment gave it; over time, each column is one
// period, oldest first.
func TestCompare(t *testing.T) {
	as := []nrm.CountryAssessment{
		assessed("old", "MD", "2023-01-01", "2023-12-31", map[string]int{"a-1": 0, "a-2": 1, "b-1": 2}),
		assessed("new", "MD", "2024-01-01", "2024-12-31", map[string]int{"a-1": 3}),
		assessed("gb", "GB", "2024-01-01", "2024-12-31", map[string]int{"b-1": 1}),
		{ID: "other", Framework: "other", Country: "MD", Scores: []nrm.BenchmarkScore{{BenchmarkID: "a-2", Score: 3}}},
	}
	c := nrm.CompareCountries(testFramework(), []string{"MD", "GB"}, as)
	cell := func(area, row, col int) string {
		x := c.Areas[area].Benchmarks[row].Cells[col]
		if !x.Scored {
			return "-"
		}
		return x.AssessmentID + ":" + string(rune('0'+x.Score))
	}
	for _, tc := range []struct {
		area, row, col int
		want           string
	}{
		{0, 0, 0, "new:3"}, {0, 1, 0, "old:1"}, {1, 0, 0, "old:2"},
		{0, 0, 1, "-"}, {1, 0, 1, "gb:1"},
	} {
		if got := cell(tc.area, tc.row, tc.col); got != tc.want {
			t.Errorf("area %d row %d col %d: %s, want %s", tc.area, tc.row, tc.col, got, tc.want)
		}
	}
	o := nrm.CompareOverTime(testFramework(), "MD", as)
	if len(o.Columns) != 2 || o.Columns[0].AssessmentID != "old" || o.Columns[1].AssessmentID != "new" {
		t.Fatalf("columns %+v", o.Columns)
	}
	if x := o.Areas[0].Benchmarks[1].Cells[1]; x.Scored {
		t.Errorf("over time, a period that did not score a benchmark shows no score: %+v", x)
	}
}

func TestLatestProgress(t *testing.T) {
	d := func(s string) nrm.Date { x, _ := nrm.ParseDate("", s); return x }
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ps := []nrm.RecommendationProgress{
		{ID: "1", Date: d("2026-03-01"), Status: nrm.RecInProgress, CreatedAt: at},
		{ID: "2", Date: d("2026-02-01"), Status: nrm.RecDropped, CreatedAt: at.Add(time.Hour)}, // recorded later, dated earlier
		{ID: "3", Date: d("2026-03-01"), Status: nrm.RecImplemented, CreatedAt: at.Add(2 * time.Hour)},
	}
	if p, ok := nrm.LatestProgress(ps); !ok || p.ID != "3" {
		t.Fatalf("latest %+v", p)
	}
	if _, ok := nrm.LatestProgress(nil); ok {
		t.Fatal("no progress has no latest")
	}
}

func TestProgressDates(t *testing.T) {
	made, today := nrm.NewDate(2026, 11, 1), nrm.NewDate(2026, 11, 27)
	for _, tc := range []struct {
		in    nrm.ProgressInput
		field string
	}{
		{nrm.ProgressInput{Date: "2026-10-31", Status: "in-progress"}, "date"},
		{nrm.ProgressInput{Date: "2026-11-28", Status: "in-progress"}, "date"},
		{nrm.ProgressInput{Date: "", Status: "in-progress"}, "date"},
		{nrm.ProgressInput{Date: "2026-11-01", Status: "finished"}, "status"},
		{nrm.ProgressInput{Date: "2026-11-01", Status: "implemented"}, ""},
	} {
		_, err := tc.in.Validate(made, today)
		if got := nrm.AsError(err).Field; (err == nil) != (tc.field == "") || (err != nil && got != tc.field) {
			t.Errorf("%+v: %v, want field %q", tc.in, err, tc.field)
		}
	}
}
