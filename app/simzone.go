package app

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/politiezone/zoneconsole/sim"
)

// DemoPassword is the password of the demo accounts of the simulated zone.
// They exist only there: a real zone file never gets them.
const DemoPassword = "demo"

// DemoUsers are the accounts created for the simulated zone, one per role.
var DemoUsers = []User{
	{Name: "dispatcher", FullName: "Inspecteur An Peeters", Role: RoleDispatcher},
	{Name: "teamchef", FullName: "Hoofdinspecteur Luc Janssens", Role: RoleTeamChief},
	{Name: "bewaker", FullName: "Bewakingsagent Tom Claes", Role: RoleSecurityGuard},
	{Name: "recherche", FullName: "Inspecteur Sofie Maes", Role: RoleInvestigator},
	{Name: "stad", FullName: "Stadsoperator Jan Willems", Role: RoleMunicipal, Municipality: "Borgloon"},
	{Name: "dpo", FullName: "DPO Els Wouters", Role: RoleDPO},
	{Name: "beheerder", FullName: "Beheerder Kris Dubois", Role: RoleAdmin},
}

// startSim starts the built-in simulated zone, writes its zone file to
// DATA/sim/zone.toml (so the user can copy and edit it) and stores the
// protected camera's login in the credential store, not in the zone file.
func (c *Console) startSim(ctx context.Context) error {
	dir := filepath.Join(c.cfg.DataDir, "sim")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("simulated zone: %w", err)
	}
	z, err := sim.Start(ctx, sim.Config{Addr: c.cfg.SimAddr, Cameras: c.cfg.SimCameras, Seed: 1,
		TruthPath: filepath.Join(dir, "truth.jsonl"), Logger: c.cfg.Logger})
	if err != nil {
		return fmt.Errorf("simulated zone: %w", err)
	}
	c.sim = z
	zone, err := c.zoneFromSim(z)
	if err != nil {
		return err
	}
	c.zone = zone
	if err := SaveZone(filepath.Join(dir, "zone.toml"), zone); err != nil {
		c.log.Warn("simulated zone file not written", "err", err)
	}
	return c.ensureDemoUsers(ctx)
}

func (c *Console) zoneFromSim(z *sim.Zone) (Zone, error) {
	zone := Zone{Name: "PZ Kanton Borgloon (gesimuleerd)", Municipality: "Borgloon", Room: "dispatch-borgloon",
		Lat: 50.8005, Lon: 5.3436, Simulated: true}
	for _, sc := range z.Cameras() {
		cam := Camera{ID: sc.ID, Name: sc.Name, Kind: CameraKind(sc.Kind), Owner: OwnerPolice, Municipality: "Borgloon",
			Address: sc.Address, Lat: sc.Lat, Lon: sc.Lon, ApprovalRef: "GR-2024-" + sc.ID, ApprovalDate: "2024-03-12",
			MainURL: sc.MainURL, SubURL: sc.SubURL, PTZ: sc.PTZ}
		switch cam.Kind {
		case KindThirdParty:
			cam.Owner = OwnerThirdParty
		case KindFixed:
			// The town's own cameras: a municipal operator may see their recordings.
			if len(zone.Cameras)%2 == 1 {
				cam.Owner = OwnerMunicipality
			}
		}
		if sc.Username != "" {
			cam.Credential = sc.ID
			if err := c.creds.Set(sc.ID, Credential{Username: sc.Username, Password: sc.Password}); err != nil {
				return Zone{}, err
			}
		}
		cam.MainURL, cam.SubURL = stripUser(cam.MainURL), stripUser(cam.SubURL)
		zone.Cameras = append(zone.Cameras, cam)
	}
	zone.Rounds = simRounds(zone.Cameras)
	return zone, zone.Validate()
}

// simRounds makes the two rounds the simulated zone ships: the station area
// (the first half of the cameras) and the shopping streets (the rest).
func simRounds(cams []Camera) []Round {
	if len(cams) == 0 {
		return nil
	}
	half := (len(cams) + 1) / 2
	mk := func(name, area string, cs []Camera) Round {
		r := Round{Name: name, Area: area}
		for _, cam := range cs {
			r.Steps = append(r.Steps, RoundStep{Cameras: []string{cam.ID}, Dwell: Duration{20 * time.Second}})
		}
		return r
	}
	rounds := []Round{mk("Stationsbuurt", "Stationsstraat en omgeving", cams[:half])}
	if len(cams) > half {
		rounds = append(rounds, mk("Winkelstraten", "Markt en winkelstraten", cams[half:]))
	}
	return rounds
}

func stripUser(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

func (c *Console) ensureDemoUsers(ctx context.Context) error {
	for _, u := range DemoUsers {
		if _, err := c.users.Get(ctx, u.Name); err == nil {
			continue
		}
		if err := c.users.Add(ctx, u, DemoPassword); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Name, err)
		}
	}
	return nil
}
