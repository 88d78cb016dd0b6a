package hits

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/zone"
)

// Read is a plate read that may raise a hit.
type Read = live.Read

// Config is what the hit desk is made of.
type Config struct {
	Access   *access.Gate
	Panels   *access.Panels
	Sessions *identity.Sessions
	Zone     zone.Zone
	Logger   *slog.Logger
	Now      func() time.Time
	// Alerts decides which hits raise the alarm; zero: hotlist's defaults.
	Alerts hotlist.AlertPolicy
	// Room shares the hits and their decisions with the room's other
	// consoles (nil: alone); Console is this console's name in it.
	Room    Room
	Console string
}

// Desk is a console's hotlist hits and patrol dispatch: it raises the
// alerts, hands them to the sessions that may see them (feeds, searches,
// each audited), records who confirmed or rejected what, and sends the
// nearest free patrol over the vehicle-location feed.
type Desk struct {
	access   *access.Gate
	panels   *access.Panels
	sessions *identity.Sessions
	zone     zone.Zone
	log      *slog.Logger
	now      func() time.Time
	alerts   hotlist.AlertPolicy // which hits raise the alarm (zero: the defaults)

	book    *hitBook
	patrols *patrolDesk

	room    Room
	console string
	roomWG  sync.WaitGroup // the raises in flight to the room
}

// New makes a desk; OpenStore gives it its store, StartPatrols its feed.
func New(cfg Config) *Desk {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Panels == nil {
		cfg.Panels = access.NewPanels(cfg.Access)
	}
	now := cfg.Now
	return &Desk{access: cfg.Access, panels: cfg.Panels, sessions: cfg.Sessions, zone: cfg.Zone,
		log: cfg.Logger.With("component", "hits"), alerts: cfg.Alerts, now: func() time.Time { return now().UTC() },
		book: newHitBook(), patrols: newPatrolDesk(), room: cfg.Room, console: cfg.Console}
}

// OpenStore opens DATA/hits.db and loads the hits it kept; without it the
// hits live in memory only (the audit trail still has every step).
func (c *Desk) OpenStore(ctx context.Context, dataDir string) error {
	st, err := openHitStore(filepath.Join(dataDir, "hits.db"), c.log)
	if err != nil {
		return err
	}
	kept, err := st.load(ctx, hitsKept, c.cameraOrID)
	if err != nil {
		st.close()
		return fmt.Errorf("hits: %w", err)
	}
	c.book.attach(st, kept)
	if err := c.restoreUnits(ctx, st); err != nil {
		c.log.Error("unit statuses of an earlier run not restored", "err", err)
	}
	return nil
}

// CloseSession ends the hit feeds of a session that logged out.
func (c *Desk) CloseSession(s *identity.Session) { c.book.closeFeedsOf(s) }

// Close stops the patrol feed, ends every hit feed and closes the store.
func (c *Desk) Close() error {
	c.roomWG.Wait()
	errs := []error{c.patrols.close()}
	c.book.closeFeeds()
	if st := c.book.detach(); st != nil {
		errs = append(errs, st.close())
	}
	return errors.Join(errs...)
}

// cameraOrID is the zone's camera record, or one with just the id for a
// camera no longer in the zone file.
func (c *Desk) cameraOrID(id string) zone.Camera {
	if cam, ok := c.zone.Camera(id); ok {
		return cam
	}
	return zone.Camera{ID: id, Name: id}
}

func newID() string { return rand.Text()[:16] }
