package zone

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/politiezone/zoneconsole/policy"
)

// zoneFiles are the zone files of testdata/zones: valid_*.toml load,
// invalid_*.toml are refused. An invalid file starts with "# want: <text
// the error must hold>" and, when the problem has a line, "# line: <n>".
// They are also the fuzz seed corpus.
func zoneFiles(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "zones", "*.toml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no zone files in testdata/zones: %v", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func header(body []byte, key string) string {
	for _, l := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(l, "# "+key+": "); ok {
			return v
		}
	}
	return ""
}

// TestZoneFileRefusals is issue 16 item 4: what cannot be right is refused,
// with the line and a reason. Before the fix, file:// URLs, query-string
// passwords, NaN and out-of-range coordinates and masks, duplicate round
// names, a municipal camera without a municipality and dwell times under a
// second loaded without a word.
func TestZoneFileRefusals(t *testing.T) {
	for name, body := range zoneFiles(t) {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadZone(p)
			if strings.HasPrefix(name, "valid_") {
				if err != nil {
					t.Fatalf("LoadZone(%s) = %v, want it to load", name, err)
				}
				return
			}
			want := header(body, "want")
			if want == "" {
				t.Fatalf("%s has no '# want:' line", name)
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("LoadZone(%s) = %v, want an error holding %q", name, err, want)
			}
			if line := header(body, "line"); line != "" {
				n, _ := strconv.Atoi(line)
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("LoadZone(%s) = %v, want a *ValidationError", name, err)
				}
				found := false
				for _, p := range ve.Problems {
					if strings.Contains(p.String(), want) {
						found = found || p.Line == n
					}
				}
				if !found || !strings.Contains(err.Error(), "line "+line+": ") {
					t.Errorf("LoadZone(%s) = %v, want the problem %q on line %d", name, err, want, n)
				}
			}
		})
	}
}

func TestValidateInMemoryZone(t *testing.T) {
	z, err := ParseZone([]byte(goodZone))
	if err != nil {
		t.Fatal(err)
	}
	if z.IdleLockAfter() != DefaultIdleLock || z.GrantLimit() != policy.DefaultGrant {
		t.Errorf("defaults: idle %s, grant %s", z.IdleLockAfter(), z.GrantLimit())
	}
	z.Cameras[0].Masks = append(z.Cameras[0].Masks, Mask{X: 0.5, Y: 0.5, W: 0, H: 0.1})
	z.Cameras[0].SubURL = "rtsp://10.0.0.1/sub?pass=x"
	err = z.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("Validate = %v, want two problems", err)
	}
	for _, p := range ve.Problems {
		if p.Line != 0 || strings.HasPrefix(p.String(), "line") {
			t.Errorf("problem of an in-memory zone names a line: %s", p)
		}
	}
	if err := SaveZone(filepath.Join(t.TempDir(), "z.toml"), z); err == nil {
		t.Error("SaveZone wrote an invalid zone")
	}
	r, _ := z.Round("Centrum")
	r.Steps[0].Dwell = Duration{200 * time.Millisecond}
	if err := ValidateRound(z, r); err == nil || !strings.Contains(err.Error(), "dwell") {
		t.Errorf("ValidateRound with a 200ms dwell = %v", err)
	}
	res, ok := z.Resource("cam01")
	if !ok || res.Owner != policy.OwnerMunicipality || res.Municipality != "Borgloon" {
		t.Errorf("Resource(cam01) = %+v, %v", res, ok)
	}
	if _, ok := z.Resource("nope"); ok {
		t.Error("Resource(nope) found")
	}
}

// TestSaveZoneIsAtomicAndReadable: the file is replaced whole (no temp file
// left), 0644 whatever the umask, and an invalid zone leaves the old file.
func TestSaveZoneIsAtomicAndReadable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "zone.toml")
	z, err := ParseZone([]byte(goodZone))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SaveZone(p, z); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("zone file mode %v, %v; want 0644", st.Mode().Perm(), err)
	}
	bad := z
	bad.Cameras = append([]Camera(nil), z.Cameras...)
	bad.Cameras[0].MainURL = "file:///etc/passwd"
	if err := SaveZone(p, bad); err == nil {
		t.Fatal("SaveZone wrote a file:// camera")
	}
	if z2, err := LoadZone(p); err != nil || z2.Cameras[0].MainURL != z.Cameras[0].MainURL {
		t.Errorf("after a refused save: %v, %+v", err, z2.Cameras)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d files, want only zone.toml", len(ents))
	}
}

// FuzzLoadZone: whatever the file, parsing never panics, and a zone that
// is accepted is one SaveZone can write and LoadZone read back.
func FuzzLoadZone(f *testing.F) {
	for _, b := range zoneFiles(f) {
		f.Add(b)
	}
	f.Add([]byte(goodZone))
	f.Fuzz(func(t *testing.T, src []byte) {
		z, err := ParseZone(src)
		if err != nil {
			return
		}
		if err := z.Validate(); err != nil {
			t.Fatalf("ParseZone accepted a zone Validate refuses: %v", err)
		}
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(z); err != nil {
			t.Fatalf("accepted zone does not encode: %v", err)
		}
		if _, err := ParseZone(buf.Bytes()); err != nil {
			t.Fatalf("accepted zone does not read back: %v\n%s", err, buf.Bytes())
		}
	})
}

// TestValidateONVIF: an ONVIF address is http or https, without a login,
// and only on a PTZ camera.
func TestValidateONVIF(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://10.0.0.5/onvif/device_service": true, "https://cam.example/onvif/device_service": true,
		"rtsp://10.0.0.5/onvif": false, "ftp://x/": false, "http:///x": false, "http://u:p@10.0.0.5/": false, "http://a b/": false,
	} {
		if got := onvifURLProblem(raw) == ""; got != ok {
			t.Errorf("%s: accepted %v, want %v (%s)", raw, got, ok, onvifURLProblem(raw))
		}
	}
}
