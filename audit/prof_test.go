package audit

import (
	"context"
	"os"
	"testing"
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
	rep, err := VerifyPath(context.Background(), p, p+".keys/audit.ed25519")
	t.Logf("%+v %v", rep, err)
}
