package api

import (
	"slices"
	"testing"

	"github.com/nrmproject/nrm"
)

// The document's HTCDS record names every mapped field, and only those.
func TestOpenAPIHTCDSRecordIsTheMapping(t *testing.T) {
	doc := openAPIDoc(t)
	props, _ := schemaFields(schema(t, doc, "HtcdsRecord"))
	want := nrm.HTCDSHeader()
	slices.Sort(want)
	slices.Sort(props)
	if !slices.Equal(props, want) {
		t.Errorf("HtcdsRecord properties %v, the mapping has %v", props, want)
	}
	for _, f := range nrm.HTCDSFields {
		p, _ := schema(t, doc, "HtcdsRecord")["properties"].(map[string]any)[f.Name].(map[string]any)
		if (p["type"] == "array") != f.Multi {
			t.Errorf("%s: type %v, multi-valued %v", f.Name, p["type"], f.Multi)
		}
	}
}
