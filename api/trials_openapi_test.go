package api

import (
	"slices"
	"testing"

	"github.com/nrmproject/nrm"
)

// The operations of trial monitoring, added to the table
// TestOpenAPIOperationSchemas holds the document to.
func init() {
	for k, v := range map[string]struct{ status, body, answer string }{
		"POST /api/v1/trials":               {"201", "TrialInput", "Trial"},
		"GET /api/v1/trials":                {"200", "", "TrialList"},
		"GET /api/v1/trials/findings":       {"200", "", "TrialFindings"},
		"GET /api/v1/trials/{id}":           {"200", "", "Trial"},
		"POST /api/v1/trials/{id}/hearings": {"201", "TrialHearingInput", "TrialHearing"},
		"POST /api/v1/trials/{id}/outcome":  {"201", "TrialOutcomeInput", "TrialOutcome"},
	} {
		operationSchemas[k] = v
	}
}

// The schemas of trial monitoring hold exactly the fields of their structs.
func TestOpenAPITrialSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, a := range []struct {
		schema string
		typ    any
	}{
		{"Trial", trialJSON{}}, {"TrialHearing", trialHearingJSON{}}, {"TrialOutcome", trialOutcomeJSON{}},
		{"TrialFindings", trialFindingsJSON{}},
	} {
		checkAnswerSchema(t, doc, a.schema, a.typ)
	}
	for _, in := range []struct {
		schema string
		typ    any
	}{
		{"TrialInput", nrm.TrialInput{}}, {"TrialHearingInput", nrm.TrialHearingInput{}}, {"TrialOutcomeInput", nrm.TrialOutcomeInput{}},
	} {
		checkInputSchema(t, doc, in.schema, in.typ)
	}
	for _, tc := range []struct {
		schema string
		want   []string
	}{
		{"TrialSheetItem", nrm.TrialSheetItems}, {"TrialSheetValue", nrm.TrialSheetValues}, {"Verdict", nrm.TrialVerdicts},
	} {
		if got := enum(t, doc, tc.schema); !slices.Equal(got, tc.want) {
			t.Errorf("%s: enum %v, want %v", tc.schema, got, tc.want)
		}
	}
}
