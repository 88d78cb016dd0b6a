package pgtest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/politiezone/zoneconsole/roomdb/pgtest"
)

// TestStartStopRestart starts a server, reaches it, and reaches it again
// after a stop and a restart on the same port.
func TestStartStopRestart(t *testing.T) {
	srv := pgtest.Start(t)
	ping := func() error {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, srv.DSN)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		var one int
		return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
	}
	if err := ping(); err != nil {
		t.Fatalf("server at %s: %v", srv.DSN, err)
	}
	srv.Stop(t)
	if err := ping(); err == nil {
		t.Fatalf("server at %s answered after Stop", srv.DSN)
	}
	srv.Restart(t)
	if err := ping(); err != nil {
		t.Fatalf("server at %s after Restart: %v", srv.DSN, err)
	}
}

// TestMissingBinaries runs a test that needs a server in a child process
// with no binaries to find: without CI it skips, with CI=true it fails.
func TestMissingBinaries(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		pgtest.Start(t)
		return
	}
	for _, tc := range []struct {
		ci       string
		wantFail bool
		wantText string
	}{
		{"", false, "--- SKIP"},
		{"true", true, "CI=true, so failing rather than skipping"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingBinaries$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", "PGBIN="+t.TempDir(), "CI="+tc.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tc.wantFail || !strings.Contains(string(out), tc.wantText) {
			t.Errorf("CI=%q without binaries: err %v, output:\n%s\nwant failed=%v and %q", tc.ci, err, out, tc.wantFail, tc.wantText)
		}
	}
}
