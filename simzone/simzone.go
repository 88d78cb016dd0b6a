package simzone

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/politiezone/zoneconsole/ams"
	"github.com/politiezone/zoneconsole/ams/amstest"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/sqlitedb"
	"github.com/politiezone/zoneconsole/zone"
)

// DemoPassword is the password of the demo accounts of the simulated zone.
// They exist only there: a real zone file never gets them.
const DemoPassword = "demo"

// DemoUsers are the accounts created for the simulated zone, one per role.
func DemoUsers() []identity.User {
	return []identity.User{
		{Name: "dispatcher", FullName: "Inspecteur An Peeters", Role: policy.RoleDispatcher},
		{Name: "teamchef", FullName: "Hoofdinspecteur Luc Janssens", Role: policy.RoleTeamChief},
		{Name: "bewaker", FullName: "Bewakingsagent Tom Claes", Role: policy.RoleSecurityGuard},
		{Name: "recherche", FullName: "Inspecteur Sofie Maes", Role: policy.RoleInvestigator},
		{Name: "stad", FullName: "Stadsoperator Jan Willems", Role: policy.RoleMunicipal, Municipality: "Borgloon"},
		{Name: "dpo", FullName: "DPO Els Wouters", Role: policy.RoleDPO},
		{Name: "beheerder", FullName: "Beheerder Kris Dubois", Role: policy.RoleAdmin},
	}
}

// Options tune the simulated zone.
type Options struct {
	DataDir string
	Cameras int    // 0: the simulator's default
	Addr    string // "": a free loopback port
	Logger  *slog.Logger
}

// Zone is a running simulated zone and its zone record.
type Zone struct {
	Zone zone.Zone
	Sim  *sim.Zone
	// AMS is the zone's stand-in for the national ANPR database: a
	// loopback TLS server that checks every message's signature against
	// the console's AMS key. The console reaches it with AMSClient.
	AMS *amstest.Receiver
}

// AMSClient is the client that trusts the stand-in AMS's certificate.
func (z *Zone) AMSClient() *http.Client { return z.AMS.Client() }

