package footage

import (
	"context"
	"crypto/rand"
	"fmt"
	"image"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/playback"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// Frame is one recorded picture with the camera's privacy masks blacked
// out, and when the camera captured it. Image is the playback's own buffer,
// valid until its next call.
type Frame struct {
	Image    *image.RGBA
	Time     time.Time
	Duration time.Duration
	Keyframe bool
}

// Playback is one camera's recorded footage on one screen for one session:
// an audited interval like a live view (playback ... playback.stop, with
// the recorded period that was actually shown). Every move to another
// moment is decided again: footage older than the ground allows (30 days,
// then judicial with an authorisation; never past the retention unless
// held) is refused, not shown.
type Playback struct {
	ID     string
	Camera zone.Camera

	a      *Archive
	sess   *identity.Session
	why    policy.Reason
	opened time.Time

	mu        sync.Mutex
	rd        *playback.Reader
	img       *image.RGBA
	shownFrom time.Time
	shownTo   time.Time
	closed    bool
}

// OpenPlayback opens a camera's recordings at the moment at for a session.
// The policy decides on the footage's age, the camera (covert, municipal)
// and the ground before any frame is decoded, and the audit entry is
// written; a refusal is a *policy.DeniedError.
func (a *Archive) OpenPlayback(ctx context.Context, s *identity.Session, cameraID string, at time.Time, why policy.Reason) (*Playback, error) {
	cam, ok := a.cfg.Zone.Camera(cameraID)
	if !ok {
		return nil, fmt.Errorf("camera %s: not in the zone", cameraID)
	}
	id := rand.Text()[:16]
	res := a.footageResource(ctx, cam, at)
	if _, err := a.access.Check(ctx, s, policy.ActPlayback, res, why,
		trail.Playback{Playback: id, Cameras: []string{cam.ID}, At: at.UTC()}); err != nil {
		return nil, fmt.Errorf("camera %s: %w", cam.ID, err)
	}
	now := a.now()
	segs, err := a.idx.List(ctx, cam.ID, now.Add(-a.Limits().RetentionPeriod()-24*time.Hour), now.Add(time.Hour))
	if err == nil {
		var rd *playback.Reader
		if rd, err = playback.Open(a.recordingsDir(), segs); err == nil {
			p := &Playback{ID: id, Camera: cam, a: a, sess: s, why: why, opened: now, rd: rd}
			return p, nil
		}
	}
	// The decision was audited: close the interval at once.
	a.recordStop(s, why, trail.PlaybackStop{Playback: id, Cameras: []string{cam.ID}})
	return nil, fmt.Errorf("camera %s: recordings: %w", cam.ID, err)
}

// footageResource is what the policy weighs of footage of cam at t: the
// camera's owner and covertness, how old the footage is, and whether an
// evidence hold keeps it.
func (a *Archive) footageResource(ctx context.Context, cam zone.Camera, t time.Time) policy.Resource {
	res := access.CameraResource(cam, false)
	res.FootageAge = a.now().Sub(t)
	if res.FootageAge < 0 {
		res.FootageAge = 0
	}
	if holds, err := a.idx.Holds(ctx); err == nil {
		now := a.now()
		for _, h := range holds {
			if h.Active(now) && h.Covers(cam.ID, t, t.Add(time.Nanosecond)) {
				res.EvidenceHold = true
			}
		}
	}
	return res
}

func (a *Archive) recordingsDir() string {
	if a.svc != nil {
		return a.svc.Dir()
	}
	return filepath.Join(a.cfg.DataDir, "recordings")
}

// SeekTo shows the frame the camera captured at t, after the policy allowed
// footage of that age (no new entry: the interval's stop records the
// period shown).
func (p *Playback) SeekTo(ctx context.Context, t time.Time) (Frame, error) {
	if err := p.allowed(ctx, t); err != nil {
		return Frame{}, err
	}
	return p.frame(func() (playback.Frame, error) { return p.rd.SeekTo(t) })
}

// Next and Prev step one frame (one keyframe in keyframe mode).
func (p *Playback) Next(ctx context.Context) (Frame, error) {
	return p.step(ctx, func() (playback.Frame, error) { return p.rd.Next() })
}

func (p *Playback) Prev(ctx context.Context) (Frame, error) {
	return p.step(ctx, func() (playback.Frame, error) { return p.rd.Prev() })
}

// SetKeyframesOnly decodes keyframes only (speeds above 4x).
func (p *Playback) SetKeyframesOnly(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.rd.SetKeyframesOnly(on)
	}
}

