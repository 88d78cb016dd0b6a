package anpr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// FrameReader is what the pipeline needs of a Reader.
type FrameReader interface {
	Read(ctx context.Context, img image.Image) ([]Read, error)
}

// PipelineConfig configures a Pipeline.
type PipelineConfig struct {
	Reader FrameReader
	// Workers is how many frames are read at once (default GOMAXPROCS).
	Workers int
	// MaxLag: a frame that waited longer than this before a worker took it
	// is dropped unread (default 1 s), so the reads never trail the cameras
	// by more than that plus one read.
	MaxLag  time.Duration
	Tracker TrackerConfig
	// Store, when set, receives every passage.
	Store *Passages
	// OnRead is called with the reads of every frame that had any (for the
	// wall's overlay); OnPassage with every passage after it was stored.
	// Both are called from the pipeline's goroutines and must not block.
	OnRead    func(camera string, at time.Time, reads []Read)
	OnPassage func(Passage)
	Now       func() time.Time
	Logger    *slog.Logger
}

// PipelineStats are the pipeline's counters since it started.
type PipelineStats struct {
	Offered   uint64 // frames offered
	Busy      uint64 // refused because every worker and the queue were busy
	Stale     uint64 // dropped because they waited longer than MaxLag
	Processed uint64 // frames read
	Reads     uint64 // plate reads
	Passages  uint64
	Errors    uint64
	Elapsed   time.Duration
	MaxLag    time.Duration // the longest a processed frame waited
}

// DropRate is the share of offered frames that were not read.
func (s PipelineStats) DropRate() float64 {
	if s.Offered == 0 {
		return 0
	}
	return float64(s.Busy+s.Stale) / float64(s.Offered)
}

// FPS is the rate of frames read.
func (s PipelineStats) FPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Processed) / s.Elapsed.Seconds()
}

type job struct {
	camera  string
	img     *image.RGBA
	at      time.Time
	release func()
}

// Pipeline reads the frames of ANPR cameras with bounded work: at most one
// frame waits per camera, a camera's new frame is refused while its last one
// still waits, workers take the longest-waiting camera first (so every
// camera gets its share, however the frames of all cameras line up in
// time), frames that grew stale are dropped, and a tracker turns reads into
// passages.
type Pipeline struct {
	cfg     PipelineConfig
	log     *slog.Logger
	tracker *Tracker
	sig     chan struct{} // a frame is waiting

	mu      sync.Mutex
	pending map[string]job // camera -> its waiting frame
	running bool
	done    bool

	start                                                  time.Time
	offered, busy, stale, processed, reads, passages, errs atomic.Uint64
	maxLag                                                 atomic.Int64
}

// NewPipeline returns a pipeline; Run starts it.
func NewPipeline(cfg PipelineConfig) (*Pipeline, error) {
	if cfg.Reader == nil {
		return nil, errors.New("anpr: pipeline needs a reader")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxLag <= 0 {
		cfg.MaxLag = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{
		cfg: cfg, log: cfg.Logger.With("component", "anpr-pipeline"),
		tracker: NewTracker(cfg.Tracker), sig: make(chan struct{}, 1), pending: map[string]job{},
	}, nil
}

// Offer hands a frame to the pipeline, which owns it from then on and calls
// release exactly once when done with it. It never blocks: when the
// camera's previous frame is still waiting for a worker, the new frame is
// dropped (released at once) and Offer returns false.
func (p *Pipeline) Offer(camera string, img *image.RGBA, at time.Time, release func()) bool {
	if release == nil {
		release = func() {}
	}
	p.offered.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done || img == nil {
		p.busy.Add(1)
		release()
		return false
	}
	if _, waiting := p.pending[camera]; waiting {
		p.busy.Add(1)
		release()
		return false
	}
	p.pending[camera] = job{camera: camera, img: img, at: at, release: release}
	p.signal()
	return true
}

func (p *Pipeline) signal() {
	select {
	case p.sig <- struct{}{}:
	default:
	}
}

// next takes the longest-waiting frame, if any.
func (p *Pipeline) next() (job, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var best job
	found := false
	for _, j := range p.pending {
		if !found || j.at.Before(best.at) {
			best, found = j, true
		}
	}
	if found {
		delete(p.pending, best.camera)
		if len(p.pending) > 0 {
			p.signal() // wake another worker for the rest
		}
	}
	return best, found
}

// Run reads frames until ctx ends, then emits the passages still open and
// returns. It can be called once.
func (p *Pipeline) Run(ctx context.Context) error {
	p.mu.Lock()
	if p.running || p.done {
		p.mu.Unlock()
		return errors.New("anpr: pipeline already run")
	}
	p.running = true
	p.start = p.cfg.Now()
	p.mu.Unlock()

	var wg sync.WaitGroup
	for i := 0; i < p.cfg.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work(ctx)
		}()
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-tick.C:
			// A frame may be read up to MaxLag after it was taken, so a
			// vehicle has only surely gone MaxLag after its gap.
			p.emit(ctx, p.tracker.Flush(p.cfg.Now().Add(-p.cfg.MaxLag), false))
		}
	}
	wg.Wait()
	p.mu.Lock()
	p.done = true
	p.mu.Unlock()
	// Frames still waiting are given back unread.
	for {
		j, ok := p.next()
		if !ok {
			break
		}
		p.stale.Add(1)
		j.release()
	}
	// The last passages are stored even though ctx has ended.
	p.emit(context.WithoutCancel(ctx), p.tracker.Flush(p.cfg.Now(), true))
	return nil
}

