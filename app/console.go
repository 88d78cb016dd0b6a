package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/video"
)

// Config says where a console keeps its state and which zone it serves.
type Config struct {
	DataDir string
	// Zone is the zone served: a zone file's content (zone.LoadZone), or
	// the simulated zone main started (simzone.Start). The console starts
	// nothing of its own: it connects to the cameras and the patrol feed
	// the zone names, as for any real zone.
	Zone Zone
	// ZonePath is the zone file round edits are written to; empty for the
	// simulated zone, whose edited rounds are kept in DATA/rounds.db.
	ZonePath string
	// Console names this workstation in the audit trail; Room is the
	// dispatch room it stands in (a guard needs a team chief in the same room).
	Console string
	Room    string
	Logger  *slog.Logger
	// Now is the clock; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time
	// ANPRModels is the plate reader's model directory
	// (anpr/install-models.sh DIR); empty: $ZONECONSOLE_ANPR_MODELS, else DATA/models/anpr.
	ANPRModels string
	// Injector, for the simulated zone, puts a chosen plate on the next
	// vehicle passing an ANPR camera (demonstrations and tests); nil for a
	// real zone.
	Injector PassageInjector
}

// PassageInjector makes a simulated zone show a chosen plate at an ANPR
// camera and says when it will be best visible.
type PassageInjector interface {
	Inject(cameraID, display, country string) (time.Time, error)
}

// Console is the facade the UI drives. Every consultation goes through it:
// it asks the policy, writes the audit entry, and only then hands over pixels.
type Console struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	zone     Zone
	audit    *audit.Log
	users    *Users
	sessions *Sessions
	access   *access.Gate
	creds    *Credentials
	pool     *video.Pool
	cancel   context.CancelFunc

	// dispatch is the ANPR, hit and patrol state (anpr.go, hits.go, patrols.go).
	dispatch *dispatchState

	wg    sync.WaitGroup
	mu    sync.Mutex
	views map[string]*LiveView
	// runs are the camera rounds running on this console; Close stops them.
	runs map[*RoundRun]struct{}
	// watchAudited is when each session's live panel was last audited.
	watchAudited map[string]time.Time

	closeOnce sync.Once
	closeErr  error
}

