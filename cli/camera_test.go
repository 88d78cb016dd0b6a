package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
)

// TestCameraCredentialCLI: a real zone's camera login goes into the
// encrypted store from the command line, never from an argument; the list
// shows no password; every change is audited without it.
func TestCameraCredentialCLI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ZONECONSOLE_CAMERA_PASSWORD", "Cam-s3cret-9!")
	if code, _, errs := runCmd(t, dir, Wiring{}, "camera", "credential", "set", "markt", "--username", "viewer"); code != 0 {
		t.Fatalf("set = %d: %s", code, errs)
	}
	code, out, _ := runCmd(t, dir, Wiring{}, "camera", "credential", "list")
	if code != 0 || out != "markt\tviewer\n" {
		t.Fatalf("list = %d %q", code, out)
	}
	creds, err := identity.OpenCredentials(dir)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := creds.WithCredential("rtsp://10.1.2.3/main", "markt"); err != nil || u != "rtsp://viewer:Cam-s3cret-9%21@10.1.2.3/main" {
		t.Fatalf("WithCredential = %q, %v", u, err)
	}
	blob, _ := os.ReadFile(filepath.Join(dir, "credentials.enc"))
	if strings.Contains(string(blob), "s3cret") {
		t.Fatal("the password is in the store in plain text")
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, "camera", "credential", "remove", "markt"); code != 0 {
		t.Fatalf("remove = %d", code)
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, "camera", "credential", "remove", "markt"); code != 1 {
		t.Fatalf("second remove = %d, want 1", code)
	}
	t.Setenv("ZONECONSOLE_CAMERA_PASSWORD", "")
	if code, _, _ := runCmd(t, dir, Wiring{}, "camera", "credential", "set", "x", "--username", "u"); code != 2 {
		t.Fatalf("set without a password = %d, want 2", code)
	}
	r, err := audit.OpenReader(filepath.Join(dir, "audit.db"), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	es, err := r.Query(t.Context(), audit.Filter{Actions: []audit.Action{"settings.change"}})
	if err != nil || len(es) != 2 {
		t.Fatalf("settings.change entries = %d, %v", len(es), err)
	}
	for _, e := range es {
		if strings.Contains(e.Detail, "s3cret") || !strings.HasPrefix(e.Subject, "credential:markt") {
			t.Errorf("entry %+v", e)
		}
	}
}
