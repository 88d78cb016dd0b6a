package audit

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestProfileVerify is a local profiling aid: AUDIT_PROF_DB=path.
func TestProfileVerify(t *testing.T) {
	p := os.Getenv("AUDIT_PROF_DB")
	if p == "" {
		t.Skip()
	}
	if os.Getenv("AUDIT_PROF_BUILD") != "" {
		f := fixture{db: p, key: p + ".keys/audit.ed25519"}
		f.build(t, million, Options{})
	}
	r, err := OpenReader(p, Options{KeyPath: p + ".keys/audit.ed25519"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, n := range []int{1, 2, 1, 2} {
		r.ranges = n
		c0 := cpuNow()
		rep, err := r.Verify(context.Background())
		t.Logf("ranges %d: %v wall, %v cpu, %d entries, %v", n, rep.Duration, cpuNow()-c0, rep.Entries, err)
	}
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
