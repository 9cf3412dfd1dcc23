package api

import (
	"slices"
	"testing"

	"github.com/nrmproject/nrm"
)

// The schemas of the person corrections hold exactly the fields of the
// structs the handlers decode and encode (as TestOpenAPISchemasMatchStructs
// does for the rest).
func TestOpenAPIPersonSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, a := range []struct {
		schema string
		typ    any
	}{
		{"PersonCorrection", correctionJSON{}},
		{"PersonCorrectionList", itemsJSON[correctionJSON]{}},
		{"Guardian", guardianJSON{}},
		{"Warning", warningJSON{}},
	} {
		checkAnswerSchema(t, doc, a.schema, a.typ)
	}
	for _, in := range []struct {
		schema string
		typ    any
	}{
		{"PersonPatch", nrm.PersonPatch{}},
		{"GuardianInput", nrm.GuardianInput{}},
	} {
		checkInputSchema(t, doc, in.schema, in.typ)
	}
	if got := enum(t, doc, "Warning.code"); !slices.Equal(got, []string{nrm.WarnNoChildProtection}) {
		t.Errorf("Warning.code: enum %v", got)
	}
}
