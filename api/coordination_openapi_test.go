package api

import (
	"slices"
	"testing"

	"github.com/nrmproject/nrm"
)

// The operations of co-ordination, added to the table
// TestOpenAPIOperationSchemas holds the document to.
func init() {
	for k, v := range map[string]struct{ status, body, answer string }{
		"POST /api/v1/events":                          {"201", "CoordEventInput", "CoordEvent"},
		"GET /api/v1/events":                           {"200", "", "CoordEventList"},
		"GET /api/v1/events/calendar.ics":              {"200", "", "ICalendar"},
		"GET /api/v1/events/{id}":                      {"200", "", "CoordEvent"},
		"POST /api/v1/events/{id}/follow-ups/{n}/done": {"200", "", "CoordEvent"},
		"POST /api/v1/activities":                      {"201", "ActivityInput", "Activity"},
		"GET /api/v1/activities":                       {"200", "", "ActivityList"},
		calendarFeedRoute:                              {"200", "", "ICalendar"},
	} {
		operationSchemas[k] = v
	}
	publicOperations = append(publicOperations, calendarFeedRoute)
}

// The schemas of co-ordination hold exactly the fields of their structs.
func TestOpenAPICoordinationSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, a := range []struct {
		schema string
		typ    any
	}{
		{"CoordEvent", coordEventJSON{}}, {"CoordEventFollowUp", eventFollowUpJSON{}}, {"CoordEventParticipant", nrm.EventParticipant{}},
		{"Activity", activityJSON{}},
	} {
		checkAnswerSchema(t, doc, a.schema, a.typ)
	}
	for _, in := range []struct {
		schema string
		typ    any
	}{
		{"CoordEventInput", nrm.CoordEventInput{}}, {"CoordEventParticipantInput", nrm.EventParticipantInput{}},
		{"CoordEventFollowUpInput", nrm.EventFollowUpInput{}}, {"ActivityInput", nrm.ActivityInput{}},
	} {
		checkInputSchema(t, doc, in.schema, in.typ)
	}
	for _, tc := range []struct {
		schema string
		want   []string
	}{
		{"CoordEventKind", nrm.EventKinds}, {"ActivityKind", nrm.ActivityKinds}, {"Theme", nrm.Themes},
	} {
		if got := enum(t, doc, tc.schema); !slices.Equal(got, tc.want) {
			t.Errorf("%s: enum %v, want %v", tc.schema, got, tc.want)
		}
	}
}
