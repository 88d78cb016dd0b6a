package zone

import (
	"fmt"
	"time"

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
	// ONVIF is a PTZ camera's ONVIF device service
	// (http://host/onvif/device_service), steered with the login named by
	// Credential; http or https only, without a password in it.
	ONVIF string `toml:"onvif,omitempty"`
	Masks []Mask `toml:"mask,omitempty"`
	// Record is which stream is recorded: "main" (the default), "sub", or
	// "off".
	Record string `toml:"record,omitempty"`
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
	// IdleLock is how long a console may sit untouched before its session
	// locks until the password is typed again (IdleLockAfter gives the
	// default when it is not set).
	IdleLock Duration `toml:"idle_lock,omitempty"`
	// MaxGrant bounds a team chief's live-view grant to a municipal operator
	// (GrantLimit gives the default when it is not set).
	MaxGrant Duration `toml:"max_grant,omitempty"`
	// Recording sets how footage is kept (segments, retention, quota).
	Recording Recording `toml:"recording,omitempty"`
	// ANPR sets how long passages are kept.
	ANPR ANPR `toml:"anpr,omitempty"`
	// AMS is the national ANPR database the passages are forwarded to.
	AMS AMS `toml:"ams,omitempty"`
	// Audit pins the audit trail's key and names its witness, both outside
	// the data directory, so the console's own account cannot rewrite the
	// trail unnoticed.
	Audit AuditTrust `toml:"audit,omitempty"`
	// Database is the dispatch room's PostgreSQL server
	// (postgres://user@host:port/db), shared by the room's consoles; empty:
	// the console keeps its own SQLite stores. Never a password: that is
	// in the credential store.
	Database string `toml:"database,omitempty"`
}

// AuditTrust is how the audit trail is checked from outside the data
// directory: the fingerprint (SHA-256, hex) of the audit public key, and a
// witness directory (another disk, a share) that keeps a copy of every
// signed checkpoint.
type AuditTrust struct {
	KeyFingerprint string `toml:"key_fingerprint,omitempty"`
	Witness        string `toml:"witness,omitempty"`
}

// Zone-set limits and their defaults.
const (
	// DefaultIdleLock: a console left alone for a quarter of an hour is
	// locked; a zone whose dispatchers watch walls without touching them
	// sets a longer idle_lock.
	DefaultIdleLock = 15 * time.Minute
	minIdleLock     = time.Minute
	maxIdleLock     = 12 * time.Hour
	minGrant        = 15 * time.Minute
)

// IdleLockAfter is the zone's idle lock, or DefaultIdleLock.
func (z *Zone) IdleLockAfter() time.Duration {
	if z.IdleLock.Duration == 0 {
		return DefaultIdleLock
	}
	return z.IdleLock.Duration
}

// GrantLimit is the longest grant the zone allows, or policy.DefaultGrant.
func (z *Zone) GrantLimit() time.Duration {
	if z.MaxGrant.Duration == 0 {
		return policy.DefaultGrant
	}
	return z.MaxGrant.Duration
}

// Resource describes a camera as the policy and the grant checks see it:
// who owns it, for which municipality, covert or not. It is the camera
// lookup identity.WithCameras takes.
func (z *Zone) Resource(id string) (policy.Resource, bool) {
	c, ok := z.Camera(id)
	if !ok {
		return policy.Resource{}, false
	}
	return policy.Resource{Camera: c.ID, Owner: c.Owner, Municipality: c.Municipality, Covert: c.Covert}, true
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
