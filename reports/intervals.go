package reports

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/trail"
)

// interval is one live view: a camera on screen from Start to End, with
// the entries that opened and closed it.
type interval struct {
	Camera     string
	Start, End time.Time
	Open       bool        // no stop in the entries: counted up to the bound
	First      audit.Entry // the live.start (zero when the start predates the entries)
	Stop       audit.Entry // the live.stop (zero when Open)
}

// sortEntries is es in the order they were written (time, then sequence),
// as a copy: the caller's slice is theirs.
func sortEntries(es []audit.Entry) []audit.Entry {
	out := slices.Clone(es)
	slices.SortStableFunc(out, func(a, b audit.Entry) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out
}

// viewKey is what pairs a live.stop with its live.start: the view id, as
// trail.OpenIntervals pairs them, or for an older release's entries without
// one, the user, console and subject.
func viewKey(e audit.Entry) string {
	if v := trail.ViewOf(e); v != "" {
		return "view\x00" + v
	}
	return "usc\x00" + e.User + "\x00" + e.Console + "\x00" + e.Subject
}

// cameraOf is the camera an entry's subject names ("camera:cam03"), or "".
func cameraOf(e audit.Entry) string {
	c, _ := strings.CutPrefix(e.Subject, "camera:")
	if c == e.Subject {
		return ""
	}
	return c
}

// liveIntervals pairs the live.start and live.stop entries of es (in any
// order) into views and clips them to [lo, hi):
//   - a denied start opens nothing, and a stop naming it closes nothing;
//   - a start no stop closes (the console still running, or a crash the
//     console has not yet closed with its console_restart stop) is counted
//     up to hi;
//   - a stop whose start is not in es began before them: it counts from its
//     recorded duration back, or from lo when it has none (a console_restart
//     stop), since only a view open across lo can have its start before
//     the entries;
//   - a second start under a key still open (older entries without a view
//     id) closes the first, so no moment is counted twice.
func liveIntervals(es []audit.Entry, lo, hi time.Time) []interval {
	var out []interval
	open := map[string]*interval{}
	started := map[string]bool{} // keys of any start, allowed or denied
	for _, e := range sortEntries(es) {
		switch e.Action {
		case trail.ActLiveStart:
			k := viewKey(e)
			started[k] = true
			if e.Outcome != audit.OutcomeAllowed {
				continue
			}
			if prev, ok := open[k]; ok {
				prev.End = e.Time
				out = append(out, *prev)
			}
			open[k] = &interval{Camera: cameraOf(e), Start: e.Time, First: e}
		case trail.ActLiveStop:
			k := viewKey(e)
			if iv, ok := open[k]; ok {
				iv.End, iv.Stop = e.Time, e
				out = append(out, *iv)
				delete(open, k)
				continue
			}
			if started[k] {
				continue // the stop of a refused start, or a second stop
			}
			start := lo
			if d, err := trail.Decode(e.Action, e.Detail); err == nil {
				if dur := time.Duration(d.(trail.LiveStop).Duration); dur > 0 {
					start = e.Time.Add(-dur)
				}
			}
			out = append(out, interval{Camera: cameraOf(e), Start: start, End: e.Time, Stop: e})
			started[k] = true
		}
	}
	for _, iv := range open {
		iv.End, iv.Open = hi, true
		out = append(out, *iv)
	}
	clipped := out[:0]
	for _, iv := range out {
		if iv.Start.Before(lo) {
			iv.Start = lo
		}
		if iv.End.After(hi) {
			iv.End = hi
		}
		if iv.End.After(iv.Start) {
			clipped = append(clipped, iv)
		}
	}
	slices.SortFunc(clipped, func(a, b interval) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.Camera, b.Camera))
	})
	return clipped
}
