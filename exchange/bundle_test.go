package exchange

import (
	"bytes"
	"strings"
	"testing"
)

func TestBundle(t *testing.T) {
	a, b := []byte(`{"format":"nrm-packet/1","id":"a"}`), []byte(`{"format":"nrm-packet/1","id":"b"}`)
	got, err := Unbundle(Bundle([][]byte{a, b}))
	if err != nil || len(got) != 2 || !bytes.Equal(got[0], a) || !bytes.Equal(got[1], b) {
		t.Fatalf("round trip: %q %v", got, err)
	}
	if got, err := Unbundle(a); err != nil || len(got) != 1 || !bytes.Equal(got[0], a) {
		t.Errorf("one packet: %q %v", got, err)
	}
	for name, in := range map[string]string{
		"empty": "  \n", "not_an_array": "[{", "no_packet": "[]",
		"too_many": "[" + strings.Repeat(`{},`, MaxBundlePackets) + "{}]",
	} {
		if _, err := Unbundle([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
