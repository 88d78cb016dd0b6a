package evidence

import (
	"bytes"
	"path/filepath"
	"sort"
	"time"

	"github.com/politiezone/zoneconsole/playback"
	"github.com/politiezone/zoneconsole/recording"
)

// maxClipBytes keeps a clip under what a plain MP4 with 32-bit chunk
// offsets (pmp4 writes stco) can address: a longer run goes on in the next
// clip file.
const maxClipBytes = 3 << 30

// piece is the samples [from, to) (decode order) of one segment that a
// clip takes.
type piece struct {
	seg      recording.Segment
	path     string // absolute
	tr       *playback.Track
	from, to int
}

// time is when sample i of the piece was captured.
func (p piece) time(i int) time.Time { return p.seg.Start.Add(p.tr.Time(p.tr.Samples[i].PTS())) }

// run is what one clip file holds: pieces with the same stream parameters.
type run struct {
	pieces []piece
	bytes  int64
	frames int
}

// plan is what a camera's export holds.
type plan struct {
	runs       []run
	start, end time.Time // real start (a keyframe) and the end of the last frame
	segments   []recording.Segment
	gaps       []Period
	unreadable []Unreadable
	bytes      int64
}

// planCamera picks the samples of segs that cover [from, to): from the
// keyframe at or before from (or the first one after it when the footage
// starts later) to the last frame captured before to.
func planCamera(dir string, segs []recording.Segment, from, to time.Time) plan {
	s := append([]recording.Segment(nil), segs...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Start.Before(s[j].Start) })
	var pl plan
	var pieces []piece
	for _, sg := range s {
		if !sg.Start.Before(to) || (!sg.End.IsZero() && !sg.End.After(from)) {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(sg.Path))
		tr, err := playback.ReadTrack(path)
		if err != nil {
			pl.unreadable = append(pl.unreadable, Unreadable{Path: sg.Path, Error: err.Error()})
			continue
		}
		p := piece{seg: sg, path: path, tr: tr, from: -1}
		first := len(pieces) == 0
		for i := range tr.Samples {
			at := p.time(i)
			if !at.Before(to) {
				break
			}
			if tr.Samples[i].Sync {
				switch {
				case first && !at.After(from):
					p.from = i // the last keyframe at or before from, so far
				case p.from < 0:
					p.from = i // footage that starts after from, or a later segment
				}
			}
			p.to = i + 1
		}
		if p.from < 0 || p.to <= p.from {
			continue
		}
		pl.segments = append(pl.segments, sg)
		pieces = append(pieces, p)
	}
	if len(pieces) == 0 {
		return pl
	}
	pl.start = pieces[0].time(pieces[0].from)
	last := pieces[len(pieces)-1]
	ls := last.tr.Samples[last.to-1]
	pl.end = last.time(last.to - 1).Add(last.tr.Time(int64(ls.Duration)))
	for i, p := range pieces {
		if i > 0 {
			prev := pieces[i-1]
			ps := prev.tr.Samples[prev.to-1]
			prevEnd := prev.time(prev.to - 1).Add(prev.tr.Time(int64(ps.Duration)))
			if gap := p.time(p.from).Sub(prevEnd); gap >= playback.JoinGap {
				pl.gaps = append(pl.gaps, Period{From: prevEnd, To: p.time(p.from)})
			}
		}
		var size int64
		for _, sm := range p.tr.Samples[p.from:p.to] {
			size += int64(sm.Size)
		}
		n := len(pl.runs)
		if n == 0 || !sameStream(pl.runs[n-1].pieces[0].tr, p.tr) || pl.runs[n-1].bytes+size > maxClipBytes {
			pl.runs = append(pl.runs, run{})
			n++
		}
		r := &pl.runs[n-1]
		r.pieces = append(r.pieces, p)
		r.bytes += size
		r.frames += p.to - p.from
		pl.bytes += size
	}
	return pl
}

func sameStream(a, b *playback.Track) bool {
	return a.Codec == b.Codec && a.TimeScale == b.TimeScale && bytes.Equal(a.Params.SPS, b.Params.SPS) &&
		bytes.Equal(a.Params.PPS, b.Params.PPS) && bytes.Equal(a.Params.VPS, b.Params.VPS)
}

// sample is one sample of a run as a clip lays it out: its source, and its
// duration on the clip's timeline (a gap or the hole between two segments
// is added to the frame before it, so clip time stays capture time).
type sample struct {
	p        *piece
	i        int
	duration int64 // in the run's time scale
}

// samples lays out a run's samples on the clip timeline.
func (r *run) samples() []sample {
	out := make([]sample, 0, r.frames)
	for k := range r.pieces {
		p := &r.pieces[k]
		for i := p.from; i < p.to; i++ {
			d := int64(p.tr.Samples[i].Duration)
			if i == p.to-1 && k+1 < len(r.pieces) {
				next := &r.pieces[k+1]
				gap := next.time(next.from).Sub(p.time(i))
				ts := int64(p.tr.TimeScale)
				if g := int64(gap/time.Second)*ts + int64(gap%time.Second)*ts/int64(time.Second); g > 0 {
					d = g
				}
			}
			out = append(out, sample{p: p, i: i, duration: max(d, 1)})
		}
	}
	return out
}
