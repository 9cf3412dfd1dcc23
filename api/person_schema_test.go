package api

import (
	"reflect"
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
		props, required := schemaFields(schema(t, doc, a.schema))
		all, always := jsonFields(reflect.TypeOf(a.typ))
		if !slices.Equal(props, all) {
			t.Errorf("%s: properties %v, but %T sends %v", a.schema, props, a.typ, all)
		}
		if !slices.Equal(required, always) {
			t.Errorf("%s: required %v, but %T always sends %v", a.schema, required, a.typ, always)
		}
	}
	for _, in := range []struct {
		schema string
		typ    any
	}{
		{"PersonPatch", nrm.PersonPatch{}},
		{"GuardianInput", nrm.GuardianInput{}},
	} {
		s := schema(t, doc, in.schema)
		props, required := schemaFields(s)
		all, _ := jsonFields(reflect.TypeOf(in.typ))
		if !slices.Equal(props, all) {
			t.Errorf("%s: properties %v, but %T takes %v", in.schema, props, in.typ, all)
		}
		if !subset(required, props) {
			t.Errorf("%s: requires %v, not all of them properties", in.schema, required)
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false", in.schema)
		}
	}
	if got := enum(t, doc, "Warning.code"); !slices.Equal(got, []string{nrm.WarnNoChildProtection}) {
		t.Errorf("Warning.code: enum %v", got)
	}
}
