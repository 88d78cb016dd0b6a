package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/simzone"
)

// simWiring starts a small simulated zone, as main wires it for `run`.
func simWiring(cameras int) Wiring {
	return Wiring{SimZone: func(ctx context.Context, dataDir string, log *slog.Logger) (*SimZone, error) {
		sz, err := simzone.Start(ctx, simzone.Options{DataDir: dataDir, Cameras: cameras, Logger: log})
		if err != nil {
			return nil, err
		}
		return &SimZone{Zone: sz.Zone, Injector: sz, DemoUsers: simzone.DemoUsers(), DemoPassword: simzone.DemoPassword,
			AMSClient: sz.AMSClient(), Close: sz.Close}, nil
	}}
}

func runCmd(t *testing.T, dir string, w Wiring, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), Env{DataDir: dir, Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb}, w, args)
	return code, out.String(), errb.String()
}

// TestServeRecordsWithNoDisplay runs the headless service on the simulated
// zone for a few seconds with no display, then reads what it recorded with
// `record list`, checks it with `record verify` (and catches one changed
// byte), and places an evidence hold from the command line.
func TestServeRecordsWithNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	dir := t.TempDir()
	if code, _, errs := runCmd(t, dir, simWiring(2), "serve", "--for", "6s"); code != 0 {
		t.Fatalf("serve = %d: %s", code, errs)
	}
	code, out, errs := runCmd(t, dir, Wiring{}, "record", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) < 2 {
		t.Fatalf("record list = %d, %d lines: %q %s", code, len(lines), out, errs)
	}
	cams := map[string]bool{}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			t.Fatalf("record list line %q: %d fields, want camera, start, end, path, bytes", l, len(f))
		}
		start, err1 := time.Parse(time.RFC3339Nano, f[1])
		end, err2 := time.Parse(time.RFC3339Nano, f[2])
		if err1 != nil || err2 != nil || !end.After(start) || start.Location() != time.UTC || f[4] == "0" {
			t.Errorf("record list line %q: bad times or size", l)
		}
		cams[f[0]] = true
	}
	if !cams["cam01"] || !cams["cam02"] {
		t.Errorf("record list names %v, want both cameras", cams)
	}
	if code, out, _ := runCmd(t, dir, Wiring{}, "record", "list", "--camera", "cam02"); code != 0 || strings.Contains(out, "cam01") {
		t.Errorf("record list --camera cam02 = %d %q", code, out)
	}
	if code, out, _ := runCmd(t, dir, Wiring{}, "record", "verify"); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("record verify = %d %q", code, out)
	}

	// Holds from the command line: an investigator may, a dispatcher not.
	t.Setenv("ZONECONSOLE_PASSWORD", simzone.DemoPassword)
	day := time.Now().UTC().Format(time.DateOnly)
	code, out, errs = runCmd(t, dir, Wiring{}, "hold", "add", "--user", "recherche", "--camera", "cam01", "--from", day, "--to", day,
		"--case", "PV HA.12.L3.9/26", "--motivation", "inbraak")
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("hold add = %d %q %s", code, out, errs)
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, "hold", "add", "--user", "dispatcher", "--camera", "cam01", "--from", day, "--to", day,
		"--case", "PV 1"); code != 1 {
		t.Errorf("a dispatcher's hold add = %d, want 1", code)
	}
	if code, out, _ := runCmd(t, dir, Wiring{}, "hold", "list", "--user", "recherche", "--case", "PV HA.12.L3.9/26"); code != 0 ||
		!strings.Contains(out, "\tcam01\t") || !strings.Contains(out, "PV HA.12.L3.9/26") {
		t.Errorf("hold list = %d %q", code, out)
	}

	// An evidence export from the command line, and its verification.
	from := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	to := time.Now().UTC().Format(time.RFC3339)
	out1 := filepath.Join(t.TempDir(), "PV-9-26")
	code, out, errs = runCmd(t, dir, Wiring{}, "export", "--camera", "cam01,cam02", "--from", from, "--to", to,
		"--case", "PV HA.12.L3.9/26", "--user", "recherche", "--motivation", "inbraak", out1)
	if code != 0 || strings.TrimSpace(out) != out1 || !strings.Contains(errs, "100%") {
		t.Fatalf("export = %d %q %s", code, out, errs)
	}
	for _, f := range []string{"cam01.mp4", "cam02.mp4", "manifest.json", "manifest.sig", "export-key.pem", "README.txt"} {
		if _, err := os.Stat(filepath.Join(out1, f)); err != nil {
			t.Errorf("export folder lacks %s", f)
		}
	}
	if code, out, _ := runCmd(t, dir, Wiring{}, "export", "verify", out1); code != 0 || !strings.Contains(out, "intact") {
		t.Errorf("export verify = %d %q", code, out)
	}
	if err := os.WriteFile(filepath.Join(out1, "extra.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, dir, Wiring{}, "export", "verify", out1); code != 1 || !strings.Contains(out, "extra.txt") {
		t.Errorf("export verify with an added file = %d %q", code, out)
	}
	// Without masks: the investigator's right alone.
	if code, _, _ := runCmd(t, dir, Wiring{}, "export", "--camera", "cam01", "--from", from, "--to", to, "--case", "PV 2",
		"--user", "teamchef", "--unmasked", filepath.Join(t.TempDir(), "x")); code != 1 {
		t.Errorf("a team chief's unmasked export = %d, want 1", code)
	}

	// One changed byte in a segment: verify exits 1 and names it.
	first := strings.Split(lines[0], "\t")
	path := filepath.Join(dir, "recordings", first[3])
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, dir, Wiring{}, "record", "verify"); code != 1 || !strings.Contains(out, first[3]) {
		t.Errorf("record verify after a changed byte = %d %q, want 1 naming %s", code, out, first[3])
	}
	if code, _, _ := runCmd(t, t.TempDir(), Wiring{}, "record", "verify"); code != 2 {
		t.Errorf("record verify with nothing recorded = %d, want 2", code)
	}
}
