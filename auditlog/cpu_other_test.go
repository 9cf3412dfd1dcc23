//go:build !unix

package auditlog

import "time"

// cpuTime is not available here; TestVerifySpeed falls back to wall time.
func cpuTime() time.Duration { return 0 }
