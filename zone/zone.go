package zone

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/politiezone/zoneconsole/policy"
)

// CameraKind is one of the camera types the seeds list. The ids are stable:
// they are written in zone files and audit details.
type CameraKind string

const (
	KindFixed      CameraKind = "fixed"
	KindTemporary  CameraKind = "temporary_fixed"
	KindANPRFixed  CameraKind = "anpr_fixed"
	KindANPRMobile CameraKind = "anpr_mobile"
	KindPTZVan     CameraKind = "ptz_van"
	KindMobbox     CameraKind = "mobbox"
	KindDrone      CameraKind = "drone"
	KindBodycam    CameraKind = "bodycam"
	KindOfficeCell CameraKind = "office_cell"
	KindThirdParty CameraKind = "third_party"
)

// Kinds lists every camera kind in the order the camera tree shows them.
var Kinds = []CameraKind{KindFixed, KindTemporary, KindANPRFixed, KindANPRMobile, KindPTZVan,
	KindMobbox, KindDrone, KindBodycam, KindOfficeCell, KindThirdParty}

// ANPR reports whether cameras of this kind feed the plate reader.
func (k CameraKind) ANPR() bool { return k == KindANPRFixed || k == KindANPRMobile }

// Mask is a privacy mask in relative frame coordinates (0..1): the law forbids
// looking into homes, shops or private property, so these areas are blacked out.
type Mask struct {
	X, Y, W, H float64
}

// Camera is one camera record of the zone file.
type Camera struct {
	ID           string     `toml:"id"`
	Name         string     `toml:"name"`
	Kind         CameraKind `toml:"kind"`
	Owner        string     `toml:"owner"`
	Municipality string     `toml:"municipality"`
	Address      string     `toml:"address"`
	Lat          float64    `toml:"lat"`
	Lon          float64    `toml:"lon"`
	ApprovalRef  string     `toml:"approval_ref"`
	ApprovalDate string     `toml:"approval_date"`
	Covert       bool       `toml:"covert"`
	MainURL      string     `toml:"main_url"`
	SubURL       string     `toml:"sub_url"`
	// Credential names an entry of the encrypted credential store
	// (DATA/credentials.enc); the zone file never holds a password.
	Credential string `toml:"credential,omitempty"`
	PTZ        bool   `toml:"ptz"`
	Masks      []Mask `toml:"mask,omitempty"`
}

// Location is the camera's place as a dispatcher says it.
func (c Camera) Location() string {
	if c.Address != "" {
		return c.Address
	}
	return fmt.Sprintf("%.5f, %.5f", c.Lat, c.Lon)
}

// RoundStep is one stop of a virtual patrol: one camera, or up to four shown
// together in a 2x2, for a dwell time.
type RoundStep struct {
	Cameras []string `toml:"cameras"`
	Dwell   Duration `toml:"dwell"`
	Preset  string   `toml:"preset,omitempty"`
}

// Round is a named camera round (virtuele patrouille).
type Round struct {
	Name  string      `toml:"name"`
	Area  string      `toml:"area"`
	Steps []RoundStep `toml:"step"`
}

// TotalDwell is the planned duration of one run of the round.
func (r Round) TotalDwell() time.Duration {
	var d time.Duration
	for _, s := range r.Steps {
		d += s.Dwell.Duration
	}
	return d
}

// Duration reads "20s" or "1m30s" from TOML.
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Street is one named road as a polyline of [lat, lon] points, for the
// offline map.
type Street struct {
	Name   string       `toml:"name"`
	Points [][2]float64 `toml:"points"`
}

// Zone is the content of a zone file: the police zone, its cameras and rounds.
type Zone struct {
	Name         string  `toml:"name"`
	Municipality string  `toml:"municipality"`
	Room         string  `toml:"room"`
	Lat          float64 `toml:"lat"`
	Lon          float64 `toml:"lon"`
	// PatrolFeed is the host:port of the vehicle-location (AVL) feed, in the
	// protocol of sim/PATROLFEED.md; empty in the simulated zone (its own feed).
	PatrolFeed string   `toml:"patrol_feed,omitempty"`
	Cameras    []Camera `toml:"camera"`
	Rounds     []Round  `toml:"round"`
	// Streets are drawn on the offline map (optional).
	Streets []Street `toml:"street,omitempty"`
	// Simulated is true for the built-in simulated zone; the UI says so.
	Simulated bool `toml:"simulated,omitempty"`
}

