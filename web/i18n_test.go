package web

import "testing"

func TestNamedPlaceholders(t *testing.T) {
	l := Localizer{lang: "en"}
	if got := l.T("Due in {{.Days}} days, {{.Who}}", "Days", 3, "Who", "you"); got != "Due in 3 days, you" {
		t.Fatalf("named: %q", got)
	}
	if got := l.T("Episode %d", 2); got != "Episode 2" {
		t.Fatalf("positional: %q", got)
	}
}
