package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/plate"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
)

// ANPRConfig configures the plate reading of the zone's ANPR cameras.
type ANPRConfig struct {
	// ModelDir holds the reader's models (anpr/install-models.sh DIR);
	// empty means DATA/models/anpr.
	ModelDir string
	// Reader replaces the model-based reader (tests, another engine).
	Reader anpr.FrameReader
	// Workers is the number of frames read at once (default GOMAXPROCS).
	Workers int
	// Tracker tunes when reads become one passage.
	Tracker anpr.TrackerConfig
	// RefreshLists is how often lists imported by another process
	// (`zoneconsole hotlist import`) are picked up (default 15 s).
	RefreshLists time.Duration
}

// Read is one plate read of an ANPR camera.
type Read = live.Read

// Passage is one vehicle passing one ANPR camera (see anpr.Passage).
type Passage = anpr.Passage

// ANPRStats are the reading pipeline's counters; DropRate is the share of
// offered frames not read (the pipeline drops rather than falls behind).
type ANPRStats = anpr.PipelineStats

// ErrANPRStarted is returned by StartANPR when plate reading already runs.
var ErrANPRStarted = errors.New("anpr: already started")

// readsKept is how many reads per camera are kept for LatestReads: one car
// is read in up to a few dozen frames, and the overlay shows the last cars.
const readsKept = 128

// dispatchState is what the ANPR, hit and patrol parts of a console keep.
type dispatchState struct {
	storesOnce sync.Once
	storesErr  error
	hot        *hotlist.Store
	passages   *anpr.Passages

	mu      sync.Mutex
	pipe    *anpr.Pipeline
	reader  interface{ Close() error }
	reads   map[string][]Read // camera -> newest last, at most readsKept
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	running bool
	closed  bool
}

func (c *Console) dsp() *dispatchState { return c.dispatch }

func newDispatchState() *dispatchState {
	return &dispatchState{reads: map[string][]Read{}}
}

// consoleMatch is the console's misread tolerance: look-alikes and one
// inserted or dropped character, no substitution (hotlist.ConsoleOptions says
// why). Which of those hits raise the alarm and which wait in the quiet list
// is the hit desk's AlertPolicy (hotlist BenchmarkFalseAlerts measures both).
func consoleMatch() hotlist.MatchOptions { return hotlist.ConsoleOptions() }

// stores opens the hotlist store (DATA/hotlist.db) and the passage store
// (DATA/passages.db and DATA/images) once.
func (c *Console) stores(ctx context.Context) (*hotlist.Store, *anpr.Passages, error) {
	d := c.dsp()
	d.storesOnce.Do(func() {
		d.hot, d.storesErr = hotlist.Open(ctx, filepath.Join(c.cfg.DataDir, "hotlist.db"),
			hotlist.Options{Logger: c.cfg.Logger, Now: c.now, Match: consoleMatch()})
		if d.storesErr != nil {
			return
		}
		d.passages, d.storesErr = anpr.OpenPassages(c.cfg.DataDir, anpr.PassagesOptions{Now: c.now, Logger: c.cfg.Logger,
			Retention: c.zone.ANPR.RetentionPeriod()})
		if d.storesErr != nil {
			d.hot.Close()
			d.hot = nil
			return
		}
		if err := c.Desk.OpenStore(ctx, c.cfg.DataDir); err != nil {
			// Hits then live in memory only; the audit trail still has every step.
			c.log.Error("hits store", "err", err)
		}
	})
	if d.storesErr != nil {
		return nil, nil, d.storesErr
	}
	return d.hot, d.passages, nil
}

// StartDispatch starts plate reading on the zone's ANPR cameras and the
// patrol feed, with defaults. Console.Open calls it; a zone without models
// or without a feed still opens (the failure is logged and returned).
func (c *Console) StartDispatch(ctx context.Context) error {
	errA := c.StartANPR(ctx, ANPRConfig{ModelDir: c.cfg.ANPRModels})
	if errA != nil {
		c.log.Warn("ANPR not started", "err", errA)
	}
	errP := c.StartPatrols(ctx, PatrolConfig{Addr: c.zone.PatrolFeed})
	if errP != nil {
		c.log.Warn("patrol feed not started", "err", errP)
	}
	return errors.Join(errA, errP)
}

