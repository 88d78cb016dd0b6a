package playback

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// speeds are the playback speeds offered, slowest first; above
// keyframesAbove only keyframes are decoded.
var speeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16}

const keyframesAbove = 4.0

func speedLabel(s float64) string {
	switch s {
	case 0.25:
		return "¼×"
	case 0.5:
		return "½×"
	}
	return fmt.Sprintf("%g×", s)
}

// zooms are the timeline's spans, from a day to a minute.
var zooms = []time.Duration{24 * time.Hour, 6 * time.Hour, time.Hour, 15 * time.Minute, 5 * time.Minute, time.Minute}

// tickEvery is the ruler's step for a span of the timeline.
func tickEvery(span time.Duration) time.Duration {
	switch {
	case span > 6*time.Hour:
		return 2 * time.Hour
	case span > time.Hour:
		return 30 * time.Minute
	case span > 15*time.Minute:
		return 10 * time.Minute
	case span > 5*time.Minute:
		return 2 * time.Minute
	case span > time.Minute:
		return time.Minute
	}
	return 10 * time.Second
}

// clock is the one clock the cameras of the screen play on: a media time
// that runs at speed from an anchor while playing. The UI sets it; the
// players read it from their goroutines.
type clock struct {
	mu    sync.Mutex
	now   func() time.Time // wall clock
	state clockState
}

// clockState is a reading of the clock: at wall time Wall the media time
// was Pos, and it runs at Speed while Playing.
type clockState struct {
	Pos, Wall time.Time
	Speed     float64
	Playing   bool
}

// At is the media time at wall time w.
func (s clockState) At(w time.Time) time.Time {
	if !s.Playing {
		return s.Pos
	}
	return s.Pos.Add(time.Duration(float64(w.Sub(s.Wall)) * s.Speed))
}

// Due is the wall time at which the media time reaches t (while playing).
func (s clockState) Due(t time.Time) time.Time {
	return s.Wall.Add(time.Duration(float64(t.Sub(s.Pos)) / s.Speed))
}

func newClock(now func() time.Time, pos time.Time) *clock {
	return &clock{now: now, state: clockState{Pos: pos, Wall: now(), Speed: 1}}
}

func (c *clock) read() clockState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Now is the media time now.
func (c *clock) Now() time.Time { return c.read().At(c.now()) }

// reanchor moves the anchor to now; call with mu held.
func (c *clock) reanchor() {
	w := c.now()
	c.state.Pos, c.state.Wall = c.state.At(w), w
}

func (c *clock) Set(pos time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state.Pos, c.state.Wall = pos, c.now()
}

func (c *clock) SetPlaying(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reanchor()
	c.state.Playing = on
}

func (c *clock) SetSpeed(s float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reanchor()
	c.state.Speed = s
}

// The jump entry takes RFC 3339 or a local date and time.
var jumpLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"}

const entryLayout = "2006-01-02 15:04:05"

var errBadTime = errors.New("not a date and time")

// parseMoment reads a date and time as RFC 3339, or "2006-01-02 15:04[:05]"
// in loc.
func parseMoment(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, l := range jumpLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errBadTime
}

// span is a period of a timeline in the screen's own terms (app's Span
// lives in a package the UI does not import).
type span struct {
	Start, End time.Time
	Open       bool
}

// spansOf copies app's spans (a slice of a struct with Start, End and Open).
func spansOf[S ~[]E, E ~struct {
	Start, End time.Time
	Open       bool
}](in S) []span {
	out := make([]span, len(in))
	for i, s := range in {
		out[i] = span(s)
	}
	return out
}
