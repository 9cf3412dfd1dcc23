package api

import (
	"bytes"
	"errors"
	"testing"

	"github.com/nrmproject/nrm"
)

// FuzzDecodeCase feeds arbitrary bodies through the decoder and the
// validation of a new case. Whatever the input, the answer is either a
// valid case or an input error that names a field: never a panic, never an
// internal error. Run longer with: go test -fuzz=FuzzDecodeCase ./api/
func FuzzDecodeCase(f *testing.F) {
	for _, seed := range []string{
		`{"person":{"given_name":"Ana","family_name":"Popescu","date_of_birth":"1999-04-02","sex":"female","citizenship":["MD"]},"encounter":{"date":"2026-11-20","place":"Bristol","country":"GB"},"exploitation_types":["forced-labour"]}`,
		`{"person":{"given_name":5}}`, `{"person":{"aliases":[1]}}`, `{"encounter":{"date":"2026-02-30"}}`,
		`{"person":{"age_uncertain":"yes"}}`, `{} {}`, `[`, ``, `null`, `{"person":null}`,
		"{\"person\":{\"given_name\":\"\\u0000\"}}", `{"exploitation_types":"forced-labour"}`,
	} {
		f.Add([]byte(seed))
	}
	today := nrm.NewDate(2026, 11, 27)
	f.Fuzz(func(t *testing.T, body []byte) {
		var in nrm.CaseInput
		err := decodeJSON(bytes.NewReader(body), &in)
		if err == nil {
			_, err = in.Validate(today)
		}
		if err == nil {
			return
		}
		var e *nrm.Error
		if !errors.As(err, &e) || e.Code != nrm.CodeInvalid || e.Field == "" || e.Message == "" {
			t.Fatalf("input %q: error %#v is not an input error naming a field", body, err)
		}
		if Status(e.Code) >= 500 {
			t.Fatalf("input %q gives status %d", body, Status(e.Code))
		}
	})
}
