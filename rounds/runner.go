package rounds

import (
	"context"
	"crypto/rand"
	"log/slog"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/hits"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/zone"
)

// Config is what a console's rounds are made of.
type Config struct {
	Access *access.Gate
	Live   *live.Views
	Desk   *hits.Desk // sends a patrol for an observation
	Zone   zone.Zone
	// DataDir holds rounds.db and the observations' snapshots; ZonePath is
	// the zone file edits are written to (empty: the simulated zone, whose
	// edits are kept in rounds.db).
	DataDir, ZonePath string
	Logger            *slog.Logger
	Now               func() time.Time
	// Presets sends a step's PTZ camera to the preset the step names (nil:
	// steps with a preset just show the camera where it points).
	Presets PresetSender
	// Room shares finished reports with the room's other consoles (nil:
	// a console on its own).
	Room Room
}

// PresetSender sends a camera to a named preset on behalf of a round's
// session, deciding and auditing the move itself (the console's ptz.move).
type PresetSender interface {
	SendPreset(ctx context.Context, s *identity.Session, cameraID, preset string, why policy.Reason) error
}

// Runner is a console's virtual patrols: the rounds of the zone, their
// edits, the runs (each camera shown is its own audited live view) and
// the visit reports.
type Runner struct {
	access   *access.Gate
	live     *live.Views
	desk     *hits.Desk
	zone     zone.Zone
	dataDir  string
	zonePath string
	log      *slog.Logger
	now      func() time.Time
	presets  PresetSender
	room     Room

	mu   sync.Mutex
	runs map[*Run]struct{}
}

// New makes the rounds of a console.
func New(cfg Config) *Runner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now
	return &Runner{access: cfg.Access, live: cfg.Live, desk: cfg.Desk, zone: cfg.Zone, dataDir: cfg.DataDir,
		zonePath: cfg.ZonePath, log: cfg.Logger, now: func() time.Time { return now().UTC() }, runs: map[*Run]struct{}{}, presets: cfg.Presets, room: cfg.Room}
}

// StopAll stops the running rounds and waits: each writes its report and
// round.stop and closes its views (before the console's stores close).
func (c *Runner) StopAll() {
	c.mu.Lock()
	runs := make([]*Run, 0, len(c.runs))
	for r := range c.runs {
		runs = append(runs, r)
	}
	c.mu.Unlock()
	for _, r := range runs {
		r.Stop()
	}
}

func newID() string { return rand.Text()[:16] }