func (p *Playback) step(ctx context.Context, f func() (playback.Frame, error)) (Frame, error) {
	fr, err := p.frame(f)
	if err != nil {
		return fr, err
	}
	// A step can cross into older footage than the ground allows.
	if err := p.allowed(ctx, fr.Time); err != nil {
		return Frame{}, err
	}
	return fr, nil
}

func (p *Playback) allowed(ctx context.Context, t time.Time) error {
	if d := p.a.access.Recheck(p.sess, policy.ActPlayback, p.a.footageResource(ctx, p.Camera, t), p.why); !d.Allow {
		return &policy.DeniedError{Decision: d}
	}
	return nil
}

func (p *Playback) frame(f func() (playback.Frame, error)) (Frame, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return Frame{}, fmt.Errorf("playback %s: closed", p.ID)
	}
	fr, err := f()
	if err != nil {
		return Frame{}, err
	}
	p.img = zone.CopyMasked(p.img, fr.Image, p.Camera.Masks)
	if p.shownFrom.IsZero() || fr.Time.Before(p.shownFrom) {
		p.shownFrom = fr.Time
	}
	if fr.Time.After(p.shownTo) {
		p.shownTo = fr.Time
	}
	return Frame{Image: p.img, Time: fr.Time, Duration: fr.Duration, Keyframe: fr.Keyframe}, nil
}

// Close ends the interval: playback.stop with the period shown.
func (p *Playback) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	from, to := p.shownFrom, p.shownTo
	err := p.rd.Close()
	p.mu.Unlock()
	d := trail.PlaybackStop{Playback: p.ID, Cameras: []string{p.Camera.ID}, ShownFrom: from.UTC(), ShownTo: to.UTC(),
		Duration: trail.Duration(p.a.now().Sub(p.opened))}
	if aerr := p.a.recordStop(p.sess, p.why, d); aerr != nil {
		return aerr
	}
	return err
}

func (a *Archive) recordStop(s *identity.Session, why policy.Reason, d trail.PlaybackStop) error {
	subject := ""
	if len(d.Cameras) == 1 {
		subject = "camera:" + d.Cameras[0]
	}
	if err := a.access.Record(context.Background(), s, subject, why, d); err != nil {
		a.log.Error("playback.stop not audited", "playback", d.Playback, "err", err)
		return err
	}
	return nil
}

// Timeline is what a camera's timeline shows: recorded periods, gaps and
// the periods under an evidence hold.
type Timeline struct {
	Recorded, Gaps []playback.Span
	Held           []playback.Span
}

// TimelineOf gives a camera's timeline between from and to for a session
// that may play its footage back (decided, not audited: it shows when
// footage exists, not what it shows).
func (a *Archive) TimelineOf(ctx context.Context, s *identity.Session, cameraID string, from, to time.Time, why policy.Reason) (Timeline, error) {
	cam, ok := a.cfg.Zone.Camera(cameraID)
	if !ok {
		return Timeline{}, fmt.Errorf("camera %s: not in the zone", cameraID)
	}
	res := access.CameraResource(cam, false)
	if d := a.access.Recheck(s, policy.ActPlayback, res, why); !d.Allow {
		return Timeline{}, &policy.DeniedError{Decision: d}
	}
	segs, err := a.idx.List(ctx, cam.ID, from, to)
	if err != nil {
		return Timeline{}, err
	}
	var tl Timeline
	tl.Recorded, tl.Gaps = playback.Spans(segs)
	if holds, err := a.idx.Holds(ctx); err == nil {
		now := a.now()
		for _, h := range holds {
			if h.Active(now) && h.Covers(cam.ID, from, to) {
				tl.Held = append(tl.Held, playback.Span{Start: maxTime(h.From, from), End: minTime(h.To, to)})
			}
		}
	}
	return tl, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