// StartANPR reads the plates of every ANPR camera of the zone: it subscribes
// to each camera's main stream through the shared pool (the wall's enlarged
// tile decodes the same stream once), offers the frames to one bounded
// pipeline, stores the passages and matches every read against the
// hotlists. Background reading is not a consultation: nothing is audited per
// frame; a person's search is (SearchPassages), and so is handling a hit.
func (c *Console) StartANPR(ctx context.Context, cfg ANPRConfig) error {
	d := c.dsp()
	hot, passages, err := c.stores(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errors.New("anpr: console closed")
	}
	if d.pipe != nil {
		return ErrANPRStarted
	}
	rd := cfg.Reader
	if rd == nil {
		// No environment variable is read here: what a console does depends
		// on its Config only (the command line finds the models).
		dir := cfg.ModelDir
		if dir == "" {
			dir = filepath.Join(c.cfg.DataDir, "models", "anpr")
		}
		// AnyFormat: foreign plates of series the plate package does not know
		// still become passages, marked format unknown; the tracker keeps
		// van lettering and timestamps out by where they sit and how they move.
		r, err := anpr.NewReader(anpr.Config{ModelDir: dir, Logger: c.cfg.Logger, AnyFormat: true})
		if err != nil {
			return fmt.Errorf("anpr: reader: %w", err)
		}
		d.reader = r
		rd = r
	}
	if cfg.RefreshLists <= 0 {
		cfg.RefreshLists = 15 * time.Second
	}
	pipe, err := anpr.NewPipeline(anpr.PipelineConfig{
		Reader: rd, Workers: cfg.Workers, Tracker: cfg.Tracker, Store: passages, Logger: c.cfg.Logger,
		OnRead:    func(cam string, at time.Time, rs []anpr.Read) { c.onReads(hot, cam, at, rs) },
		OnPassage: func(p anpr.Passage) { c.onPassage(hot, p) },
	})
	if err != nil {
		c.closeReaderLocked()
		return err
	}
	d.pipe = pipe
	ctx, d.cancel = context.WithCancel(ctx)
	d.running = true
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		if err := pipe.Run(ctx); err != nil {
			c.log.Error("anpr pipeline", "err", err)
		}
	}()
	go func() {
		defer d.wg.Done()
		c.refreshLists(ctx, hot, cfg.RefreshLists)
	}()
	n := 0
	for _, cam := range c.zone.Cameras {
		if !cam.Kind.ANPR() || cam.MainURL == "" {
			continue
		}
		// The same Source as a View of the main stream: one decode.
		src, release, err := live.Source(c.pool, c.creds, cam, StreamMain)
		if err != nil {
			c.log.Warn("anpr camera skipped", "camera", cam.ID, "err", err)
			continue
		}
		n++
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer release()
			c.feedCamera(ctx, pipe, cam, src)
		}()
	}
	c.log.Info("anpr started", "cameras", n)
	return nil
}

// feedCamera offers the camera's decoded main-stream frames to the pipeline
// until ctx ends. The pipeline refuses what it cannot read in time.
func (c *Console) feedCamera(ctx context.Context, pipe *anpr.Pipeline, cam Camera, src *video.Source) {
	sub := src.Subscribe()
	defer sub.Close()
	var masks maskedFrames
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.Ready():
			f := sub.Latest()
			if f == nil {
				continue
			}
			if len(cam.Masks) == 0 {
				pipe.Offer(cam.ID, f.Image, f.Received, f.Release)
				continue
			}
			// A masked area is private ground: no plate is read there
			// either. The pipeline keeps the picture until it is read, so
			// each offered frame needs its own buffer: masked copies come
			// from a small pool and go back to it when read.
			img := masks.get(f.Image.Rect)
			zone.CopyMasked(img, f.Image, cam.Masks)
			at := f.Received
			f.Release()
			pipe.Offer(cam.ID, img, at, func() { masks.put(img) })
		}
	}
}

func (c *Console) refreshLists(ctx context.Context, hot *hotlist.Store, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := hot.Refresh(ctx); err != nil && ctx.Err() == nil {
				c.log.Warn("hotlist refresh", "err", err)
			}
		}
	}
}

// onReads runs on a pipeline worker: keep the reads for the overlay and
// match them. It must not block.
func (c *Console) onReads(hot *hotlist.Store, cam string, at time.Time, rs []anpr.Read) {
	d := c.dsp()
	now := c.now()
	d.mu.Lock()
	prev := d.reads[cam]
	kept := make([]Read, 0, len(rs))
	for _, r := range rs {
		kept = append(kept, Read{Camera: cam, Time: at, Plate: r.Plate, Display: r.Display, Country: r.Country,
			Confidence: r.Confidence, Crop: r.Crop})
	}
	all := append(prev, kept...)
	if len(all) > readsKept {
		all = append([]Read(nil), all[len(all)-readsKept:]...)
	}
	d.reads[cam] = all
	d.mu.Unlock()
	for _, r := range kept {
		if !alertable(r, prev) {
			continue
		}
		for _, h := range hot.Matcher().Match(r.Plate, r.Country, now) {
			c.Desk.Raise(h, r, 0)
		}
	}
}

