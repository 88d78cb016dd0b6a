//go:build !unix

package audit

import "time"

// cpuNow is not measured here; the benchmarks report 0 CPU seconds.
func cpuNow() time.Duration { return 0 }
