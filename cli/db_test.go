package cli

import (
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/roomdb/pgtest"
)

// TestDBMigrate: `db migrate` refuses a URL with a password (without
// printing it), migrates a real server, again without change, and takes
// the user name (and password) from the credential store when the URL
// names none.
func TestDBMigrate(t *testing.T) {
	srv := pgtest.Start(t)
	dir := t.TempDir()
	t.Setenv("ZONECONSOLE_DB_PASSWORD", "")

	for _, bad := range []string{
		"postgres://postgres:s3cret@127.0.0.1:5432/roomtest",
		"postgres://postgres@127.0.0.1:5432/roomtest?password=s3cret",
	} {
		code, _, errs := runCmd(t, dir, Wiring{}, "db", "migrate", "--database", bad)
		if code != 2 || !strings.Contains(errs, "password") || strings.Contains(errs, "s3cret") {
			t.Errorf("db migrate --database %s = %d, %q; want 2 and a refusal that does not repeat the password", bad, code, errs)
		}
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, "db", "migrate"); code != 2 {
		t.Errorf("db migrate without --database = %d, want 2", code)
	}

	for run := 1; run <= 2; run++ {
		code, out, errs := runCmd(t, dir, Wiring{}, "db", "migrate", "--database", srv.DSN)
		if code != 0 || !strings.Contains(out, "version") {
			t.Fatalf("db migrate (run %d) = %d: %s%s", run, code, out, errs)
		}
	}
	if n, v := srv.SchemaVersions(t); n != roomdb.SchemaVersion || v != roomdb.SchemaVersion {
		t.Errorf("schema_version: %d rows up to %d, want %d", n, v, roomdb.SchemaVersion)
	}

	// No user in the URL: the process's own (root or the test's user) is
	// no role of the server, so only the stored login's user name works.
	noUser := strings.Replace(srv.DSN, "postgres@", "", 1)
	if code, _, _ := runCmd(t, dir, Wiring{}, "db", "migrate", "--database", noUser); code != 1 {
		t.Fatalf("db migrate as the OS user = %d, want 1 (no such role)", code)
	}
	t.Setenv("ZONECONSOLE_CAMERA_PASSWORD", "stored-secret")
	if code, _, errs := runCmd(t, dir, Wiring{}, "camera", "credential", "set", "database", "--username", pgtest.Superuser); code != 0 {
		t.Fatalf("camera credential set database = %d: %s", code, errs)
	}
	if code, out, errs := runCmd(t, dir, Wiring{}, "db", "migrate", "--database", noUser); code != 0 || strings.Contains(out+errs, "stored-secret") {
		t.Fatalf("db migrate with the stored login = %d: %s%s", code, out, errs)
	}
}