func (p *Pipeline) work(ctx context.Context) {
	for ctx.Err() == nil {
		if j, ok := p.next(); ok {
			p.process(ctx, j)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-p.sig:
		}
	}
}

func (p *Pipeline) process(ctx context.Context, j job) {
	lag := p.cfg.Now().Sub(j.at)
	if lag > p.cfg.MaxLag {
		p.stale.Add(1)
		j.release()
		return
	}
	// Workers race here: a plain load-then-store could overwrite a longer
	// lag with a shorter one.
	for cur := p.maxLag.Load(); int64(lag) > cur && !p.maxLag.CompareAndSwap(cur, int64(lag)); {
		cur = p.maxLag.Load()
	}
	reads, err := p.cfg.Reader.Read(ctx, j.img)
	if err != nil {
		j.release()
		if ctx.Err() == nil {
			p.errs.Add(1)
			p.log.Warn("read failed", "camera", j.camera, "err", err)
		}
		return
	}
	obs := make([]Observation, len(reads))
	for i := range reads {
		if !reads[i].Box.In(j.img.Bounds()) {
			// The plate runs off the frame (a car entering or leaving):
			// what was read may be cut, so it must not stand alone.
			reads[i].Confidence *= 0.5
		}
	}
	for i, r := range reads {
		// Copy what the passage keeps before the frame goes back.
		obs[i] = Observation{Camera: j.camera, At: j.at, Read: r,
			Vehicle: vehicleImage(j.img, r.Box, 480), Colour: dominantColour(j.img, r.Box)}
	}
	j.release()
	p.processed.Add(1)
	if len(reads) == 0 {
		return
	}
	p.reads.Add(uint64(len(reads)))
	if p.cfg.OnRead != nil {
		p.cfg.OnRead(j.camera, j.at, reads)
	}
	for _, o := range obs {
		p.tracker.Observe(o)
	}
}

func (p *Pipeline) emit(ctx context.Context, ps []Passage) {
	for _, ps := range ps {
		if p.cfg.Store != nil {
			id, err := p.cfg.Store.Add(ctx, ps)
			if err != nil {
				p.errs.Add(1)
				p.log.Error("passage not stored", "camera", ps.Camera, "plate", ps.Plate, "err", err)
			}
			ps.ID = id
		}
		p.passages.Add(1)
		if p.cfg.OnPassage != nil {
			p.cfg.OnPassage(ps)
		}
	}
}

// Stats returns the counters.
func (p *Pipeline) Stats() PipelineStats {
	p.mu.Lock()
	start := p.start
	p.mu.Unlock()
	var el time.Duration
	if !start.IsZero() {
		el = p.cfg.Now().Sub(start)
	}
	return PipelineStats{
		Offered: p.offered.Load(), Busy: p.busy.Load(), Stale: p.stale.Load(),
		Processed: p.processed.Load(), Reads: p.reads.Load(), Passages: p.passages.Load(),
		Errors: p.errs.Load(), Elapsed: el, MaxLag: time.Duration(p.maxLag.Load()),
	}
}

// String is a one-line summary for logs and the CLI.
func (s PipelineStats) String() string {
	return fmt.Sprintf("offered=%d read=%d busy=%d stale=%d drop=%.1f%% fps=%.1f reads=%d passages=%d errors=%d maxlag=%s",
		s.Offered, s.Processed, s.Busy, s.Stale, 100*s.DropRate(), s.FPS(), s.Reads, s.Passages, s.Errors, s.MaxLag.Round(time.Millisecond))
}
