package playback

import (
	"sort"
	"time"

	"github.com/politiezone/zoneconsole/recording"
)

// JoinGap is the largest hole between two segments that a timeline still
// shows as one recorded period: a new segment starts at the keyframe after
// the previous one ended, so a few frames apart is not a loss of footage.
const JoinGap = time.Second

// Span is a period of a timeline.
type Span struct {
	Start, End time.Time
	// Open tells that the period is still being recorded: End is where the
	// index knew it to be (the segment's start while it is written).
	Open bool
}

// Spans returns the recorded periods of segs (one camera's), segments
// joined when less than JoinGap apart, and the gaps between them, both in
// time order. A segment still open (End zero) ends the last period, open.
func Spans(segs []recording.Segment) (recorded, gaps []Span) {
	s := make([]recording.Segment, 0, len(segs))
	for _, g := range segs {
		if g.Deleted.IsZero() {
			s = append(s, g)
		}
	}
	sort.SliceStable(s, func(i, j int) bool { return s[i].Start.Before(s[j].Start) })
	for _, g := range s {
		end, open := g.End, g.End.IsZero()
		if open {
			end = g.Start
		}
		if n := len(recorded); n > 0 && g.Start.Sub(recorded[n-1].End) < JoinGap {
			last := &recorded[n-1]
			if end.After(last.End) {
				last.End = end
			}
			last.Open = last.Open || open
			continue
		}
		if n := len(recorded); n > 0 {
			gaps = append(gaps, Span{Start: recorded[n-1].End, End: g.Start})
		}
		recorded = append(recorded, Span{Start: g.Start, End: end, Open: open})
	}
	return recorded, gaps
}
