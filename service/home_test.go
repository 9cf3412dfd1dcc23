package service_test

import (
	"testing"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

// What is new reads the clocks up to the longest warning period: a kind
// with a longer one would never show as new.
func TestWarningDaysFitTheWindowRead(t *testing.T) {
	for _, k := range nrm.DeadlineKinds {
		if d := service.WarningDays(k); d < 1 || d > service.MaxWarningDays {
			t.Errorf("%s: warning period %d days, outside 1..%d", k, d, service.MaxWarningDays)
		}
	}
}
