package api

import (
	"slices"
	"testing"

	"github.com/nrmproject/nrm"
)

// The operations of country assessments, added to the table
// TestOpenAPIOperationSchemas holds the document to.
func init() {
	for k, v := range map[string]struct{ status, body, answer string }{
		"GET /api/v1/assessment-frameworks":                      {"200", "", "AssessmentFrameworkList"},
		"POST /api/v1/assessments":                               {"201", "CountryAssessmentInput", "CountryAssessment"},
		"GET /api/v1/assessments":                                {"200", "", "CountryAssessmentList"},
		"GET /api/v1/assessments/compare":                        {"200", "", "AssessmentComparison"},
		"GET /api/v1/assessments/{id}":                           {"200", "", "CountryAssessment"},
		"PUT /api/v1/assessments/{id}/benchmarks/{benchmark_id}": {"200", "BenchmarkScoreInput", "BenchmarkScore"},
		"PUT /api/v1/assessments/{id}/findings":                  {"200", "FindingsInput", "CountryAssessment"},
		"POST /api/v1/assessments/{id}/publish":                  {"200", "EmptyInput", "CountryAssessment"},
		"POST /api/v1/assessments/{id}/recommendations":          {"201", "RecommendationInput", "Recommendation"},
		"GET /api/v1/recommendations":                            {"200", "", "RecommendationClockList"},
		"POST /api/v1/recommendations/{id}/progress":             {"201", "RecommendationProgressInput", "RecommendationProgress"},
	} {
		operationSchemas[k] = v
	}
}

// The schemas of country assessments hold exactly the fields of their structs.
func TestOpenAPIAssessmentSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, a := range []struct {
		schema string
		typ    any
	}{
		{"AssessmentFramework", nrm.Framework{}}, {"AssessmentFrameworkArea", nrm.FrameworkArea{}},
		{"AssessmentBenchmark", nrm.Benchmark{}}, {"AssessmentScaleLevel", nrm.ScaleLevel{}},
		{"AssessmentFrameworkList", itemsJSON[nrm.Framework]{}}, {"AssessmentPeriod", periodJSON{}},
		{"CountryAssessment", countryAssessmentJSON{}}, {"CountryAssessmentItem", countryAssessmentItemJSON{}},
		{"CountryAssessmentList", itemsJSON[countryAssessmentItemJSON]{}},
		{"BenchmarkScore", benchmarkScoreJSON{}}, {"Recommendation", recommendationJSON{}}, {"RecommendationProgress", progressJSON{}},
		{"AssessmentComparison", comparisonJSON{}}, {"AssessmentComparisonColumn", comparisonColumnJSON{}},
		{"AssessmentComparisonArea", comparisonAreaJSON{}}, {"AssessmentComparisonRow", comparisonRowJSON{}},
		{"AssessmentComparisonCell", comparisonCellJSON{}},
		{"RecommendationClock", recommendationClockJSON{}}, {"RecommendationClockList", recommendationClocksJSON{}},
	} {
		checkAnswerSchema(t, doc, a.schema, a.typ)
	}
	for _, in := range []struct {
		schema string
		typ    any
	}{
		{"CountryAssessmentInput", nrm.CountryAssessmentInput{}}, {"AssessmentPeriodInput", nrm.PeriodInput{}},
		{"BenchmarkScoreInput", nrm.BenchmarkScoreInput{}}, {"FindingsInput", nrm.FindingsInput{}},
		{"RecommendationInput", nrm.RecommendationInput{}}, {"RecommendationProgressInput", nrm.ProgressInput{}},
	} {
		checkInputSchema(t, doc, in.schema, in.typ)
	}
	if got := enum(t, doc, "RecommendationStatus"); !slices.Equal(got, nrm.RecommendationStatuses) {
		t.Errorf("RecommendationStatus: %v", got)
	}
	if got := enum(t, doc, "CountryAssessmentStatus"); !slices.Equal(got, []string{nrm.AssessmentDraft, nrm.AssessmentPublished}) {
		t.Errorf("CountryAssessmentStatus: %v", got)
	}
}
