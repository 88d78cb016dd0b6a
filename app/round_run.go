package app

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/trail"
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
	RoundCompleted = "completed" // every step was run
	RoundStopped   = "stopped"   // the user stopped it
	RoundAborted   = "aborted"   // the console closed or the audit store failed
	// A policy code ("guard_without_supervisor", "session_invalid") when the
	// ground of the run went away: the run ends with that code.
)

// RoundOptions tune a run. The zero value is what the console uses.
type RoundOptions struct {
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

func (o *RoundOptions) defaults() {
	if o.FrameTimeout <= 0 {
		o.FrameTimeout = 3 * time.Second
	}
	if o.Tick <= 0 {
		o.Tick = 250 * time.Millisecond
	}
}

// RoundEventKind says what changed in a run.
type RoundEventKind int

// The events a run sends.
const (
	RoundStepStarted RoundEventKind = iota // a step began; State().Slots hold its views
	RoundTick                              // progress of the dwell
	RoundSkipped                           // a camera was skipped (Camera), lost or refused
	RoundPaused
	RoundResumed
	RoundObserved // an observation was recorded (Camera)
	RoundEnded    // the run ended; State().EndReason says why
)

// RoundEvent is one change of a run. The full picture is State(); an event
// says only that something changed (events are dropped, never queued without
// bound, when the receiver is slow).
type RoundEvent struct {
	Kind   RoundEventKind
	Step   int
	Camera string
}

// RoundSlot is one camera of the current step.
type RoundSlot struct {
	Camera Camera
	// View is the audited interval showing the camera; nil once skipped.
	View   *LiveView
	Status VisitStatus
	// Note is the policy code of a refusal.
	Note string
}

// RoundState is a snapshot of a run.
type RoundState struct {
	RunID string
	Round Round
	Step  int // 0-based
	Steps int
	// StepStarted is when the step began (monotonic clock), before its
	// cameras were opened.
	StepStarted time.Time
	Slots       []RoundSlot
	Elapsed     time.Duration // dwell time run in this step, pauses excluded
	Dwell       time.Duration // planned plus extensions
	Paused      bool
	Ended       bool
	EndReason   string
	Visits      int // visits recorded so far
}

// RoundRun is one run of a round by one session. One goroutine owns its
// clock, its views and its report; the methods only send it commands.
type RoundRun struct {
	ID    string
	c     *Console
	sess  *Session
	round Round
	why   Reason
	opts  RoundOptions
	log   *slog.Logger
	db    *sql.DB

	cmds    chan runCmd
	events  chan RoundEvent
	dropped atomic.Uint64
	done    chan struct{}
	started time.Time

	mu       sync.Mutex
	state    RoundState
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

// RoundReason is the justification of a run: "virtuele patrouille: <round>".
func RoundReason(round string) Reason { return Reason{Kind: JustRound, Ref: round} }

// StartRound runs a round for the session under the justification
// "virtual patrol: <round>". The policy decides first (a guard only with a
// team chief in the room; roles without live view never) and round.start is
// audited; every camera shown is then its own audited live view. ctx bounds
// the run: when it ends, the run ends. text is an optional free motivation.
func (c *Console) StartRound(ctx context.Context, s *Session, name, text string, opts RoundOptions) (*RoundRun, error) {
	r, err := c.Round(ctx, name)
	if err != nil {
		return nil, err
	}
	opts.defaults()
	why := RoundReason(name)
	why.Text = strings.TrimSpace(text)
	id := newID()
	if err := c.allow(ctx, s, ActRoundRun, Resource{Target: "round:" + name}, why,
		trail.RoundStart{Run: id, Steps: len(r.Steps)}); err != nil {
		return nil, fmt.Errorf("round %q: %w", name, err)
	}
	db, err := openRoundsDB(c.cfg.DataDir)
	if err != nil {
		c.recordRoundStop(s, name, why, trail.RoundStop{Run: id, End: RoundAborted})
		return nil, err
	}
	run := &RoundRun{ID: id, c: c, sess: s, round: r, why: why, opts: opts, db: db,
		log:  c.log.With("component", "round", "round", name, "run", id),
		cmds: make(chan runCmd, 16), events: make(chan RoundEvent, 64), done: make(chan struct{}),
		started: c.now()}
	run.state = RoundState{RunID: id, Round: r, Steps: len(r.Steps)}
	if err := run.insertRun(ctx); err != nil {
		db.Close()
		c.recordRoundStop(s, name, why, trail.RoundStop{Run: id, End: RoundAborted})
		return nil, err
	}
	c.mu.Lock()
	c.runs[run] = struct{}{}
	c.mu.Unlock()
	go run.loop(ctx)
	return run, nil
}

// Events delivers the run's changes. It is closed after RoundEnded.
func (r *RoundRun) Events() <-chan RoundEvent { return r.events }

// Done is closed when the run has ended and its report is written.
func (r *RoundRun) Done() <-chan struct{} { return r.done }

// State is a snapshot of the run.
func (r *RoundRun) State() RoundState {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.state
	st.Slots = append([]RoundSlot(nil), st.Slots...)
	return st
}

// Err is the first error the run met writing its report, if any.
func (r *RoundRun) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Reason is the justification the run and its views are audited under.
func (r *RoundRun) Reason() Reason { return r.why }

// Pause holds the dwell clock; the cameras stay on screen.
func (r *RoundRun) Pause() { r.send(runCmd{kind: cmdPause}) }

// Resume restarts the dwell clock.
func (r *RoundRun) Resume() { r.send(runCmd{kind: cmdResume}) }

// TogglePause pauses a running step or resumes a paused one.
func (r *RoundRun) TogglePause() {
	if r.State().Paused {
		r.Resume()
	} else {
		r.Pause()
	}
}

// Next ends the current step now and goes to the next one.
func (r *RoundRun) Next() { r.send(runCmd{kind: cmdNext}) }

// Previous goes back to the step before (the first step restarts).
func (r *RoundRun) Previous() { r.send(runCmd{kind: cmdPrev}) }

// Extend adds d to the current step's dwell.
func (r *RoundRun) Extend(d time.Duration) {
	if d > 0 {
		r.send(runCmd{kind: cmdExtend, d: d})
	}
}

// Stop ends the run and waits until its views are closed and its report
// is written. It is safe to call more than once and after the run ended.
func (r *RoundRun) Stop() {
	r.send(runCmd{kind: cmdStop})
	<-r.done
}

// send never blocks a UI thread on a busy run: the queue is deep enough
// for any human, and a run that ended takes no more commands.
func (r *RoundRun) send(c runCmd) {
	select {
	case <-r.done:
	case r.cmds <- c:
	default:
		r.log.Warn("round command dropped: queue full", "cmd", c.kind)
	}
}

// emit never blocks; an Observe racing the end of the run must not send on
// the closed channel, hence the lock.
func (r *RoundRun) emit(e RoundEvent) {
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

func (r *RoundRun) closeEvents() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evClosed = true
	close(r.events)
}

// loop is the run's goroutine: it owns the step clock, the views and the
// warm streams, and writes the report.
func (r *RoundRun) loop(ctx context.Context) {
	defer func() {
		r.c.mu.Lock()
		delete(r.c.runs, r)
		r.c.mu.Unlock()
	}()
	defer close(r.done)
	defer r.closeEvents()
	defer r.db.Close()
	steps := r.round.Steps
	reason := RoundCompleted
	idx := 0
	for idx < len(steps) {
		if d := r.c.access.Recheck(r.sess, ActRoundRun, Resource{Target: "round:" + r.round.Name}, r.why); !d.Allow {
			reason = d.Code
			break
		}
		st, err := r.beginStep(ctx, idx)
		if err != nil {
			r.log.Error("round step could not start", "step", idx, "err", err)
			reason = RoundAborted
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

func (r *RoundRun) fail(err error) {
	r.log.Error("round report", "err", err)
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
}

// finish writes round.stop and the end of the report.
func (r *RoundRun) finish(reason string) {
	r.mu.Lock()
	visits := r.seq
	r.state.Ended, r.state.EndReason, r.state.Slots, r.state.Paused = true, reason, nil, false
	r.mu.Unlock()
	dur := r.c.now().Sub(r.started)
	seen, lost, err := r.endRun(reason)
	if err != nil {
		r.fail(err)
	}
	r.c.recordRoundStop(r.sess, r.round.Name, r.why, trail.RoundStop{Run: r.ID, End: reason, StepsRun: visits,
		Duration: trail.Duration(dur), Seen: seen, Lost: lost})
	r.emit(RoundEvent{Kind: RoundEnded})
}

func (c *Console) recordRoundStop(s *Session, name string, why Reason, d trail.RoundStop) {
	detail := d
	// A background context: the stop belongs in the trail even when the
	// run ended because its context did.
	if err := c.access.Record(context.Background(), s, "round:"+name, why, detail); err != nil {
		c.log.Error("round.stop not audited", "round", name, "run", d.Run, "err", err)
	}
}
