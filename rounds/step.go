package rounds

import (
	"context"
	"errors"
	"time"

	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
)

// stepRun is the live part of one step.
type stepRun struct {
	idx      int
	started  time.Time // c.now() at the start, for the report
	mono     time.Time // time.Now() at the start, for durations
	dwell    time.Duration
	extended time.Duration
	elapsed  time.Duration // run time before the last resume
	resumed  time.Time     // zero while paused
	slots    []*slotRun
}

type slotRun struct {
	cam        zone.Camera
	view       *live.View
	status     VisitStatus
	note       string
	base       uint64 // source frames when the view subscribed
	first      time.Duration
	lostDuring bool
	closed     bool
}

func (st *stepRun) runTime(now time.Time) time.Duration {
	if st.resumed.IsZero() {
		return st.elapsed
	}
	return st.elapsed + now.Sub(st.resumed)
}

func (r *Run) stream(step zone.RoundStep) live.Stream {
	if len(step.Cameras) == 1 && !r.opts.SubStream {
		return live.StreamMain
	}
	return live.StreamSub
}

// beginStep opens one audited view per camera of the step, then lets go of
// the warm streams: the view subscribes first, so the shared Source never
// stops decoding and the first frame is there at once.
func (r *Run) beginStep(ctx context.Context, idx int) (*stepRun, error) {
	step := r.round.Steps[idx]
	now := time.Now()
	st := &stepRun{idx: idx, started: r.c.now(), mono: now, resumed: now, dwell: step.Dwell.Duration}
	stream := r.stream(step)
	r.sendPresets(ctx, step)
	for _, id := range step.Cameras {
		cam, _ := r.c.zone.Camera(id)
		sl := &slotRun{cam: cam, status: VisitOpening, first: -1}
		st.slots = append(st.slots, sl)
		v, err := r.c.live.Open(ctx, r.sess, id, stream, r.why)
		var denied *policy.DeniedError
		switch {
		case errors.As(err, &denied):
			sl.status, sl.note, sl.closed = VisitRefused, denied.Decision.Code, true
			r.emit(Event{Kind: Skipped, Step: idx, Camera: id})
			continue
		case err != nil:
			r.releaseWarm()
			return st, err
		}
		sl.view = v
		sl.base = v.Status().Frames
	}
	r.releaseWarm()
	r.publish(st, false)
	r.emit(Event{Kind: StepStarted, Step: idx})
	return st, nil
}

// presetWait bounds how long a step waits for its cameras to accept the
// preset: the round goes on (the camera shown where it points) rather than
// stand still on a camera that does not answer.
const presetWait = 3 * time.Second

// sendPresets sends the step's PTZ cameras to the step's preset before
// their views open, so the dispatcher sees the place the round is about.
// A refusal or a failure is logged and the step runs anyway.
func (r *Run) sendPresets(ctx context.Context, step zone.RoundStep) {
	if step.Preset == "" || r.c.presets == nil {
		return
	}
	for _, id := range step.Cameras {
		if cam, ok := r.c.zone.Camera(id); !ok || !cam.PTZ {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, presetWait)
		err := r.c.presets.SendPreset(pctx, r.sess, id, step.Preset, r.why)
		cancel()
		if err != nil {
			r.log.Warn("round step preset not sent", "camera", id, "preset", step.Preset, "err", err)
		}
	}
}

// dwell runs the step's clock until it is over. It returns the step to go
// to (+1, -1, 0 to repeat) or, to end the run, a reason.
func (r *Run) dwell(ctx context.Context, st *stepRun) (next int, end string) {
	st.resumed = time.Now()
	timer := time.NewTimer(st.dwell)
	defer timer.Stop()
	probe := time.NewTicker(25 * time.Millisecond)
	defer probe.Stop()
	lastTick := time.Now()
	if !r.anyLive(st) {
		return 1, ""
	}
	for {
		select {
		case <-ctx.Done():
			return 0, Aborted
		case <-timer.C:
			return 1, ""
		case c := <-r.cmds:
			now := time.Now()
			switch c.kind {
			case cmdPause:
				if !st.resumed.IsZero() {
					st.elapsed = st.runTime(now)
					st.resumed = time.Time{}
					timer.Stop()
					r.publish(st, false)
					r.emit(Event{Kind: Paused, Step: st.idx})
				}
			case cmdResume:
				if st.resumed.IsZero() {
					st.resumed = now
					timer.Reset(max(0, st.dwell+st.extended-st.elapsed))
					r.publish(st, false)
					r.emit(Event{Kind: Resumed, Step: st.idx})
				}
			case cmdExtend:
				st.extended += c.d
				if !st.resumed.IsZero() {
					timer.Reset(max(0, st.dwell+st.extended-st.runTime(now)))
				}
				r.publish(st, false)
				r.emit(Event{Kind: Tick, Step: st.idx})
			case cmdNext:
				return 1, ""
			case cmdPrev:
				return -1, ""
			case cmdStop:
				return 0, Stopped
			}
		case <-probe.C:
			if end := r.probe(st); end != "" {
				return 0, end
			}
			if !r.anyLive(st) {
				return 1, ""
			}
			if time.Since(lastTick) >= r.opts.Tick {
				lastTick = time.Now()
				r.publish(st, false)
				r.emit(Event{Kind: Tick, Step: st.idx})
			}
		}
	}
}

