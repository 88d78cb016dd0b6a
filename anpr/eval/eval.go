package eval

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/video"
)

// Config configures one evaluation run.
type Config struct {
	ModelDir string
	Duration time.Duration // simulated (= wall) time to run; default 1 min
	Cameras  int           // cameras in the zone (default 8)
	Seed     int64
	Workers  int    // pipeline workers (default GOMAXPROCS)
	Detector string // default anpr.DetectFast
	// AnyFormat reads plates of unknown series too (anpr.Config.AnyFormat),
	// as passages of country "" that the tracker filters by motion.
	AnyFormat bool
	// DumpDir, when set, receives the plate crop and vehicle image of every
	// false passage, for a human to look at.
	DumpDir string
	Logger  *slog.Logger
}

// Miss is a ground-truth passage not read exactly.
type Miss struct {
	Camera string
	Time   time.Time
	Want   string
	Got    string // "" when no passage matched
}

// Result is the score of a run.
type Result struct {
	Truth     int // ground-truth passages scored
	Passages  int // passages the pipeline produced in the scored window
	Matched   int // truth passages with a passage of the same camera close in time
	Exact     int // matched with exactly the right plate
	False     int // passages that match no truth passage
	Recall    float64
	Precision float64
	ExactRate float64 // Exact / Truth
	FalseRate float64 // False / Passages
	Stats     anpr.PipelineStats
	Misses    []Miss
	Extra     []anpr.Passage // the false passages
}

// String is the summary `anpr eval` prints.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "truth=%d passages=%d matched=%d exact=%d false=%d\n", r.Truth, r.Passages, r.Matched, r.Exact, r.False)
	fmt.Fprintf(&b, "recall=%.1f%% precision=%.1f%% exact=%.1f%% false=%.2f%%\n", 100*r.Recall, 100*r.Precision, 100*r.ExactRate, 100*r.FalseRate)
	fmt.Fprintf(&b, "pipeline: %s", r.Stats)
	for _, m := range r.Misses {
		got := m.Got
		if got == "" {
			got = "(none)"
		}
		fmt.Fprintf(&b, "\nmiss %s %s want %s got %s", m.Camera, m.Time.Format("15:04:05.000"), m.Want, got)
	}
	for _, p := range r.Extra {
		fmt.Fprintf(&b, "\nfalse %s %s %s conf=%.2f reads=%d", p.Camera, p.Time.Format("15:04:05.000"), p.Plate, p.Confidence, p.Reads)
	}
	return b.String()
}

// matchWindow is how far outside a passage's span (first to last read) its
// truth time may be: the truth time is when the plate was best visible,
// which for a vehicle that slows down can be before or after the reads.
const matchWindow = 2 * time.Second

// edge: truth passages this close to the start or the end of the run are not
// scored (the vehicle was partly outside the run), nor are passages matching
// them counted as false.
const edge = 4 * time.Second

// Run starts the zone, reads its ANPR cameras for cfg.Duration and scores
// the passages.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Duration <= 0 {
		cfg.Duration = time.Minute
	}
	if cfg.Detector == "" {
		cfg.Detector = anpr.DetectFast
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	log := cfg.Logger.With("component", "anpr-eval")
	rd, err := anpr.NewReader(anpr.Config{ModelDir: cfg.ModelDir, Detector: cfg.Detector, AnyFormat: cfg.AnyFormat, Logger: cfg.Logger})
	if err != nil {
		return Result{}, err
	}
	defer rd.Close()

	zctx, zcancel := context.WithCancel(ctx)
	defer zcancel()
	z, err := sim.Start(zctx, sim.Config{Cameras: cfg.Cameras, Seed: cfg.Seed, Logger: cfg.Logger})
	if err != nil {
		return Result{}, fmt.Errorf("eval: start zone: %w", err)
	}
	defer z.Close()

	var mu sync.Mutex
	var got []anpr.Passage
	var rawReads strings.Builder
	var onRead func(string, time.Time, []anpr.Read)
	if cfg.DumpDir != "" {
		onRead = func(cam string, at time.Time, rs []anpr.Read) {
			mu.Lock()
			defer mu.Unlock()
			for _, r := range rs {
				fmt.Fprintf(&rawReads, "read  %s %s %s conf=%.2f box=%v\n", cam, at.Format("15:04:05.000"), r.Plate, r.Confidence, r.Box)
			}
		}
	}
	pl, err := anpr.NewPipeline(anpr.PipelineConfig{
		Reader: rd, Workers: cfg.Workers, Logger: cfg.Logger, OnRead: onRead,
		OnPassage: func(p anpr.Passage) {
			mu.Lock()
			got = append(got, p)
			mu.Unlock()
		},
	})
	if err != nil {
		return Result{}, err
	}
	pctx, pcancel := context.WithCancel(ctx)
	defer pcancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := pl.Run(pctx); err != nil {
			log.Error("pipeline", "err", err)
		}
	}()

	fctx, fcancel := context.WithCancel(ctx)
	var fwg sync.WaitGroup
	cams := 0
	for _, c := range z.Cameras() {
		if !c.ANPR {
			continue
		}
		cams++
		src := video.NewSource(video.SourceConfig{ID: c.ID, URL: c.WithCredentials(c.MainURL), Logger: cfg.Logger})
		sub := src.Subscribe()
		fwg.Add(2)
		go func() {
			defer fwg.Done()
			if err := src.Run(fctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Warn("source ended", "camera", c.ID, "err", err)
			}
		}()
		go func() {
			defer fwg.Done()
			defer sub.Close()
			for {
				select {
				case <-fctx.Done():
					return
				case <-sub.Ready():
					if f := sub.Latest(); f != nil {
						pl.Offer(c.ID, f.Image, f.Received, f.Release)
					}
				}
			}
		}()
	}
	if cams == 0 {
		fcancel()
		fwg.Wait()
		pcancel()
		wg.Wait()
		return Result{}, errors.New("eval: the zone has no ANPR camera")
	}
	start := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(cfg.Duration):
	}
	end := time.Now()
	fcancel()
	if !waitFor(&fwg, 15*time.Second) {
		pcancel()
		return Result{}, errors.New("eval: camera sources did not stop within 15 s")
	}
	pcancel()
	if !waitFor(&wg, 15*time.Second) {
		return Result{}, errors.New("eval: pipeline did not stop within 15 s")
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	var truth []sim.Passage
	anprCam := map[string]bool{}
	for _, c := range z.Cameras() {
		anprCam[c.ID] = c.ANPR
	}
	for _, p := range z.Passages() {
		if anprCam[p.Camera] {
			truth = append(truth, p)
		}
	}
	res := Score(truth, got, start.Add(edge), end.Add(-edge))
	res.Stats = pl.Stats()
	if cfg.DumpDir != "" {
		dump(cfg.DumpDir, res.Extra, log)
		var b strings.Builder
		for _, p := range truth {
			fmt.Fprintf(&b, "truth %s %s %s\n", p.Camera, p.Time.Format("15:04:05.000"), p.Plate)
		}
		for _, p := range got {
			fmt.Fprintf(&b, "got   %s %s %s [%s..%s] conf=%.2f reads=%d\n", p.Camera, p.Time.Format("15:04:05.000"), p.Plate,
				p.First.Format("15:04:05.000"), p.Last.Format("15:04:05.000"), p.Confidence, p.Reads)
		}
		mu.Lock()
		b.WriteString(rawReads.String())
		mu.Unlock()
		if err := os.WriteFile(filepath.Join(cfg.DumpDir, "passages.txt"), []byte(b.String()), 0o644); err != nil {
			log.Warn("dump", "err", err)
		}
	}
	return res, nil
}

