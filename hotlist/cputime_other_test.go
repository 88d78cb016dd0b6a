//go:build !linux

package hotlist

import "time"

// threadCPU is not measured outside Linux; the benchmark then reports wall time only.
func threadCPU() time.Duration { return 0 }
