package rounds

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// VisitStatus is what became of one camera of one step.
type VisitStatus string

// The statuses a visit report shows. The strings are stored in rounds.db.
const (
	VisitOpening VisitStatus = "opening" // waiting for the first frame (live runs only)
	VisitSeen    VisitStatus = "seen"    // a live frame reached the screen
	VisitLost    VisitStatus = "lost"    // "not seen: camera lost": no frame within FrameTimeout, or lost
	VisitRefused VisitStatus = "refused" // the policy refused this camera (covert, ...)
)

// End reasons of a run, stored in rounds.db and in the round.stop detail.
const (
	Completed = "completed" // every step was run
	Stopped   = "stopped"   // the user stopped it
	Aborted   = "aborted"   // the console closed or the audit store failed
	// A policy code ("guard_without_supervisor", "session_invalid") when the
	// ground of the run went away: the run ends with that code.
)

// Options tune a run. The zero value is what the console uses.
type Options struct {
	// NoLookAhead switches the look-ahead off: the next step's cameras are
	// then connected only when the step starts (for the benchmark).
	NoLookAhead bool
	// FrameTimeout is how long a camera may take to show its first frame
	// before it is skipped as lost; default 3 s.
	FrameTimeout time.Duration
	// Tick is how often a running step reports its progress; default 250 ms.
	Tick time.Duration
	// SubStream shows a single-camera step on the sub stream; by default it
	// fills the screen and plays the main stream.
	SubStream bool
}

func (o *Options) defaults() {
	if o.FrameTimeout <= 0 {
		o.FrameTimeout = 3 * time.Second
	}
	if o.Tick <= 0 {
		o.Tick = 250 * time.Millisecond
	}
}

// EventKind says what changed in a run.
type EventKind int

// The events a run sends.
const (
	StepStarted EventKind = iota // a step began; State().Slots hold its views
	Tick                         // progress of the dwell
	Skipped                      // a camera was skipped (Camera), lost or refused
	Paused
	Resumed
	Observed // an observation was recorded (Camera)
	Ended    // the run ended; State().EndReason says why
)

// Event is one change of a run. The full picture is State(); an event
// says only that something changed (events are dropped, never queued without
// bound, when the receiver is slow).
type Event struct {
	Kind   EventKind
	Step   int
	Camera string
}

// Slot is one camera of the current step.
type Slot struct {
	Camera zone.Camera
	// View is the audited interval showing the camera; nil once skipped.
	View   *live.View
	Status VisitStatus
	// Note is the policy code of a refusal.
	Note string
}

// State is a snapshot of a run.
type State struct {
	RunID string
	Round zone.Round
	Step  int // 0-based
	Steps int
	// StepStarted is when the step began (monotonic clock), before its
	// cameras were opened.
	StepStarted time.Time
	Slots       []Slot
	Elapsed     time.Duration // dwell time run in this step, pauses excluded
	Dwell       time.Duration // planned plus extensions
	Paused      bool
	Ended       bool
	EndReason   string
	Visits      int // visits recorded so far
}

// Run is one run of a round by one session. One goroutine owns its
// clock, its views and its report; the methods only send it commands.
type Run struct {
	ID    string
	c     *Runner
	sess  *identity.Session
	cons  access.Consultation // round.start: the ground for every step
	round zone.Round
	why   policy.Reason
	opts  Options
	log   *slog.Logger
	db    *sql.DB

	cmds    chan runCmd
	events  chan Event
	dropped atomic.Uint64
	done    chan struct{}
	started time.Time

	mu       sync.Mutex
	state    State
	err      error
	seq      int // visits recorded
	obs      int // observations recorded
	evClosed bool
	warm     []*warmStream // the next step's streams, decoding ahead of their turn
}

type runCmdKind int

const (
	cmdPause runCmdKind = iota
	cmdResume
	cmdNext
	cmdPrev
	cmdExtend
	cmdStop
)

type runCmd struct {
	kind runCmdKind
	d    time.Duration
}

// ReasonFor is the justification of a run: "virtuele patrouille: <round>".
func ReasonFor(round string) policy.Reason { return policy.Reason{Kind: policy.JustRound, Ref: round} }

// Start runs a round for the session under the justification
// "virtual patrol: <round>". The policy decides first (a guard only with a
// team chief in the room; roles without live view never) and round.start is
// audited; every camera shown is then its own audited live view. ctx bounds
// the run: when it ends, the run ends. text is an optional free motivation.
func (c *Runner) Start(ctx context.Context, s *identity.Session, name, text string, opts Options) (*Run, error) {
	r, err := c.Round(ctx, name)
	if err != nil {
		return nil, err
	}
	opts.defaults()
	why := ReasonFor(name)
	why.Text = strings.TrimSpace(text)
	id := newID()
	cons, err := c.access.Check(ctx, s, policy.ActRoundRun, policy.Resource{Target: "round:" + name}, why,
		trail.RoundStart{Run: id, Steps: len(r.Steps)})
	if err != nil {
		return nil, fmt.Errorf("round %q: %w", name, err)
	}
	db, err := openRoundsDB(c.dataDir)
	if err != nil {
		c.recordRoundStop(s, name, why, trail.RoundStop{Run: id, End: Aborted})
		return nil, err
	}
	run := &Run{ID: id, c: c, sess: s, cons: cons, round: r, why: why, opts: opts, db: db,
		log:  c.log.With("component", "round", "round", name, "run", id),
		cmds: make(chan runCmd, 16), events: make(chan Event, 64), done: make(chan struct{}),
		started: c.now()}
	run.state = State{RunID: id, Round: r, Steps: len(r.Steps)}
	if err := run.insertRun(ctx); err != nil {
		db.Close()
		c.recordRoundStop(s, name, why, trail.RoundStop{Run: id, End: Aborted})
		return nil, err
	}
	c.mu.Lock()
	c.runs[run] = struct{}{}
	c.mu.Unlock()
	go run.loop(ctx)
	return run, nil
}

