package anpr

import (
	"image"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/plate"
)

// TrackerConfig says when reads belong to one vehicle.
type TrackerConfig struct {
	// Gap: a vehicle has gone when its plate was not read for this long
	// (default 3 s: a plate can be hidden for a second or more by another
	// vehicle, and two vehicles with one plate seconds apart do not occur).
	Gap time.Duration
	// MaxAge: a passage is emitted at the latest this long after its first
	// read, so a parked car does not hold its passage forever (default 30 s).
	MaxAge time.Duration
	// MinReads is how many reads a passage needs, unless one of them is at
	// least SureConfidence (defaults 2 and 0.9): a single doubtful read is
	// more often van lettering or a sign than a car.
	MinReads       int
	SureConfidence float64
}

func (c *TrackerConfig) setDefaults() {
	if c.Gap <= 0 {
		c.Gap = 3 * time.Second
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 30 * time.Second
	}
	if c.MinReads <= 0 {
		c.MinReads = 2
	}
	if c.SureConfidence <= 0 {
		c.SureConfidence = 0.9
	}
}

// Observation is one read of one frame, with what the passage keeps of it.
type Observation struct {
	Camera  string
	At      time.Time
	Read    Read
	Vehicle image.Image // the region around the plate
	Colour  string
}

type track struct {
	camera      string
	first, last time.Time
	votes       map[string]float64 // plate -> summed confidence
	best        map[string]Observation
	reads       int
	lastBox     image.Rectangle
	firstBox    image.Rectangle
	firstAt     time.Time // when firstBox was seen (first may move earlier)
}

// Tracker merges the reads of consecutive frames of one camera into
// passages: reads of the same or a near-identical plate (one character
// apart) within Gap belong to one vehicle. The passage takes the plate with
// the most summed confidence over its reads, and that plate's best read.
// It is safe for concurrent use.
type Tracker struct {
	cfg    TrackerConfig
	mu     sync.Mutex
	tracks []*track
	// recent are the tracks flushed in the last few Gaps, for judging a
	// read without a known format against the plates read beside it.
	recent []*track
}

// NewTracker returns a tracker.
func NewTracker(cfg TrackerConfig) *Tracker {
	cfg.setDefaults()
	return &Tracker{cfg: cfg}
}

// Observe adds a read.
func (t *Tracker) Observe(o Observation) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var tr *track
	for _, c := range t.tracks {
		if c.camera != o.Camera || o.At.Sub(c.last) > t.cfg.Gap || c.last.Sub(o.At) > t.cfg.Gap {
			continue
		}
		for p := range c.votes {
			if near(p, o.Read.Plate) {
				tr = c
				break
			}
		}
		if tr != nil {
			break
		}
	}
	if tr == nil {
		// A misread two characters off (a band letter, a cut-off end)
		// still belongs to the vehicle whose plate was just read at the
		// same place.
		for _, c := range t.tracks {
			if c.camera == o.Camera && !o.At.Equal(c.last) && absDur(o.At.Sub(c.last)) <= t.cfg.Gap/3 && sameSpot(c.lastBox, o.Read.Box) {
				tr = c
				break
			}
		}
	}
	if tr == nil {
		tr = &track{camera: o.Camera, first: o.At, last: o.At, votes: map[string]float64{}, best: map[string]Observation{},
			firstBox: o.Read.Box, firstAt: o.At}
		t.tracks = append(t.tracks, tr)
	}
	if o.At.Before(tr.first) {
		tr.first = o.At
	}
	if !o.At.Before(tr.last) {
		tr.last = o.At
		tr.lastBox = o.Read.Box
	}
	tr.reads++
	tr.votes[o.Read.Plate] += o.Read.Confidence
	if b, ok := tr.best[o.Read.Plate]; !ok || o.Read.Confidence > b.Read.Confidence {
		tr.best[o.Read.Plate] = o
	}
}

// Flush returns the passages of vehicles that have gone by now (or that
// reached MaxAge), oldest first. With force, every open track is emitted.
func (t *Tracker) Flush(now time.Time, force bool) []Passage {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Passage
	keep := t.tracks[:0]
	var gone []*track
	for _, tr := range t.tracks {
		if !force && now.Sub(tr.last) <= t.cfg.Gap && now.Sub(tr.first) < t.cfg.MaxAge {
			keep = append(keep, tr)
			continue
		}
		gone = append(gone, tr)
	}
	for _, tr := range gone {
		p, ok := t.passage(tr)
		if ok && p.Country == "" && !t.plausibleUnknown(tr, gone) {
			ok = false
		}
		if ok {
			out = append(out, p)
		}
	}
	t.remember(now, gone)
	for i := len(keep); i < len(t.tracks); i++ {
		t.tracks[i] = nil
	}
	t.tracks = keep
	sort.Slice(out, func(i, j int) bool { return out[i].First.Before(out[j].First) })
	return out
}

func (t *Tracker) passage(tr *track) (Passage, bool) {
	// A plate read under a known format at least once outranks readings
	// no format explains: those are the same vehicle's plate with a glyph
	// too many or a look-alike the recogniser was sure of (free decoding
	// keeps them, decide.go), and the vote would let their number win.
	known := knownFormat(tr)
	var plate string
	for p, v := range tr.votes {
		if known && tr.best[p].Read.Country == "" {
			continue
		}
		if plate == "" || v > tr.votes[plate] || (v == tr.votes[plate] && p < plate) {
			plate = p
		}
	}
	b := tr.best[plate]
	if tr.reads < t.cfg.MinReads && b.Read.Confidence < t.cfg.SureConfidence {
		return Passage{}, false
	}
	return Passage{
		Time: b.At, First: tr.first, Last: tr.last, Camera: tr.camera,
		Plate: plate, Display: b.Read.Display, Country: b.Read.Country,
		Confidence: b.Read.Confidence, Colour: b.Colour, Reads: tr.reads,
		Crop: b.Read.Crop, Vehicle: b.Vehicle,
	}, true
}

// Open is the number of vehicles being tracked.
func (t *Tracker) Open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.tracks)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// sameSpot reports whether two plate boxes are close enough, relative to
// their size, to be one plate that moved between frames.
func sameSpot(a, b image.Rectangle) bool {
	if a.Empty() || b.Empty() {
		return false
	}
	w := float64(max(a.Dx(), b.Dx()))
	ca := [2]float64{float64(a.Min.X+a.Max.X) / 2, float64(a.Min.Y+a.Max.Y) / 2}
	cb := [2]float64{float64(b.Min.X+b.Max.X) / 2, float64(b.Min.Y+b.Max.Y) / 2}
	dx, dy := ca[0]-cb[0], ca[1]-cb[1]
	return dx*dx+dy*dy < 0.6*0.6*w*w
}

// near reports whether two plates differ by at most one edit, counting
// look-alike characters (O and 0, I and 1, ...) as equal: two reads of one
// plate differ in exactly such ways.
func near(a, b string) bool {
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && same(a[i], b[i]) {
		i++
	}
	if i == la && i == lb {
		return true
	}
	switch {
	case la == lb:
		return sameStr(a[i+1:], b[i+1:])
	case la > lb:
		return sameStr(a[i+1:], b[i:])
	default:
		return sameStr(a[i:], b[i+1:])
	}
}

func same(x, y byte) bool {
	return x == y || strings.IndexByte(plate.Lookalikes(x), y) >= 0
}

func sameStr(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}

// lookDistance is the edit distance between two plates, with look-alike
// characters counted as equal.
func lookDistance(a, b string) int { return plate.Distance(a, b) }
