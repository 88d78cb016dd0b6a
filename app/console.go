package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/ams"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/footage"
	"github.com/politiezone/zoneconsole/hits"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/rounds"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
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
	// (anpr/install-models.sh DIR); empty: DATA/models/anpr.
	ANPRModels string
	// Record starts the recording of every camera set to record (zone file
	// record = ...): `run` and `serve` do, tests choose.
	Record bool
	// AMSClient and AMSLoopbackForTests reach the simulated zone's test
	// receiver (a loopback TLS server); a real zone leaves them zero.
	AMSClient           *http.Client
	AMSLoopbackForTests bool
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
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	zone  Zone
	audit *audit.Log
	// trail is where entries are written: the console's audit, and the
	// room's chain when the zone names a room database.
	trail trailLog
	room  *room // nil: a console on its own
	// roomLive and roomDesk are live and Desk for the room's callbacks,
	// which may come before Open has made them.
	roomLive atomic.Pointer[live.Views]
	roomDesk atomic.Pointer[hits.Desk]
	// roomSpool takes the console's audit checkpoints to the room
	// (witnessInRoom); nil until the room is open.
	roomSpool atomic.Pointer[roomdb.Spool]
	users     *Users
	sessions  *Sessions
	access    *access.Gate
	ptzDesk   ptzDesk // one ONVIF client per steerable camera
	creds     *Credentials
	pool      *video.Pool
	cancel    context.CancelFunc

	// dispatch is the ANPR, hit and patrol state (anpr.go, hits.go, patrols.go).
	dispatch *dispatchState

	live *live.Views
	// Desk brings the hits and dispatch methods (SubscribeHits, ConfirmHit,
	// Dispatch, Patrols, ...): each takes the session and decides itself.
	*hits.Desk
	panels *access.Panels

	rounds  *rounds.Runner
	footage *footage.Archive
	// footageErr is why the recordings could not be opened (nil: they were).
	footageErr error
	// imgMu guards searchImages: per session, the passage images its
	// searches returned (PassageImage serves only those).
	imgMu        sync.Mutex
	searchImages map[string]map[string]bool
	// ams is the queue of passages for the national ANPR database (nil:
	// not forwarding).
	ams *ams.Queue

	wg sync.WaitGroup

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
		cancel: cancel, dispatch: newDispatchState()}
	ok := false
	defer func() {
		if !ok {
			c.Close()
		}
	}()

	var err error
	c.audit, err = openAudit(cfg.DataDir, cfg.Zone.Audit, cfg.Logger, c.witnessInRoom)
	if err != nil {
		return nil, err
	}
	if c.creds, err = OpenCredentials(cfg.DataDir); err != nil {
		return nil, err
	}
	if c.users, err = OpenUsers(filepath.Join(cfg.DataDir, "users.db"), cfg.Logger); err != nil {
		return nil, err
	}
	if err := cfg.Zone.Validate(); err != nil {
		return nil, fmt.Errorf("zone %s: %w", cfg.Zone.Name, err)
	}
	c.zone = cfg.Zone
	if c.cfg.Room == "" {
		c.cfg.Room = c.zone.Room
	}
	c.trail = trailLog{local: c.audit}
	var roomOpts []identity.Option
	if c.zone.Database != "" {
		// Another console's session or view changed: a guard here may have
		// lost (or found) the team chief who supervises them.
		recheck := func() {
			if l := c.roomLive.Load(); l != nil {
				l.Recheck()
			}
		}
		if c.room, err = openRoom(ctx, c.cfg, c.creds, c.now, recheck, c.onRoomHit, c.onRoomPatrol, c.onRoomAccount); err != nil {
			return nil, err
		}
		c.trail.room = c.room.spool
		c.roomSpool.Store(c.room.spool)
		c.users.OnChange(c.publishAccount)
		roomOpts = append(roomOpts, identity.WithRoom(roomSessions{c.room}))
	}
	if err := c.closeOrphanIntervals(ctx); err != nil {
		return nil, err
	}
	// Grants only for cameras that exist and belong to the operator's
	// municipality, for at most the zone's limit; sessions lock after the
	// zone's idle time (the window reports activity and offers the prompt).
	c.sessions = identity.NewSessions(c.users, c.trail, c.now, append([]identity.Option{
		identity.WithCameras(c.zone.Resource), identity.WithMaxGrant(c.zone.GrantLimit()),
		identity.WithIdleLock(c.zone.IdleLockAfter())}, roomOpts...)...)
	c.access = access.New(c.trail, c.sessions, c.now)
	c.pool = video.NewPool(ctx, cfg.Logger)
	// The wall does not depend on the recordings: a recordings store that
	// will not open is an alarm and a log line, not a console that will not
	// start.
	var rec live.Recorder
	if c.footage, err = footage.Open(footage.Config{Access: c.access, Pool: c.pool, Creds: c.creds, Zone: c.zone,
		DataDir: cfg.DataDir, Console: cfg.Console, Logger: cfg.Logger, Now: c.now}); err != nil {
		c.log.Error("recordings unavailable: nothing is recorded", "err", err)
		c.footageErr = err
	} else {
		rec = c.footage
		if cfg.Record {
			c.footage.Start(ctx)
			if err := c.startAMS(ctx); err != nil {
				c.log.Error("passages are not forwarded to the AMS", "err", err)
			}
			// The service's work: passages past the retention go too.
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				c.purgeLoop(ctx)
			}()
		}
	}
	c.panels = access.NewPanels(c.access)
	var views live.Room
	if c.room != nil {
		views = roomViews{c.room}
	}
	c.live = live.New(live.Config{Access: c.access, Panels: c.panels, Creds: c.creds, Pool: c.pool, Zone: c.zone,
		Plates: plateSource{c}, Rec: rec, Room: views, Logger: cfg.Logger, Now: c.now})
	c.roomLive.Store(c.live)
	var roomHitDesk hits.Room
	if c.room != nil {
		roomHitDesk = roomHits{c.room}
	}
	c.Desk = hits.New(hits.Config{Access: c.access, Panels: c.panels, Sessions: c.sessions, Zone: c.zone,
		Room: roomHitDesk, Console: c.cfg.Console, Logger: cfg.Logger, Now: c.now})
	c.roomDesk.Store(c.Desk)
	if c.room != nil {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.syncRoom(ctx)
		}()
	}
	c.ptzDesk.clients = map[string]ptzEntry{}
	var roomReports rounds.Room
	if c.room != nil {
		roomReports = roomRounds{c.room}
	}
	c.rounds = rounds.New(rounds.Config{Access: c.access, Live: c.live, Desk: c.Desk, Zone: c.zone, Presets: c, Room: roomReports,
		DataDir: cfg.DataDir, ZonePath: cfg.ZonePath, Logger: cfg.Logger, Now: c.now})
	// Plate reading and the patrol feed: a zone without models or without a
	// feed still opens; StartDispatch logs what did not start.
	_ = c.StartDispatch(ctx)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.live.Run(ctx, 2*time.Second)
	}()
	ok = true
	return c, nil
}

