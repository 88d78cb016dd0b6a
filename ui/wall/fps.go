package wall

import (
	"fmt"
	"math"
	"time"
)

// fpsEvery is how often a tile's painted-frames counter is updated.
const fpsEvery = time.Second

// fpsMeter counts the frames a tile painted per second, shown in its
// caption: a dispatcher (and a benchmark) sees at once a camera that
// stutters, or a wall that paints less than the streams send.
type fpsMeter struct {
	since  time.Time
	frames uint64 // the tile's frame count at since
	fps    int    // last figure; 0 until one second has passed
}

// frame notes a painted frame (total is the tile's count so far) and
// reports whether the figure changed.
func (m *fpsMeter) frame(now time.Time, total uint64) bool {
	if m.since.IsZero() {
		m.since, m.frames = now, total
		return false
	}
	d := now.Sub(m.since)
	if d < fpsEvery {
		return false
	}
	fps := int(math.Round(float64(total-m.frames) / d.Seconds()))
	m.since, m.frames = now, total
	changed := fps != m.fps
	m.fps = fps
	return changed
}

func (m *fpsMeter) reset() { *m = fpsMeter{} }

// label is the caption's figure ("15 fps"), empty until there is one.
func (m *fpsMeter) label() string {
	if m.fps <= 0 {
		return ""
	}
	return fmt.Sprintf(" · %d fps", m.fps)
}
