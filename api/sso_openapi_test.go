package api

import "testing"

// The single sign-on operations, added to the table
// TestOpenAPIOperationSchemas holds the document to.
func init() {
	for k, v := range map[string]struct{ status, body, answer string }{
		"GET /api/v1/sso/mappings":               {"200", "", "SSOMappingList"},
		"POST /api/v1/sso/mappings":              {"201", "SSOMappingInput", "SSOMapping"},
		"DELETE /api/v1/sso/mappings/{id}":       {"200", "", "SSOMappingRemoved"},
		"GET /api/v1/sso/requests":               {"200", "", "SSORequestList"},
		"POST /api/v1/sso/requests/{id}/confirm": {"200", "EmptyInput", "SSORequest"},
		"POST /api/v1/sso/requests/{id}/refuse":  {"200", "EmptyInput", "SSORequest"},
	} {
		operationSchemas[k] = v
	}
}

func TestOpenAPISSOSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, a := range []struct {
		schema string
		typ    any
	}{
		{"SSOMapping", ssoMappingJSON{}}, {"SSOMappingList", itemsJSON[ssoMappingJSON]{}},
		{"SSOMappingRemoved", ssoRemovedJSON{}},
		{"SSORequest", ssoRequestJSON{}}, {"SSORequestList", itemsJSON[ssoRequestJSON]{}},
	} {
		checkAnswerSchema(t, doc, a.schema, a.typ)
	}
	checkInputSchema(t, doc, "SSOMappingInput", ssoMappingInput{})
}