// Camera returns the camera with the given id.
func (z *Zone) Camera(id string) (Camera, bool) {
	for _, c := range z.Cameras {
		if c.ID == id {
			return c, true
		}
	}
	return Camera{}, false
}

// Round returns the round with the given name.
func (z *Zone) Round(name string) (Round, bool) {
	for _, r := range z.Rounds {
		if r.Name == name {
			return r, true
		}
	}
	return Round{}, false
}

// LoadZone reads and validates a zone file.
func LoadZone(path string) (Zone, error) {
	var z Zone
	md, err := toml.DecodeFile(path, &z)
	if err != nil {
		return Zone{}, fmt.Errorf("zone file %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return Zone{}, fmt.Errorf("zone file %s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	if err := z.Validate(); err != nil {
		return Zone{}, fmt.Errorf("zone file %s: %w", path, err)
	}
	return z, nil
}

// SaveZone writes the zone file atomically (temp file, then rename), so a
// full disk leaves the previous file intact.
func SaveZone(path string, z Zone) error {
	if err := z.Validate(); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	if err := toml.NewEncoder(f).Encode(z); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("zone file %s: %w", path, err)
	}
	return nil
}

// Validate checks what the console relies on: unique ids, known kinds and
// owners, stream URLs without passwords, rounds that name existing cameras.
func (z *Zone) Validate() error {
	var errs []error
	seen := map[string]bool{}
	known := map[CameraKind]bool{}
	for _, k := range Kinds {
		known[k] = true
	}
	for i, c := range z.Cameras {
		where := fmt.Sprintf("camera %d (%s)", i+1, c.ID)
		switch {
		case c.ID == "":
			errs = append(errs, fmt.Errorf("camera %d: id is empty", i+1))
		case seen[c.ID]:
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		seen[c.ID] = true
		if !known[c.Kind] {
			errs = append(errs, fmt.Errorf("%s: unknown kind %q", where, c.Kind))
		}
		switch c.Owner {
		case policy.OwnerPolice, policy.OwnerMunicipality, policy.OwnerThirdParty:
		default:
			errs = append(errs, fmt.Errorf("%s: unknown owner %q (police, municipality, third_party)", where, c.Owner))
		}
		if c.MainURL == "" && c.SubURL == "" {
			errs = append(errs, fmt.Errorf("%s: no stream URL", where))
		}
		for _, u := range []string{c.MainURL, c.SubURL} {
			if hasPassword(u) {
				errs = append(errs, fmt.Errorf("%s: stream URL holds a password; put it in the credential store and name it with credential = \"...\"", where))
			}
		}
	}
	for _, r := range z.Rounds {
		if r.Name == "" {
			errs = append(errs, errors.New("round without a name"))
		}
		if len(r.Steps) == 0 {
			errs = append(errs, fmt.Errorf("round %q: no steps", r.Name))
		}
		for j, s := range r.Steps {
			if len(s.Cameras) == 0 || len(s.Cameras) > 4 {
				errs = append(errs, fmt.Errorf("round %q step %d: needs 1 to 4 cameras", r.Name, j+1))
			}
			if s.Dwell.Duration <= 0 {
				errs = append(errs, fmt.Errorf("round %q step %d: dwell must be positive", r.Name, j+1))
			}
			for _, id := range s.Cameras {
				if !seen[id] {
					errs = append(errs, fmt.Errorf("round %q step %d: unknown camera %q", r.Name, j+1, id))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func hasPassword(raw string) bool {
	i := strings.Index(raw, "://")
	if i < 0 {
		return false
	}
	rest := raw[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	at := strings.LastIndex(rest, "@")
	return at >= 0 && strings.Contains(rest[:at], ":")
}
