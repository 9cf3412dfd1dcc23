package nrm

import "slices"

// Themes are the subjects the clearinghouse files materials, practices,
// events and activities under, and the progress report groups by. The list
// follows the chapters of the OSCE Action Plan and of the ODIHR NRM handbook.
var Themes = []string{
	"identification",
	"referral",
	"victim-support",
	"child-trafficking",
	"labour-exploitation",
	"sexual-exploitation",
	"roma-and-minorities",
	"self-identification",
	"compensation",
	"access-to-justice",
	"non-punishment",
	"prosecution",
	"safe-return",
	"transnational-referral",
	"data-and-monitoring",
	"prevention",
	"coordination",
	"training",
	"legislation",
	"other",
}

// ValidTheme reports whether t is one of Themes.
func ValidTheme(t string) bool { return slices.Contains(Themes, t) }