// Open opens every store of the console in cfg.DataDir and loads the zone (or
// starts the simulated one). ctx bounds the lifetime of background work.
func Open(ctx context.Context, cfg Config) (*Console, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Console == "" {
		cfg.Console, _ = os.Hostname()
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &Console{cfg: cfg, log: cfg.Logger.With("component", "console"), now: func() time.Time { return cfg.Now().UTC() },
		cancel: cancel, views: map[string]*LiveView{}, runs: map[*RoundRun]struct{}{}, watchAudited: map[string]time.Time{}, dispatch: newDispatchState()}
	ok := false
	defer func() {
		if !ok {
			c.Close()
		}
	}()

	var err error
	c.audit, err = audit.Open(filepath.Join(cfg.DataDir, "audit.db"), audit.Options{
		KeyPath: filepath.Join(cfg.DataDir, "keys", "audit.ed25519"), Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	if err := c.closeOrphanIntervals(ctx); err != nil {
		return nil, err
	}
	if c.creds, err = OpenCredentials(cfg.DataDir); err != nil {
		return nil, err
	}
	if c.users, err = OpenUsers(filepath.Join(cfg.DataDir, "users.db"), cfg.Logger); err != nil {
		return nil, err
	}
	c.sessions = identity.NewSessions(c.users, c.audit, c.now)
	c.access = access.New(c.audit, c.sessions, c.now)
	if err := cfg.Zone.Validate(); err != nil {
		return nil, fmt.Errorf("zone %s: %w", cfg.Zone.Name, err)
	}
	c.zone = cfg.Zone
	if c.cfg.Room == "" {
		c.cfg.Room = c.zone.Room
	}
	c.pool = video.NewPool(ctx, cfg.Logger)
	// Plate reading and the patrol feed: a zone without models or without a
	// feed still opens; StartDispatch logs what did not start.
	_ = c.StartDispatch(ctx)
	c.wg.Add(1)
	go c.recheckLoop(ctx, 2*time.Second)
	ok = true
	return c, nil
}

// Close stops every view and background task and closes the stores.
func (c *Console) Close() error {
	c.closeOnce.Do(func() {
		// Rounds first: a run still going would open its next step's views
		// while the stores close under it. Stop writes the run's report
		// and round.stop.
		c.mu.Lock()
		runs := make([]*RoundRun, 0, len(c.runs))
		for r := range c.runs {
			runs = append(runs, r)
		}
		c.mu.Unlock()
		for _, r := range runs {
			r.Stop()
		}
		c.mu.Lock()
		views := make([]*LiveView, 0, len(c.views))
		for _, v := range c.views {
			views = append(views, v)
		}
		c.mu.Unlock()
		var errs []error
		for _, v := range views {
			errs = append(errs, v.Close())
		}
		errs = append(errs, c.CloseDispatch())
		if c.cancel != nil {
			c.cancel()
		}
		c.wg.Wait()
		if c.pool != nil {
			errs = append(errs, c.pool.Close())
		}
		if c.users != nil {
			errs = append(errs, c.users.Close())
		}
		if c.audit != nil {
			errs = append(errs, c.audit.Close())
		}
		c.closeErr = errors.Join(errs...)
	})
	return c.closeErr
}

// closeOrphanIntervals ends the views a crash or power cut left open: their
// live.stop says when the console came back, so a review never shows a camera
// on screen for days. A data directory has one writer (the audit store is
// locked), so every open interval in it is this console's.
func (c *Console) closeOrphanIntervals(ctx context.Context) error {
	open, err := openIntervals(ctx, c.audit, c.now().Add(-Retention))
	if err != nil {
		return err
	}
	for _, e := range open {
		stop := audit.Entry{User: e.User, Role: e.Role, Console: e.Console, Action: trail.ActLiveStop,
			Subject: e.Subject, JustKind: e.JustKind, JustText: e.JustText, JustRef: e.JustRef, AuthRef: e.AuthRef,
			Outcome: audit.OutcomeAllowed, Detail: trail.MustEncode(trail.LiveStop{View: trail.ViewOf(e), Ended: "console_restart"}, trail.Facts{})}
		if _, err := c.audit.Append(ctx, stop); err != nil {
			return fmt.Errorf("closing interval left open by a crash: %w", err)
		}
		c.log.Warn("closed a live interval left open by a crash", "user", e.User, "subject", e.Subject, "since", e.Time)
	}
	return nil
}

// openIntervals are the live views the trail shows as still open since a
// time (audit.Log and audit.Reader both answer Query).
func openIntervals(ctx context.Context, q interface {
	Query(context.Context, audit.Filter) ([]audit.Entry, error)
}, since time.Time) ([]audit.Entry, error) {
	es, err := q.Query(ctx, audit.Filter{From: since, Actions: []audit.Action{trail.ActLiveStart, trail.ActLiveStop}})
	if err != nil {
		return nil, fmt.Errorf("open intervals: %w", err)
	}
	return trail.OpenIntervals(es), nil
}

// Zone returns the zone this console serves.
func (c *Console) Zone() Zone { return c.zone }

// Room is the dispatch room this console stands in.
func (c *Console) Room() string { return c.cfg.Room }

// Login opens a session on this console.
func (c *Console) Login(ctx context.Context, name, password string) (*Session, error) {
	return c.sessions.Login(ctx, name, password, c.cfg.Console, c.cfg.Room)
}

// Logout closes the session's views and then the session.
func (c *Console) Logout(ctx context.Context, s *Session) error {
	c.mu.Lock()
	var mine []*LiveView
	for _, v := range c.views {
		if v.sess == s {
			mine = append(mine, v)
		}
	}
	c.mu.Unlock()
	var errs []error
	for _, v := range mine {
		errs = append(errs, v.Close())
	}
	c.dsp().hits.closeFeedsOf(s)
	errs = append(errs, c.sessions.Logout(ctx, s))
	// A guard watching under this team chief loses the ground at once.
	c.recheckViews()
	return errors.Join(errs...)
}

// Can says whether the session could do act at all right now, without an
// audit entry, so the UI can grey out what it may not do. Every real
// consultation still goes through Access.Check.
func (c *Console) Can(s *Session, act Action) bool { return c.access.May(s, act) }

func (c *Console) resource(cam Camera, live bool) Resource {
	return Resource{Camera: cam.ID, Owner: cam.Owner, Municipality: cam.Municipality, Covert: cam.Covert, Live: live}
}
