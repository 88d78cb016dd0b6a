package reports

import (
	"slices"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/plate"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/trail"
)

// spot is a camera over a period that concerns the request: the place's
// cameras in the period asked about, and where and when each passage and
// segment found was taken. camera "" is any camera (a plate asked about
// without a place: a search for it anywhere in the period concerns it).
// Zero times are open ends.
type spot struct {
	camera   string
	from, to time.Time
}

func (s spot) sees(camera string, from, to time.Time) bool {
	return (s.camera == "" || s.camera == camera) && overlaps(s.from, s.to, from, to)
}

// overlaps tells whether [af, at) and [bf, bt) share a moment; a zero
// bound is open.
func overlaps(af, at, bf, bt time.Time) bool {
	return (at.IsZero() || bf.IsZero() || bf.Before(at)) && (bt.IsZero() || af.IsZero() || af.Before(bt))
}

// instant is the period of a moment.
func instant(t time.Time) (time.Time, time.Time) { return t, t.Add(time.Nanosecond) }

type entryKey struct {
	seq  int64
	ns   int64
	act  audit.Action
	subj string
}

func keyOf(e audit.Entry) entryKey { return entryKey{e.Seq, e.Time.UnixNano(), e.Action, e.Subject} }

// concerning keeps the entries that concern the request, in the order they
// were written, each with why:
//   - plate: its subject is the plate;
//   - hit: a hit or a dispatch for the plate;
//   - search: a passage search whose pattern matches the plate (any
//     pattern for a place alone) over a window, before the moment it ran,
//     and cameras that hold a spot;
//   - camera: a live view open, footage played, exported or held on a
//     camera at a spot's time (both entries of a paired view or playback).
func concerning(rq AccessRequest, ps []anpr.Passage, segs []recording.Segment, es []audit.Entry, now time.Time) []Consultation {
	pl := plate.Normalize(rq.Plate)
	var spots []spot
	for _, c := range rq.Cameras {
		spots = append(spots, spot{c, rq.From, rq.To})
	}
	for _, p := range ps {
		first, last := p.First, p.Last
		if first.IsZero() {
			first = p.Time
		}
		if last.Before(p.Time) {
			last = p.Time
		}
		spots = append(spots, spot{p.Camera, first, last.Add(time.Nanosecond)})
	}
	for _, s := range segs {
		end := s.End
		if end.IsZero() {
			end = now
		}
		spots = append(spots, spot{s.Camera, s.Start, end})
	}
	searchSpots := spots
	if pl != "" && len(rq.Cameras) == 0 {
		searchSpots = append(slices.Clone(spots), spot{"", rq.From, rq.To})
	}
	seen := func(cams []string, from, to time.Time) bool {
		for _, s := range spots {
			for _, c := range cams {
				if s.sees(c, from, to) {
					return true
				}
			}
		}
		return false
	}

	es = sortEntries(es)
	why := map[entryKey]string{}
	mark := func(e audit.Entry, because string) {
		if _, ok := why[keyOf(e)]; !ok {
			why[keyOf(e)] = because
		}
	}
	for _, iv := range liveIntervals(es, time.Time{}, now) {
		if seen([]string{iv.Camera}, iv.Start, iv.End) {
			for _, e := range []audit.Entry{iv.First, iv.Stop} {
				if !e.Time.IsZero() {
					mark(e, "camera")
				}
			}
		}
	}
	details := make([]trail.Detail, len(es))
	playbacks := map[string][]audit.Entry{} // by playback id: a concerning one takes the other along
	for i, e := range es {
		d, _ := trail.Decode(e.Action, e.Detail)
		details[i] = d
		if pl != "" && e.Subject == "plate:"+pl {
			mark(e, "plate")
		}
		switch d := d.(type) {
		case trail.LiveStart:
			// A refused view has no interval; it concerns the request when
			// it was asked for a camera at a spot's time.
			if f, t := instant(e.Time); e.Outcome != audit.OutcomeAllowed && seen([]string{cameraOf(e)}, f, t) {
				mark(e, "camera")
			}
		case trail.Playback:
			playbacks[d.Playback] = append(playbacks[d.Playback], e)
			if f, t := instant(d.At); seen(orSubject(d.Cameras, e), f, t) {
				mark(e, "camera")
			}
		case trail.PlaybackStop:
			playbacks[d.Playback] = append(playbacks[d.Playback], e)
			if !d.ShownFrom.IsZero() && seen(orSubject(d.Cameras, e), d.ShownFrom, d.ShownTo.Add(time.Nanosecond)) {
				mark(e, "camera")
			}
		case trail.Export:
			if seen(d.Cameras, d.From, d.To) {
				mark(e, "camera")
			}
		case trail.Hold:
			if len(d.Cameras) > 0 && seen(d.Cameras, d.From, d.To) {
				mark(e, "camera")
			}
		case trail.ANPRSearch:
			if searched(d, e.Time, pl, searchSpots) {
				mark(e, "search")
			}
		case trail.Hit:
			if pl != "" && (plate.Normalize(d.Read) == pl || plate.Normalize(d.Listed) == pl) {
				mark(e, "hit")
			}
		case trail.Dispatch:
			if pl != "" && plate.Normalize(d.Plate) == pl {
				mark(e, "hit")
			}
		}
	}
	for _, group := range playbacks {
		for _, e := range group {
			if b, ok := why[keyOf(e)]; ok {
				for _, o := range group {
					mark(o, b)
				}
				break
			}
		}
	}
	var out []Consultation
	for i, e := range es {
		b, ok := why[keyOf(e)]
		if !ok {
			continue
		}
		c := Consultation{Entry: e, Detail: details[i], Because: b}
		if c.Detail == nil {
			c.Raw = e.Detail
		}
		out = append(out, c)
	}
	return out
}

// orSubject is cams, or the entry's subject camera when it names none.
func orSubject(cams []string, e audit.Entry) []string {
	if len(cams) == 0 && cameraOf(e) != "" {
		return []string{cameraOf(e)}
	}
	return cams
}

// searched tells whether a passage search could have shown what the
// request concerns: its pattern matches the plate (any pattern when only a
// place was asked about), and its window, cut at the moment it ran (later
// passages did not exist yet), and its cameras (none: all) meet a spot.
func searched(d trail.ANPRSearch, ran time.Time, pl string, spots []spot) bool {
	if pl != "" && !globMatch(anpr.NormalizePattern(d.Pattern), pl) {
		return false
	}
	to := d.To
	if to.IsZero() || ran.Before(to) {
		to = ran
	}
	for _, s := range spots {
		if !overlaps(s.from, s.to, d.From, to) {
			continue
		}
		if len(d.Cameras) == 0 || s.camera == "" || slices.Contains(d.Cameras, s.camera) {
			return true
		}
	}
	return false
}

// globMatch matches a normalised search pattern ('?' one character, '*'
// any run; "" everything) against a normalised plate, as the passage
// search does.
func globMatch(pat, s string) bool {
	if pat == "" {
		return true
	}
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && (pat[p] == '?' || pat[p] == s[i]):
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}