// waitFor waits for wg at most d, so that a part that does not stop shows as
// an error naming it instead of a test that hangs.
func waitFor(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// Score matches passages to the truth within [from, to): each truth passage
// takes the nearest unclaimed passage of its camera within matchWindow,
// preferring one with the right plate.
func Score(truth []sim.Passage, got []anpr.Passage, from, to time.Time) Result {
	var res Result
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	used := make([]bool, len(got))
	sort.Slice(truth, func(i, j int) bool { return truth[i].Time.Before(truth[j].Time) })
	for _, tp := range truth {
		if !in(tp.Time) {
			// Claim its passage anyway so it is not counted as false.
			if i := nearest(tp, got, used, true); i >= 0 {
				used[i] = true
			} else if i := nearest(tp, got, used, false); i >= 0 {
				used[i] = true
			}
			continue
		}
		res.Truth++
		i := nearest(tp, got, used, true)
		if i < 0 {
			i = nearest(tp, got, used, false)
		}
		if i < 0 {
			res.Misses = append(res.Misses, Miss{Camera: tp.Camera, Time: tp.Time, Want: tp.Plate})
			continue
		}
		used[i] = true
		res.Matched++
		if got[i].Plate == tp.Plate {
			res.Exact++
		} else {
			res.Misses = append(res.Misses, Miss{Camera: tp.Camera, Time: tp.Time, Want: tp.Plate, Got: got[i].Plate})
		}
	}
	for i, p := range got {
		if !in(p.Time) && !in(p.First) {
			continue
		}
		res.Passages++
		if !used[i] {
			res.False++
			res.Extra = append(res.Extra, p)
		}
	}
	if res.Truth > 0 {
		res.Recall = float64(res.Matched) / float64(res.Truth)
		res.ExactRate = float64(res.Exact) / float64(res.Truth)
	}
	if res.Passages > 0 {
		res.Precision = float64(res.Passages-res.False) / float64(res.Passages)
		res.FalseRate = float64(res.False) / float64(res.Passages)
	}
	return res
}

func nearest(tp sim.Passage, got []anpr.Passage, used []bool, samePlate bool) int {
	best, bestD := -1, matchWindow+1
	for i, p := range got {
		if used[i] || p.Camera != tp.Camera || (samePlate && p.Plate != tp.Plate) {
			continue
		}
		var d time.Duration
		switch {
		case tp.Time.Before(p.First):
			d = p.First.Sub(tp.Time)
		case tp.Time.After(p.Last):
			d = tp.Time.Sub(p.Last)
		}
		if d <= matchWindow && d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

func dump(dir string, ps []anpr.Passage, log *slog.Logger) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Warn("dump", "err", err)
		return
	}
	for i, p := range ps {
		for kind, img := range map[string]image.Image{"crop": p.Crop, "vehicle": p.Vehicle} {
			if img == nil {
				continue
			}
			name := filepath.Join(dir, fmt.Sprintf("false-%02d-%s-%s-%s.png", i, p.Camera, p.Plate, kind))
			f, err := os.Create(name)
			if err != nil {
				log.Warn("dump", "err", err)
				return
			}
			if err := png.Encode(f, img); err != nil {
				log.Warn("dump", "err", err)
			}
			f.Close()
		}
	}
}
