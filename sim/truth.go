package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Passage is one vehicle passing an ANPR camera: the ground truth an ANPR
// reader is scored against.
type Passage struct {
	Camera  string    `json:"camera"`  // camera id, "cam03"
	Time    time.Time `json:"time"`    // when the plate was best visible (about 230 px wide on main)
	Plate   string    `json:"plate"`   // normalised, plate.Normalize(Display)
	Display string    `json:"display"` // as written on the plate, "1-ABC-123"
	Country string    `json:"country"` // BE, NL, FR, DE, LU
	// PlateBox is where the plate is at Time on the main stream (1280x720
	// pixels); scale it for the sub stream.
	PlateBox image.Rectangle `json:"plate_box"`
}

// truthLog keeps the passages in memory and appends them to a JSON-lines
// file when one is configured.
type truthLog struct {
	mu   sync.Mutex
	list []Passage
	f    *os.File
	err  error
}

func openTruth(path string) (*truthLog, error) {
	t := &truthLog{}
	if path == "" {
		return t, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("ground truth: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("ground truth: %w", err)
	}
	t.f = f
	return t, nil
}

func (t *truthLog) add(ps []Passage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.list = append(t.list, ps...)
	if t.f == nil || t.err != nil {
		return
	}
	for _, p := range ps {
		b, err := json.Marshal(p)
		if err == nil {
			_, err = t.f.Write(append(b, '\n'))
		}
		if err != nil {
			t.err = fmt.Errorf("ground truth %s: %w", t.f.Name(), err)
			return
		}
	}
}

func (t *truthLog) all() []Passage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Passage(nil), t.list...)
}

func (t *truthLog) close() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.f == nil {
		return t.err
	}
	err := t.f.Close()
	t.f = nil
	if t.err != nil {
		return t.err
	}
	return err
}

// runTruth moves passages from the cameras' schedules to the log as the
// scene clock passes them, whether or not anyone watches the cameras.
func (z *Zone) runTruth(ctx context.Context) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			z.collectPassages(now)
		}
	}
}

func (z *Zone) collectPassages(now time.Time) {
	var batch []Passage
	for _, c := range z.cams {
		for _, e := range c.sched.passagesUntil(z.since(now)) {
			batch = append(batch, z.passageOf(c, e))
		}
	}
	if len(batch) == 0 {
		return
	}
	// Cameras are visited in turn; sort the batch so the log is in time order.
	slices.SortStableFunc(batch, func(a, b Passage) int { return a.Time.Compare(b.Time) })
	z.truth.add(batch)
}

func (z *Zone) passageOf(c *camState, e entity) Passage {
	return Passage{Camera: c.pub.ID, Time: z.epoch.Add(e.best()).Round(time.Millisecond),
		Plate: e.plate.Norm, Display: e.plate.Display, Country: e.plate.Country,
		PlateBox: plateBox(&e, anprScale(bestFrac), streamSizes[0][0], streamSizes[0][1])}
}

// Inject puts a plate on the next vehicle to enter the view of an ANPR
// camera (at the earliest 300 ms from now) and returns the passage that
// will be logged once it has passed. Tests use it to make a listed plate
// pass a camera.
func (z *Zone) Inject(cameraID, display, country string) (Passage, error) {
	c, ok := z.byID[cameraID]
	if !ok {
		return Passage{}, fmt.Errorf("inject on %q: %w", cameraID, ErrUnknownCamera)
	}
	if !c.pub.ANPR {
		return Passage{}, fmt.Errorf("inject on %s: not an ANPR camera", cameraID)
	}
	p := newPlateInfo(display, country)
	e, ok := c.sched.inject(z.since(time.Now())+300*time.Millisecond, p)
	if !ok {
		return Passage{}, fmt.Errorf("inject on %s: no vehicle scheduled", cameraID)
	}
	return z.passageOf(c, e), nil
}