// probe checks the step's cameras: a first frame seen, a camera lost or
// silent past FrameTimeout (skipped, never blocking the round), a view
// ended by the console (the ground of the run went away).
func (r *Run) probe(st *stepRun) string {
	since := time.Since(st.mono)
	for _, sl := range st.slots {
		if sl.closed || sl.view == nil {
			continue
		}
		select {
		case <-sl.view.Done():
			// Not closed by us: the console ended it (policy or shutdown).
			sl.closed = true
			if d := r.c.access.Recheck(r.sess, policy.ActRoundRun, policy.Resource{Target: "round:" + r.round.Name}, r.why); !d.Allow {
				return d.Code
			}
			if code := sl.view.EndCode(); code != "" {
				return code
			}
			return Aborted
		default:
		}
		status := sl.view.Status()
		lost := status.State == video.StateLost || status.State == video.StateUnauthorised
		switch sl.status {
		case VisitOpening:
			switch {
			case status.Frames > sl.base:
				sl.status, sl.first = VisitSeen, since
			case lost || since >= r.opts.FrameTimeout:
				r.skip(st, sl)
			}
		case VisitSeen:
			if lost && !sl.lostDuring {
				sl.lostDuring = true
				r.publish(st, false)
			}
		}
	}
	return ""
}

// skip marks a camera "not seen: camera lost" and takes it off the screen.
func (r *Run) skip(st *stepRun, sl *slotRun) {
	sl.status = VisitLost
	r.closeSlot(sl)
	r.log.Info("round camera skipped: no frame", "camera", sl.cam.ID, "step", st.idx)
	r.publish(st, false)
	r.emit(Event{Kind: Skipped, Step: st.idx, Camera: sl.cam.ID})
}

func (r *Run) closeSlot(sl *slotRun) {
	if sl.closed || sl.view == nil {
		sl.closed = true
		return
	}
	sl.closed = true
	if err := sl.view.Close(); err != nil {
		r.log.Error("round view close", "camera", sl.cam.ID, "err", err)
	}
}

// anyLive reports whether a camera of the step is still on screen (or on
// its way); when none is, the step is over.
func (r *Run) anyLive(st *stepRun) bool {
	for _, sl := range st.slots {
		if !sl.closed && (sl.status == VisitOpening || (sl.status == VisitSeen && !sl.lostDuring)) {
			return true
		}
	}
	return false
}

// endStep closes the step's views (live.stop for each) and records one
// visit per camera.
func (r *Run) endStep(st *stepRun) {
	now := time.Now()
	actual := now.Sub(st.mono).Round(time.Millisecond)
	ended := r.c.now()
	for _, sl := range st.slots {
		if sl.status == VisitOpening {
			// The step ended (next, stop) before the first frame came.
			if f := sl.view; f != nil && !sl.closed && f.Status().Frames > sl.base {
				sl.status, sl.first = VisitSeen, now.Sub(st.mono)
			} else {
				sl.status = VisitLost
			}
		}
		r.closeSlot(sl)
	}
	r.publish(st, true)
	r.mu.Lock()
	seq := r.seq
	r.seq++
	r.state.Visits = r.seq
	r.mu.Unlock()
	if err := r.insertVisits(seq, st, actual, ended); err != nil {
		r.fail(err)
	}
}

// publish copies the step into the snapshot the UI reads.
func (r *Run) publish(st *stepRun, ending bool) {
	slots := make([]Slot, len(st.slots))
	for i, sl := range st.slots {
		slots[i] = Slot{Camera: sl.cam, Status: sl.status, Note: sl.note}
		if !sl.closed && !ending {
			slots[i].View = sl.view
		}
	}
	now := time.Now()
	r.mu.Lock()
	r.state.Step = st.idx
	r.state.StepStarted = st.mono
	r.state.Slots = slots
	r.state.Elapsed = st.runTime(now)
	r.state.Dwell = st.dwell + st.extended
	r.state.Paused = st.resumed.IsZero()
	r.mu.Unlock()
}
