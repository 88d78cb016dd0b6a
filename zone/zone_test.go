package zone

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

const goodZone = `
name = "PZ Test"
room = "dispatch-1"

[[camera]]
id = "cam01"
name = "Markt"
kind = "fixed"
owner = "municipality"
municipality = "Borgloon"
address = "Markt 1, 3840 Borgloon"
lat = 50.80
lon = 5.34
approval_ref = "GR 2024/117"
approval_date = "2024-03-12"
main_url = "rtsp://10.0.0.1/main"
sub_url = "rtsp://10.0.0.1/sub"
credential = "cam01"

  [[camera.mask]]
  x = 0.1
  y = 0.1
  w = 0.2
  h = 0.2

[[round]]
name = "Centrum"
area = "Markt"
  [[round.step]]
  cameras = ["cam01"]
  dwell = "15s"
`

func writeZone(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "zone.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadZone(t *testing.T) {
	z, err := LoadZone(writeZone(t, goodZone))
	if err != nil {
		t.Fatalf("LoadZone: %v", err)
	}
	cam, ok := z.Camera("cam01")
	if !ok || cam.Kind != KindFixed || cam.Owner != policy.OwnerMunicipality || len(cam.Masks) != 1 || cam.Credential != "cam01" {
		t.Fatalf("camera = %+v", cam)
	}
	r, ok := z.Round("Centrum")
	if !ok || r.TotalDwell() != 15*time.Second {
		t.Fatalf("round = %+v", r)
	}
	// Round trip through SaveZone keeps everything.
	p := filepath.Join(t.TempDir(), "out.toml")
	if err := SaveZone(p, z); err != nil {
		t.Fatal(err)
	}
	z2, err := LoadZone(p)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if c2, _ := z2.Camera("cam01"); c2.Name != cam.Name || c2.Masks[0] != cam.Masks[0] || z2.Rounds[0].Steps[0].Dwell != r.Steps[0].Dwell {
		t.Fatalf("round trip lost data: %+v", z2)
	}
}

func TestLoadZoneErrors(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"password in URL", `main_url = "rtsp://10.0.0.1/main"`, `main_url = "rtsp://admin:secret@10.0.0.1/main"`, "password"},
		{"unknown kind", `kind = "fixed"`, `kind = "satellite"`, "unknown kind"},
		{"unknown owner", `owner = "municipality"`, `owner = "nobody"`, "unknown owner"},
		{"unknown key", `name = "Markt"`, "name = \"Markt\"\ncolour = \"blue\"", "unknown keys"},
		{"duplicate id", "[[round]]", "[[camera]]\nid = \"cam01\"\nkind = \"fixed\"\nowner = \"police\"\nmain_url = \"rtsp://x/y\"\n[[round]]", "duplicate id"},
		{"round names missing camera", `cameras = ["cam01"]`, `cameras = ["cam99"]`, "unknown camera"},
		{"bad dwell", `dwell = "15s"`, `dwell = "soon"`, "dwell"},
		{"no stream", `sub_url = "rtsp://10.0.0.1/sub"`, "", "no stream URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(goodZone, tc.old, tc.new, 1)
			if tc.name == "no stream" {
				body = strings.Replace(body, `main_url = "rtsp://10.0.0.1/main"`, "", 1)
			}
			if body == goodZone {
				t.Fatalf("test case did not change the zone file")
			}
			_, err := LoadZone(writeZone(t, body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadZone with %q: err = %v, want it to mention %q", tc.new, err, tc.want)
			}
		})
	}
}
