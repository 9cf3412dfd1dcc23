package api

import (
	"errors"
	"testing"

	"github.com/nrmproject/nrm"
)

// FuzzTrialDecoders: whatever the body, a trial, a hearing sheet or an
// outcome is taken or refused as an input error naming a field; never a
// panic, never another kind of error.
func FuzzTrialDecoders(f *testing.F) {
	today := nrm.NewDate(2026, 11, 27)
	validate := []func([]byte) error{
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.TrialInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.TrialHearingInput) error { _, err := in.Validate(today); return err })
		},
		func(b []byte) error {
			return decodeValidate(b, func(in nrm.TrialOutcomeInput) error { _, err := in.Validate(today); return err })
		},
	}
	for i, seed := range []string{
		`{"court":"Court","country":"MD","case_number":"1/26","charges":["art. 165"],"opened_on":"2026-10-01","victims":2,"defendants":1}`,
		`{"date":"2026-11-01","sheet":{"victim-identified":"yes","interpreter":"not-observed"},"notes":"W1"}`,
		`{"date":"2026-11-20","verdict":"convicted-other","sentence_months":12,"suspended":true,"compensation_awarded":{"amount":"10.00","currency":"EUR"}}`,
		`{"court":"x","country":"md","opened_on":"2026-02-30","victims":-1,"defendants":1e9}`,
		`{"date":"2026-11-01","sheet":{"victim-identified":5}}`,
		`{"date":"2026-11-20","verdict":"acquitted","sentence_months":3}`,
	} {
		f.Add(append([]byte{byte(i % len(validate))}, seed...))
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