// Close stops every view and background task and closes the stores.
func (c *Console) Close() error {
	c.closeOnce.Do(func() {
		// Rounds first: a run still going would open its next step's views
		// while the stores close under it. Each writes its report and
		// round.stop.
		if c.rounds != nil {
			c.rounds.StopAll()
		}
		var errs []error
		if c.live != nil {
			errs = append(errs, c.live.Close())
		}
		// The background loops (recheck, purge, AMS) end before the stores
		// they use close.
		if c.cancel != nil {
			c.cancel()
		}
		c.wg.Wait()
		errs = append(errs, c.CloseDispatch())
		if c.footage != nil {
			errs = append(errs, c.footage.Close())
		}
		if c.ams != nil {
			errs = append(errs, c.ams.Close())
		}
		if c.pool != nil {
			errs = append(errs, c.pool.Close())
		}
		if c.users != nil {
			errs = append(errs, c.users.Close())
		}
		// The audit before the room: its final checkpoint goes to the room.
		if c.audit != nil {
			errs = append(errs, c.audit.Close())
		}
		if c.room != nil {
			errs = append(errs, c.room.close())
		}
		c.closeErr = errors.Join(errs...)
	})
	return c.closeErr
}

// closeOrphanIntervals ends the views a crash or power cut left open: their
// live.stop says when the console came back, so a review never shows a camera
// on screen for days. Only this console's: serve and the CLI append to the
// same store, and another console on the same data directory keeps its own.
func (c *Console) closeOrphanIntervals(ctx context.Context) error {
	open, err := openIntervals(ctx, c.audit, c.now().Add(-Retention))
	if err != nil {
		return err
	}
	for _, e := range open {
		if e.Console != c.cfg.Console {
			continue
		}
		stop := audit.Entry{User: e.User, Role: e.Role, Console: e.Console, Action: trail.ActLiveStop,
			Subject: e.Subject, JustKind: e.JustKind, JustText: e.JustText, JustRef: e.JustRef, AuthRef: e.AuthRef,
			Outcome: audit.OutcomeAllowed, Detail: trail.MustEncode(trail.LiveStop{View: trail.ViewOf(e), Ended: "console_restart"}, trail.Facts{})}
		if _, err := c.trail.Append(ctx, stop); err != nil {
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
	errs := []error{c.live.CloseSession(s)}
	c.Desk.CloseSession(s)
	c.imgMu.Lock()
	delete(c.searchImages, s.ID)
	c.imgMu.Unlock()
	errs = append(errs, c.sessions.Logout(ctx, s))
	// A guard watching under this team chief loses the ground at once.
	c.live.Recheck()
	return errors.Join(errs...)
}

// Can says whether the session could do act at all right now, without an
// audit entry, so the UI can grey out what it may not do. Every real
// consultation still goes through Access.Check.
func (c *Console) Can(s *Session, act Action) bool { return c.access.May(s, act) }

// Suffices says whether why would let the session watch the camera live
// now, without an audit entry and without opening anything: the wall opens
// a camera under its justification at once when it does, and asks again
// only when the policy needs more (a covert camera, a municipal grant).
// The opening itself is still decided and audited (OpenLive).
func (c *Console) Suffices(s *Session, cameraID string, why Reason) bool {
	cam, ok := c.zone.Camera(cameraID)
	return ok && c.access.Recheck(s, ActLive, c.resource(cam, true), why).Allow
}

func (c *Console) resource(cam Camera, live bool) Resource { return access.CameraResource(cam, live) }

// OpenLive shows a camera to a session: the policy decides, the audit entry
// is written, and only then is the stream subscribed (live.Views.Open).
func (c *Console) OpenLive(ctx context.Context, s *Session, cameraID string, st Stream, why Reason) (*LiveView, error) {
	return c.live.Open(ctx, s, cameraID, st, why)
}

// Watching lists who watches which camera on this console, since when and
// why; a consultation of its own (the team chief's live panel).
func (c *Console) Watching(ctx context.Context, s *Session) ([]Watch, error) {
	return c.live.Watching(ctx, s)
}

// plateSource serves the live views' plate overlay (live.PlateReads); the
// views hand the reads out only to a session that may see them.
type plateSource struct{ c *Console }

func (p plateSource) LatestReads(cameraID string, n int) []Read { return p.c.latestReads(cameraID, n) }

func newID() string { return rand.Text()[:16] }

// openAudit opens the data directory's audit trail for appending, pinned to
// the zone's audit key and witnessed where the zone says. A chain found
// broken anywhere, or signed by another key, is refused with the reason
// (the administrator must see it; the console does not append to it).
func openAudit(dataDir string, trust zone.AuditTrust, log *slog.Logger, onWitness ...func(audit.WitnessRecord)) (*audit.Log, error) {
	opts := audit.Options{KeyPath: filepath.Join(dataDir, "keys", "audit.ed25519"), Fingerprint: trust.KeyFingerprint,
		Witness: trust.Witness, Logger: log}
	if len(onWitness) > 0 {
		opts.OnWitness = onWitness[0]
	}
	l, err := audit.Open(filepath.Join(dataDir, "audit.db"), opts)
	switch {
	case errors.Is(err, audit.ErrBroken):
		return nil, fmt.Errorf("the audit trail in %s is broken; the console will not append to it (run zoneconsole audit verify, and tell the DPO): %w", dataDir, err)
	case errors.Is(err, audit.ErrKeyMismatch):
		return nil, fmt.Errorf("the audit trail in %s is signed by another key than the zone file pins: %w", dataDir, err)
	}
	return l, err
}
