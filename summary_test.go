package nrm

import (
	"reflect"
	"testing"
)

func TestSummaryRoundTrip(t *testing.T) {
	s := Summary("referred to %s (%s), episode %d: %s", "Org A", []Phrase{"identity", "support"}, 2, Phrase("accepted"))
	key, args, english := DecodeSummary(s)
	if key != "referred to %s (%s), episode %d: %s" {
		t.Errorf("key %q", key)
	}
	if want := []any{"Org A", []Phrase{"identity", "support"}, 2, Phrase("accepted")}; !reflect.DeepEqual(args, want) {
		t.Errorf("args %#v, want %#v", args, want)
	}
	if english != "referred to Org A (identity, support), episode 2: accepted" {
		t.Errorf("english %q", english)
	}
	// A name that looks like a number stays the name it was.
	if _, args, _ := DecodeSummary(Summary("to %s", "42")); !reflect.DeepEqual(args, []any{"42"}) {
		t.Errorf("args %#v", args)
	}
}

func TestPlainSummaryDecodesAsItself(t *testing.T) {
	for _, s := range []string{"referral withdrawn", "", "{\"k\":\"x\"}", summaryMarker + "not json"} {
		key, args, english := DecodeSummary(s)
		if key != "" || args != nil || english != s {
			t.Errorf("%q decoded as %q %v %q", s, key, args, english)
		}
	}
}
