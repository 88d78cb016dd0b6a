package live

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
)

// Read is one plate read of an ANPR camera: for the overlay on its tile,
// and what the console's hit matching works on.
type Read struct {
	Camera     string
	Time       time.Time // when the frame arrived
	Plate      string    // normalised
	Display    string
	Country    string
	Confidence float64
	Crop       image.Image
}

// PlateReads gives an ANPR camera's newest reads (the console's reader).
type PlateReads interface {
	LatestReads(cameraID string, n int) []Read
}

// Recorder tells whether a camera is recorded, and why not (the console's
// recordings), for the tile.
type Recorder interface {
	Status(camera string) recording.Status
}

// Config is what the live views are made of.
type Config struct {
	Access *access.Gate
	Panels *access.Panels
	Creds  *identity.Credentials
	Pool   *video.Pool
	Zone   zone.Zone
	Plates PlateReads // nil: no overlay
	Rec    Recorder   // nil: recording unknown
	Room   Room       // nil: this console is the room
	Logger *slog.Logger
	Now    func() time.Time
}

// Views are the live views of one console: every camera on a screen, as
// an audited interval per session and camera. Each is re-decided every few
// seconds and at every logout, and ended (live.stop with the policy's code)
// when its ground is gone.
type Views struct {
	access *access.Gate
	panels *access.Panels
	creds  *identity.Credentials
	pool   *video.Pool
	zone   zone.Zone
	plates PlateReads
	rec    Recorder
	room   Room
	log    *slog.Logger
	now    func() time.Time

	wg    sync.WaitGroup
	mu    sync.Mutex
	views map[string]*View
}

type noPlates struct{}

func (noPlates) LatestReads(string, int) []Read { return nil }

// New makes the views of a console.
func New(cfg Config) *Views {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Plates == nil {
		cfg.Plates = noPlates{}
	}
	if cfg.Room == nil {
		cfg.Room = aloneRoom{}
	}
	if cfg.Panels == nil {
		cfg.Panels = access.NewPanels(cfg.Access)
	}
	now := cfg.Now
	return &Views{access: cfg.Access, panels: cfg.Panels, creds: cfg.Creds, pool: cfg.Pool, zone: cfg.Zone, plates: cfg.Plates, rec: cfg.Rec, room: cfg.Room,
		log: cfg.Logger.With("component", "live"), now: func() time.Time { return now().UTC() }, views: map[string]*View{}}
}

// Run re-decides the open views every period until ctx ends.
func (c *Views) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.Recheck()
		}
	}
}

// Recheck ends the views whose ground is gone now (after a logout).
func (c *Views) Recheck() { c.recheckViews() }

// CloseSession ends every view of the session (it logs out).
func (c *Views) CloseSession(s *identity.Session) error {
	c.mu.Lock()
	var mine []*View
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
	return errors.Join(errs...)
}

// Close ends every view (the console closes).
func (c *Views) Close() error {
	c.mu.Lock()
	views := make([]*View, 0, len(c.views))
	for _, v := range c.views {
		views = append(views, v)
	}
	c.mu.Unlock()
	var errs []error
	for _, v := range views {
		errs = append(errs, v.Close())
	}
	return errors.Join(errs...)
}

// source gets the pool's Source of a camera's stream, the one every view,
// the plate reader and the recorder of that stream share (same key, same
// URL).
func (c *Views) source(cam zone.Camera, st Stream) (*video.Source, func(), error) {
	return Source(c.pool, c.creds, cam, st)
}

// Source is the pool's one Source of a camera's stream, shared by the wall,
// the plate reader and the recorder: the same key and the same URL, with
// the camera's login from the credential store filled in (never logged).
// It is for the console's own parts; a person sees its pixels only through
// a View.
func Source(pool *video.Pool, creds *identity.Credentials, cam zone.Camera, st Stream) (*video.Source, func(), error) {
	raw := cam.SubURL
	if st == StreamMain || raw == "" {
		raw = cam.MainURL
	}
	u, err := creds.WithCredential(raw, cam.Credential)
	if err != nil {
		return nil, nil, fmt.Errorf("camera %s: %w", cam.ID, err)
	}
	src, release := pool.Acquire(cam.ID+"/"+st.String(), u)
	return src, release, nil
}

// Warm connects a camera's stream and keeps it decoding ahead of its turn
// (a round's next step), with no pixels reaching anyone: the subscription's
// frames are never taken, so it is not a view and is not audited as one.
// The step's real View takes over the shared Source. cons is the round's
// consultation.
func (c *Views) Warm(cons access.Consultation, cam zone.Camera, st Stream) (release func(), err error) {
	if !cons.Valid() {
		return nil, access.ErrWrongConsultation
	}
	src, rel, err := c.source(cam, st)
	if err != nil {
		return nil, err
	}
	sub := src.Subscribe()
	return func() {
		sub.Close()
		rel()
	}, nil
}

// Snapshot copies the newest frame of the view's camera, with its privacy
// masks blacked out, through a subscription of its own: taking the frame
// from the view would steal it from the screen. The view is the
// consultation: a closed view takes no snapshot.
func (v *View) Snapshot(ctx context.Context, wait time.Duration) (*image.RGBA, error) {
	v.mu.Lock()
	closed, st := v.closed, v.stream
	v.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("camera %s: the view has ended", v.Camera.ID)
	}
	src, release, err := v.c.source(v.Camera, st)
	if err != nil {
		return nil, err
	}
	defer release()
	sub := src.Subscribe()
	defer sub.Close()
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
			return nil, fmt.Errorf("camera %s: no frame for the snapshot within %s", v.Camera.ID, wait)
		case <-sub.Ready():
			f := sub.Latest()
			if f == nil {
				continue
			}
			img := zone.CopyMasked(nil, f.Image, v.Camera.Masks)
			f.Release()
			return img, nil
		}
	}
}

// Session is who the view is open for.
func (v *View) Session() *identity.Session { return v.sess }

// Len is how many views are open (no who or what: a count).
func (c *Views) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.views)
}

// Recording tells whether the view's camera is being recorded, and why not
// (off in the zone file, codec refused, disk full, no stream).
func (v *View) Recording() recording.Status {
	if v.c.rec == nil {
		return recording.Status{Reason: recording.ReasonOff}
	}
	return v.c.rec.Status(v.Camera.ID)
}

// Reconnect moves the open views of the cameras match selects to the
// camera's current URL and login (a login just changed): each view stays
// one audited interval and keeps its last picture until the new
// connection's first frame.
func (c *Views) Reconnect(match func(zone.Camera) bool) {
	c.mu.Lock()
	var vs []*View
	for _, v := range c.views {
		if match(v.Camera) {
			vs = append(vs, v)
		}
	}
	c.mu.Unlock()
	for _, v := range vs {
		v.mu.Lock()
		st, closed := v.stream, v.closed
		v.mu.Unlock()
		if closed {
			continue
		}
		if err := v.attach(st); err != nil {
			c.log.Warn("view not reconnected with the new login", "camera", v.Camera.ID, "err", err)
		}
	}
}