// onPassage links a stored passage to the hits its reads raised, and raises
// the hits no single read was sure enough to raise.
func (c *Console) onPassage(hot *hotlist.Store, p anpr.Passage) {
	c.Desk.LinkPassage(p)
	c.forward(p)
	r := Read{Camera: p.Camera, Time: p.Time, Plate: p.Plate, Display: p.Display, Country: p.Country,
		Confidence: p.Confidence, Crop: p.Crop}
	for _, h := range hot.Matcher().Match(p.Plate, p.Country, c.now()) {
		c.Desk.Raise(h, r, p.ID, p.Vehicle)
	}
}

// alertSure is the confidence at which one read raises an alert at once;
// below it the plate must be read a second time (one character apart at
// most) by the same camera within alertPair, so that van lettering read once
// does not alarm the dispatcher.
const (
	alertSure = 0.8
	alertPair = 2 * time.Second
)

func alertable(r Read, prev []Read) bool {
	if r.Confidence >= alertSure {
		return true
	}
	for i := len(prev) - 1; i >= 0; i-- {
		p := prev[i]
		if r.Time.Sub(p.Time) > alertPair {
			break
		}
		if plate.WithinOneEdit(p.Plate, r.Plate) {
			return true
		}
	}
	return false
}

// maskedFrames is a feed's pool of masked copies: the pipeline holds at
// most one waiting frame per camera and a few being read, so a handful of
// buffers serve a camera for its lifetime instead of one allocation a frame.
type maskedFrames struct {
	mu   sync.Mutex
	free []*image.RGBA
}

func (m *maskedFrames) get(r image.Rectangle) *image.RGBA {
	m.mu.Lock()
	defer m.mu.Unlock()
	for len(m.free) > 0 {
		img := m.free[len(m.free)-1]
		m.free = m.free[:len(m.free)-1]
		if img.Rect == r {
			return img
		}
	}
	return image.NewRGBA(r)
}

func (m *maskedFrames) put(img *image.RGBA) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.free) < 8 {
		m.free = append(m.free, img)
	}
}

// latestReads returns the newest read of each of the camera's last n
// plates, newest first: the dispatcher wants the last vehicles, and one car
// is read in many consecutive frames. Only LiveView.Reads hands them out.
func (c *Console) latestReads(cameraID string, n int) []Read {
	d := c.dsp()
	d.mu.Lock()
	defer d.mu.Unlock()
	rs := d.reads[cameraID]
	if n <= 0 {
		n = len(rs)
	}
	out := make([]Read, 0, min(n, len(rs)))
	seen := map[string]bool{}
	for i := len(rs) - 1; i >= 0 && len(out) < n; i-- {
		if seen[rs[i].Plate] {
			continue
		}
		seen[rs[i].Plate] = true
		out = append(out, rs[i])
	}
	return out
}

// ANPRStats returns the pipeline's counters (zero when ANPR is not running).
func (c *Console) ANPRStats() ANPRStats {
	d := c.dsp()
	d.mu.Lock()
	p := d.pipe
	d.mu.Unlock()
	if p == nil {
		return ANPRStats{}
	}
	return p.Stats()
}

// ANPRRunning reports whether plate reading runs.
func (c *Console) ANPRRunning() bool {
	d := c.dsp()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.running
}

// CloseDispatch stops plate reading and the patrol feed and closes the
// ANPR stores. Console.Close calls it before the pool and the audit log
// close; it is idempotent.
func (c *Console) CloseDispatch() error {
	d := c.dispatch
	if d == nil {
		return nil
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	cancel := d.cancel
	d.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	d.wg.Wait()
	errs := []error{c.Desk.Close()}
	d.mu.Lock()
	d.running = false
	c.closeReaderLocked()
	d.mu.Unlock()
	if d.passages != nil {
		errs = append(errs, d.passages.Close())
	}
	if d.hot != nil {
		errs = append(errs, d.hot.Close())
	}
	return errors.Join(errs...)
}

func (c *Console) closeReaderLocked() {
	d := c.dsp()
	if d.reader != nil {
		if err := d.reader.Close(); err != nil {
			c.log.Warn("anpr reader close", "err", err)
		}
		d.reader = nil
	}
}

// ErrNotSimulated is returned for what only the simulated zone can do.
var ErrNotSimulated = errors.New("the zone is not simulated")

// SimulatePassage makes the simulated zone put a plate on the next vehicle
// passing an ANPR camera (demonstrations and tests of the hit path), and
// says when it will be best visible.
func (c *Console) SimulatePassage(cameraID, display, country string) (time.Time, error) {
	if c.cfg.Injector == nil {
		return time.Time{}, ErrNotSimulated
	}
	return c.cfg.Injector.Inject(cameraID, display, country)
}

// cameraOrID is the zone's camera record, or one with just the id for a
// camera no longer in the zone file.
func (c *Console) cameraOrID(id string) Camera {
	if cam, ok := c.zone.Camera(id); ok {
		return cam
	}
	return Camera{ID: id, Name: id}
}
