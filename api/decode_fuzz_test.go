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

// FuzzDecoders does the same for every other request body of the API: the
// first byte picks the decoder, the rest is the body.
//
//	go test -fuzz=FuzzDecoders ./api/
func FuzzDecoders(f *testing.F) {
	today := nrm.NewDate(2026, 11, 27)
	validate := []func([]byte) error{
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.ConsentInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.ReferralInput) error { _, err := in.Validate(); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.DecisionInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.NotificationInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.NoteInput) error { _, err := in.Validate(); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.NeedsInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.PlanInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.ServiceInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.ResidenceInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.RenewalInput) error { _, err := in.Validate(today); return err })
		},
	}
	for i, seed := range []string{
		`{"purpose":"referral","recipient_org":"0e3c9b4e-6d4a-4a53-9d36-2f6f1c0b8a11","scope":["identity"],"expires":"2027-01-01"}`,
		`{"to_org":"0e3c9b4e-6d4a-4a53-9d36-2f6f1c0b8a11","reason":"x","consent_id":"nope","scope":["support"]}`,
		`{"kind":"reasonable-grounds","outcome":"positive","decided_on":"2026-11-27","reasons":"A credible account."}`,
		`{"sex":"female","age_band":"25-34","nationality":"MD","exploitation_type":"forced-labour","country":"GB"}`,
		`{"compartment":"support","text":"x"}`,
		`{"assessed_on":"2026-11-20","needs":["accommodation"],"notes":"x"}`,
		`{"type":"Health","objectives":"x","review_on":"2027-01-01"}`,
		`{"type":"medical","provider":"x","started_on":"2026-11-20","ended_on":"2026-11-01"}`,
		`{"basis":"victim-of-trafficking","applied_on":"2026-11-20","granted_on":"2026-11-25","expires_on":"2027-11-25"}`,
		`{"renewed_on":"2026-11-26","expires_on":"2028-11-25","version":1}`,
	} {
		f.Add(append([]byte{byte(i)}, seed...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		err := validate[int(data[0])%len(validate)](data[1:])
		if err == nil {
			return
		}
		var e *nrm.Error
		if !errors.As(err, &e) || e.Code != nrm.CodeInvalid || e.Field == "" || e.Message == "" {
			t.Fatalf("decoder %d, input %q: error %#v is not an input error naming a field", int(data[0])%len(validate), data[1:], err)
		}
	})
}

func decodeValidate[T any](body []byte, validate func(T) error) error {
	var in T
	if err := decodeJSON(bytes.NewReader(body), &in); err != nil {
		return err
	}
	return validate(in)
}