// Start starts the simulator, writes its zone file to DATA/sim/zone.toml
// (so a user can copy and edit it), stores the protected camera's login in
// the credential store and creates the demo accounts that are missing.
func Start(ctx context.Context, o Options) (*Zone, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	dir := filepath.Join(o.DataDir, "sim")
	if err := sqlitedb.PrivateDir(dir); err != nil {
		return nil, fmt.Errorf("simulated zone: %w", err)
	}
	sz, err := sim.Start(ctx, sim.Config{Addr: o.Addr, Cameras: o.Cameras, Seed: 1,
		TruthPath: filepath.Join(dir, "truth.jsonl"), Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("simulated zone: %w", err)
	}
	z := &Zone{Sim: sz}
	ok := false
	defer func() {
		if !ok {
			sz.Close()
		}
	}()
	creds, err := identity.OpenCredentials(o.DataDir)
	if err != nil {
		return nil, err
	}
	if z.Zone, err = zoneOf(sz, creds); err != nil {
		return nil, err
	}
	if err := zone.SaveZone(filepath.Join(dir, "zone.toml"), z.Zone); err != nil {
		o.Logger.Warn("simulated zone file not written", "err", err)
	}
	if err := ensureDemoUsers(ctx, o.DataDir, o.Logger); err != nil {
		return nil, err
	}
	// The console's AMS key is the one it signs with (ams.KeyFile makes it
	// on first use): the stand-in checks against its public half.
	key, err := ams.KeyFile(filepath.Join(o.DataDir, "keys", "ams.ed25519"))
	if err != nil {
		return nil, err
	}
	z.AMS = amstest.NewReceiver(key.Public().(ed25519.PublicKey))
	z.Zone.AMS = zone.AMS{Endpoint: z.AMS.URL(), Sender: "5434"}
	ok = true
	return z, nil
}

// Close stops the simulator and the stand-in AMS.
func (z *Zone) Close() error {
	if z.AMS != nil {
		z.AMS.Close()
	}
	return z.Sim.Close()
}

// Inject puts a plate on the next vehicle passing an ANPR camera and says
// when it will be best visible (the console's PassageInjector).
func (z *Zone) Inject(cameraID, display, country string) (time.Time, error) {
	p, err := z.Sim.Inject(cameraID, display, country)
	return p.Time, err
}

func zoneOf(z *sim.Zone, creds *identity.Credentials) (zone.Zone, error) {
	out := zone.Zone{Name: "PZ Kanton Borgloon (gesimuleerd)", Municipality: "Borgloon", Room: "dispatch-borgloon",
		Lat: 50.8005, Lon: 5.3436, Simulated: true, PatrolFeed: z.PatrolFeedAddr()}
	for _, sc := range z.Cameras() {
		cam := zone.Camera{ID: sc.ID, Name: sc.Name, Kind: zone.CameraKind(sc.Kind), Owner: policy.OwnerPolice, Municipality: "Borgloon",
			Address: sc.Address, Lat: sc.Lat, Lon: sc.Lon, ApprovalRef: "GR-2024-" + sc.ID, ApprovalDate: "2024-03-12",
			MainURL: sc.MainURL, SubURL: sc.SubURL, PTZ: sc.PTZ}
		switch cam.Kind {
		case zone.KindThirdParty:
			cam.Owner = policy.OwnerThirdParty
		case zone.KindFixed:
			// The town's own cameras: a municipal operator may see their recordings.
			if len(out.Cameras)%2 == 1 {
				cam.Owner = policy.OwnerMunicipality
			}
		}
		if sc.Username != "" {
			cam.Credential = sc.ID
			if err := creds.Set(sc.ID, identity.Credential{Username: sc.Username, Password: sc.Password}); err != nil {
				return zone.Zone{}, err
			}
		}
		// The PTZ cameras answer ONVIF with a login of their own; their
		// streams are open, so the credential entry holds the ONVIF login
		// (the one entry a camera names serves both).
		if sc.ONVIF != "" {
			cam.ONVIF = sc.ONVIF
			if cam.Credential == "" {
				cam.Credential = sc.ID
				if err := creds.Set(sc.ID, identity.Credential{Username: sc.ONVIFUsername, Password: sc.ONVIFPassword}); err != nil {
					return zone.Zone{}, err
				}
			}
		}
		cam.MainURL, cam.SubURL = stripUser(cam.MainURL), stripUser(cam.SubURL)
		out.Cameras = append(out.Cameras, cam)
	}
	for _, s := range z.Streets() {
		st := zone.Street{Name: s.Name}
		for _, p := range s.Points {
			st.Points = append(st.Points, [2]float64{p.Lat, p.Lon})
		}
		out.Streets = append(out.Streets, st)
	}
	out.Rounds = rounds(out.Cameras)
	return out, out.Validate()
}

// rounds makes the two rounds the simulated zone ships: the station area
// (the first half of the cameras) and the shopping streets (the rest).
func rounds(cams []zone.Camera) []zone.Round {
	if len(cams) == 0 {
		return nil
	}
	half := (len(cams) + 1) / 2
	mk := func(name, area string, cs []zone.Camera) zone.Round {
		r := zone.Round{Name: name, Area: area}
		for _, cam := range cs {
			r.Steps = append(r.Steps, zone.RoundStep{Cameras: []string{cam.ID}, Dwell: zone.Duration{Duration: 20 * time.Second}})
		}
		return r
	}
	out := []zone.Round{mk("Stationsbuurt", "Stationsstraat en omgeving", cams[:half])}
	if len(cams) > half {
		out = append(out, mk("Winkelstraten", "Markt en winkelstraten", cams[half:]))
	}
	return out
}

func stripUser(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

func ensureDemoUsers(ctx context.Context, dataDir string, log *slog.Logger) error {
	users, err := identity.OpenUsers(filepath.Join(dataDir, "users.db"), log)
	if err != nil {
		return err
	}
	defer users.Close()
	for _, u := range DemoUsers() {
		_, err := users.Get(ctx, u.Name)
		if err == nil {
			continue
		}
		if !errors.Is(err, identity.ErrUserNotFound) {
			return fmt.Errorf("demo user %s: %w", u.Name, err)
		}
		if err := users.AddDemo(ctx, u, DemoPassword); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Name, err)
		}
	}
	return nil
}
