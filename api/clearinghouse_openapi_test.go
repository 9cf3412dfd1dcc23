package api

import (
	"slices"
	"testing"

	"github.com/nrmproject/nrm"
)

// The operations of the clearinghouse, added to the table
// TestOpenAPIOperationSchemas holds the document to.
func init() {
	for k, v := range map[string]struct{ status, body, answer string }{
		"POST /api/v1/directory":        {"201", "DirectoryInput", "DirectoryEntry"},
		"GET /api/v1/directory":         {"200", "", "DirectoryList"},
		"POST /api/v1/library":          {"201", "LibraryInput", "LibraryItem"},
		"GET /api/v1/library":           {"200", "", "LibraryList"},
		"GET /api/v1/library/{id}":      {"200", "", "LibraryItem"},
		"GET /api/v1/library/{id}/file": {"200", "", "LibraryFileContent"},
		"POST /api/v1/practices":        {"201", "PracticeInput", "Practice"},
		"GET /api/v1/practices":         {"200", "", "PracticeList"},
	} {
		operationSchemas[k] = v
	}
}

// The clearinghouse's schemas hold exactly the fields of their structs.
func TestOpenAPIClearinghouseSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, a := range []struct {
		schema string
		typ    any
	}{
		{"DirectoryEntry", directoryJSON{}}, {"LibraryItem", libraryJSON{}}, {"LibraryFile", libraryFileJSON{}},
		{"Practice", practiceJSON{}},
	} {
		checkAnswerSchema(t, doc, a.schema, a.typ)
	}
	for _, in := range []struct {
		schema string
		typ    any
	}{
		{"DirectoryInput", nrm.DirectoryInput{}}, {"LibraryInput", nrm.LibraryInput{}}, {"PracticeInput", nrm.PracticeInput{}},
	} {
		checkInputSchema(t, doc, in.schema, in.typ)
	}
	for _, tc := range []struct {
		schema string
		want   []string
	}{{"Theme", nrm.Themes}, {"LibraryKind", nrm.LibraryKinds}} {
		if got := enum(t, doc, tc.schema); !slices.Equal(got, tc.want) {
			t.Errorf("%s: enum %v, want %v", tc.schema, got, tc.want)
		}
	}
}
