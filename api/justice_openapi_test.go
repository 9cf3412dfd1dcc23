package api

import (
	"slices"
	"testing"

	"github.com/nrmproject/nrm"
)

// The operations of the justice and safe-return tracks, added to the
// table TestOpenAPIOperationSchemas holds the document to.
func init() {
	for k, v := range map[string]struct{ status, body, answer string }{
		"POST /api/v1/cases/{id}/proceedings":            {"201", "ProceedingInput", "Proceeding"},
		"POST /api/v1/proceedings/{id}/events":           {"201", "ProceedingEventInput", "ProceedingEvent"},
		"POST /api/v1/cases/{id}/non-punishment":         {"201", "NonPunishmentInput", "NonPunishment"},
		"POST /api/v1/non-punishment/{id}/status":        {"200", "NonPunishmentStatusInput", "NonPunishment"},
		"POST /api/v1/cases/{id}/compensation-claims":    {"201", "ClaimInput", "CompensationClaim"},
		"POST /api/v1/compensation-claims/{id}/awards":   {"201", "AwardInput", "CompensationAward"},
		"POST /api/v1/compensation-claims/{id}/payments": {"201", "PaymentInput", "CompensationPayment"},
		"GET /api/v1/cases/{id}/justice":                 {"200", "", "Justice"},
		"GET /api/v1/reports/compensation":               {"200", "", "CompensationReport"},
		"POST /api/v1/cases/{id}/return-assessments":     {"201", "AssessmentInput", "ReturnAssessment"},
		"POST /api/v1/return-assessments/{id}/approve":   {"200", "ReviewInput", "ReturnAssessment"},
		"POST /api/v1/return-assessments/{id}/reject":    {"200", "ReviewInput", "ReturnAssessment"},
		"POST /api/v1/cases/{id}/returns":                {"201", "ReturnInput", "Return"},
		"POST /api/v1/returns/{id}/follow-ups":           {"201", "FollowUpInput", "FollowUp"},
		"GET /api/v1/cases/{id}/return":                  {"200", "", "ReturnTrack"},
	} {
		operationSchemas[k] = v
	}
}

// The schemas of the two tracks hold exactly the fields of their structs,
// as TestOpenAPISchemasMatchStructs does for the rest.
func TestOpenAPIJusticeSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, a := range []struct {
		schema string
		typ    any
	}{
		{"Money", moneyJSON{}}, {"Lawyer", lawyerJSON{}}, {"RightsInformation", rightsJSON{}},
		{"Proceeding", proceedingJSON{}}, {"ProceedingEvent", proceedingEventJSON{}}, {"NonPunishment", nonPunishmentJSON{}},
		{"CompensationAward", awardJSON{}}, {"CompensationPayment", paymentJSON{}}, {"CompensationClaim", claimJSON{}},
		{"Justice", justiceJSON{}}, {"CurrencyTotals", totalsJSON{}}, {"CompensationReport", compensationReportJSON{}},
		{"BestInterests", bestInterestsJSON{}}, {"ReturnAssessment", assessmentJSON{}}, {"FollowUp", followUpJSON{}},
		{"Return", returnJSON{}}, {"ReturnTrack", returnTrackJSON{}},
	} {
		checkAnswerSchema(t, doc, a.schema, a.typ)
	}
	for _, in := range []struct {
		schema string
		typ    any
	}{
		{"MoneyInput", nrm.MoneyInput{}}, {"LawyerInput", nrm.LawyerInput{}}, {"RightsInput", nrm.RightsInput{}},
		{"ProceedingInput", nrm.ProceedingInput{}}, {"ProceedingEventInput", nrm.ProceedingEventInput{}},
		{"NonPunishmentInput", nrm.NonPunishmentInput{}}, {"NonPunishmentStatusInput", nrm.NonPunishmentStatusInput{}},
		{"ClaimInput", nrm.ClaimInput{}}, {"AwardInput", nrm.AwardInput{}}, {"PaymentInput", nrm.PaymentInput{}},
		{"BestInterestsInput", nrm.BestInterestsInput{}}, {"AssessmentInput", nrm.AssessmentInput{}},
		{"ReviewInput", nrm.ReviewInput{}}, {"ReturnInput", nrm.ReturnInput{}}, {"FollowUpInput", nrm.FollowUpInput{}},
	} {
		checkInputSchema(t, doc, in.schema, in.typ)
	}
	for _, tc := range []struct {
		schema string
		want   []string
	}{
		{"ProceedingKind", nrm.ProceedingKinds}, {"ProceedingStage", nrm.ProceedingStages}, {"ProceduralRole", nrm.ProceduralRoles},
		{"ProceedingEventKind", nrm.ProceedingEvents}, {"ProtectiveMeasure", nrm.ProtectiveMeasures}, {"MeasureStatus", nrm.MeasureStatuses},
		{"Verdict", nrm.Verdicts}, {"NonPunishmentStatus", nrm.NonPunishmentStatuses}, {"CompensationRoute", nrm.CompensationRoutes},
		{"ClaimStatus", nrm.ClaimStatuses}, {"ReturnRisk", []string{nrm.RiskLow, nrm.RiskMedium, nrm.RiskHigh}},
		{"AssessmentStatus", nrm.AssessmentStatuses}, {"BestInterestsOutcome", nrm.BestInterestsOutcomes},
		{"FollowUpSituation", nrm.FollowUpSituations},
	} {
		if got := enum(t, doc, tc.schema); !slices.Equal(got, tc.want) {
			t.Errorf("%s: enum %v, want %v", tc.schema, got, tc.want)
		}
	}
}