// Events delivers the run's changes. It is closed after Ended.
func (r *Run) Events() <-chan Event { return r.events }

// Done is closed when the run has ended and its report is written.
func (r *Run) Done() <-chan struct{} { return r.done }

// State is a snapshot of the run.
func (r *Run) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.state
	st.Slots = append([]Slot(nil), st.Slots...)
	return st
}

// Err is the first error the run met writing its report, if any.
func (r *Run) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Reason is the justification the run and its views are audited under.
func (r *Run) Reason() policy.Reason { return r.why }

// Pause holds the dwell clock; the cameras stay on screen.
func (r *Run) Pause() { r.send(runCmd{kind: cmdPause}) }

// Resume restarts the dwell clock.
func (r *Run) Resume() { r.send(runCmd{kind: cmdResume}) }

// TogglePause pauses a running step or resumes a paused one.
func (r *Run) TogglePause() {
	if r.State().Paused {
		r.Resume()
	} else {
		r.Pause()
	}
}

// Next ends the current step now and goes to the next one.
func (r *Run) Next() { r.send(runCmd{kind: cmdNext}) }

// Previous goes back to the step before (the first step restarts).
func (r *Run) Previous() { r.send(runCmd{kind: cmdPrev}) }

// Extend adds d to the current step's dwell.
func (r *Run) Extend(d time.Duration) {
	if d > 0 {
		r.send(runCmd{kind: cmdExtend, d: d})
	}
}

// Stop ends the run and waits until its views are closed and its report
// is written. It is safe to call more than once and after the run ended.
func (r *Run) Stop() {
	r.send(runCmd{kind: cmdStop})
	<-r.done
}

// send never blocks a UI thread on a busy run: the queue is deep enough
// for any human, and a run that ended takes no more commands.
func (r *Run) send(c runCmd) {
	select {
	case <-r.done:
	case r.cmds <- c:
	default:
		r.log.Warn("round command dropped: queue full", "cmd", c.kind)
	}
}

// emit never blocks; an Observe racing the end of the run must not send on
// the closed channel, hence the lock.
func (r *Run) emit(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.evClosed {
		return
	}
	select {
	case r.events <- e:
	default:
		r.dropped.Add(1)
	}
}

func (r *Run) closeEvents() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evClosed = true
	close(r.events)
}

// loop is the run's goroutine: it owns the step clock, the views and the
// warm streams, and writes the report.
func (r *Run) loop(ctx context.Context) {
	defer func() {
		r.c.mu.Lock()
		delete(r.c.runs, r)
		r.c.mu.Unlock()
	}()
	defer close(r.done)
	defer r.closeEvents()
	defer r.db.Close()
	steps := r.round.Steps
	reason := Completed
	idx := 0
	for idx < len(steps) {
		if d := r.c.access.Recheck(r.sess, policy.ActRoundRun, policy.Resource{Target: "round:" + r.round.Name}, r.why); !d.Allow {
			reason = d.Code
			break
		}
		st, err := r.beginStep(ctx, idx)
		if err != nil {
			r.log.Error("round step could not start", "step", idx, "err", err)
			reason = Aborted
			if st != nil {
				r.endStep(st)
			}
			break
		}
		if !r.opts.NoLookAhead && idx+1 < len(steps) {
			r.warmStep(idx + 1)
		}
		next, end := r.dwell(ctx, st)
		r.endStep(st)
		if end != "" {
			reason = end
			break
		}
		idx = max(0, idx+next)
	}
	r.releaseWarm()
	r.finish(reason)
}

func (r *Run) fail(err error) {
	r.log.Error("round report", "err", err)
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
}

// finish writes round.stop and the end of the report.
func (r *Run) finish(reason string) {
	r.mu.Lock()
	visits := r.seq
	r.state.Ended, r.state.EndReason, r.state.Slots, r.state.Paused = true, reason, nil, false
	r.mu.Unlock()
	dur := r.c.now().Sub(r.started)
	seen, lost, err := r.endRun(reason)
	if err != nil {
		r.fail(err)
	} else {
		r.shareReport()
	}
	r.c.recordRoundStop(r.sess, r.round.Name, r.why, trail.RoundStop{Run: r.ID, End: reason, StepsRun: visits,
		Duration: trail.Duration(dur), Seen: seen, Lost: lost})
	r.emit(Event{Kind: Ended})
}

func (c *Runner) recordRoundStop(s *identity.Session, name string, why policy.Reason, d trail.RoundStop) {
	detail := d
	// A background context: the stop belongs in the trail even when the
	// run ended because its context did.
	if err := c.access.Record(context.Background(), s, "round:"+name, why, detail); err != nil {
		c.log.Error("round.stop not audited", "round", name, "run", d.Run, "err", err)
	}
}
