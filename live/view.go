package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"image"
	"sort"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
)

// Stream picks a camera's main (full resolution) or sub (small tile) stream.
type Stream int

const (
	StreamSub Stream = iota
	StreamMain
)

func (s Stream) String() string {
	if s == StreamMain {
		return "main"
	}
	return "sub"
}

// Frame is a decoded picture handed to the UI; Release it when done.
type Frame = video.Frame

// CameraStatus is a camera connection's state as the wall shows it.
type CameraStatus = video.Status

// View is one camera on screen for one session: an audited interval that
// starts with an allowed live.start entry and ends with live.stop on Close.
type View struct {
	c      *Views
	ID     string
	Camera zone.Camera
	sess   *identity.Session
	why    policy.Reason
	opened time.Time

	mu      sync.Mutex
	stream  Stream
	src     *video.Source
	sub     *video.Subscription
	release func()
	closed  bool
	done    chan struct{}
	endCode string
	// masked is the picture Latest hands out for a masked camera, reused
	// from frame to frame (reallocated only when the size changes).
	masked *image.RGBA
	// cons is the consultation that opened the view (live.start).
	cons access.Consultation
	// plates: the session may see the plate reads of this camera (a role
	// that handles hits; decided once at open, like the view itself).
	plates bool
	// w, h is the tile's size in pixels (SetSize); 0, 0 for the stream's
	// own. It outlives the subscription, so a stream switch keeps it.
	w, h int
}

// Open shows a camera to a session: the policy decides, the audit entry is
// written, and only then is the stream subscribed. A refusal comes back as
// *DeniedError; an audit failure as a denial too (fail closed).
func (c *Views) Open(ctx context.Context, s *identity.Session, cameraID string, st Stream, why policy.Reason) (*View, error) {
	cam, ok := c.zone.Camera(cameraID)
	if !ok {
		return nil, fmt.Errorf("camera %s: not in the zone", cameraID)
	}
	id := newID()
	res := access.CameraResource(cam, true)
	cons, err := c.access.Check(ctx, s, policy.ActLive, res, why, trail.LiveStart{View: id, Stream: st.String()})
	if err != nil {
		return nil, fmt.Errorf("camera %s: %w", cameraID, err)
	}
	v := &View{c: c, ID: id, Camera: cam, sess: s, why: why, opened: c.now(), stream: st, done: make(chan struct{}), cons: cons}
	// Plates over the picture are police list data: only for a role that
	// handles hits, under the same camera rules (covert stays judicial).
	v.plates = cam.Kind.ANPR() && c.access.Recheck(s, policy.ActHitHandle, res, why).Allow
	if err := v.attach(st); err != nil {
		// The view was audited as started; close the interval so the trail
		// does not show a camera on screen that never was.
		v.Close()
		return nil, err
	}
	c.mu.Lock()
	c.views[id] = v
	c.mu.Unlock()
	c.room.ViewOpened(s, v.watch())
	return v, nil
}

func (v *View) attach(st Stream) error {
	src, release, err := v.c.source(v.Camera, st)
	if err != nil {
		return err
	}
	v.mu.Lock()
	w, h := v.w, v.h
	v.mu.Unlock()
	// The new stream is subscribed at the tile's size before the old one is
	// closed: the tile keeps its last picture until the new stream's first
	// one arrives (no black frame), and that one already has the tile's size.
	sub := src.SubscribeSize(w, h)
	v.mu.Lock()
	oldSub, oldRelease := v.sub, v.release
	v.src, v.sub, v.release, v.stream = src, sub, release, st
	// A SetSize between the two locks went to the old subscription only.
	sub.SetSize(v.w, v.h)
	v.mu.Unlock()
	if oldSub != nil {
		oldSub.Close()
		oldRelease()
	}
	return nil
}

// SetSize tells the view the size in pixels its pictures are shown at (the
// tile's); frames then come at most that size, the aspect kept, converted
// and scaled in one pass on the camera's goroutine. 0, 0 asks for the
// stream's own size. The size stays across SwitchStream.
func (v *View) SetSize(w, h int) {
	v.mu.Lock()
	v.w, v.h = max(w, 0), max(h, 0)
	sub := v.sub
	v.mu.Unlock()
	if sub != nil {
		sub.SetSize(w, h)
	}
}

// SwitchStream moves the view to the main stream (enlarged tile) or back to
// the sub stream. It stays one audited interval: the same person keeps
// watching the same camera under the same justification.
func (v *View) SwitchStream(st Stream) error {
	v.mu.Lock()
	same, closed := v.stream == st, v.closed
	v.mu.Unlock()
	if same || closed {
		return nil
	}
	return v.attach(st)
}

// Ready is signalled when a new frame waits.
func (v *View) Ready() <-chan struct{} {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.sub == nil {
		return nil
	}
	return v.sub.Ready()
}

// Latest returns the newest frame with the camera's privacy masks blacked out,
// or nil when nothing new arrived. The caller releases it. For a masked
// camera the picture is the view's own buffer: it stays valid until the next
// call of Latest, so the one reader copies it (as the tiles do) before asking
// again.
func (v *View) Latest() *Frame {
	v.mu.Lock()
	sub := v.sub
	v.mu.Unlock()
	if sub == nil {
		return nil
	}
	f := sub.Latest()
	if f == nil || len(v.Camera.Masks) == 0 {
		return f
	}
	// The decoded frame is shared with ANPR and other tiles and is read-only:
	// the masked picture is the view's own buffer, masked while copied (its
	// Release is a no-op).
	v.mu.Lock()
	img := zone.CopyMasked(v.masked, f.Image, v.Camera.Masks)
	v.masked = img
	v.mu.Unlock()
	masked := &Frame{Image: img, Seq: f.Seq, Received: f.Received, Decoded: f.Decoded}
	f.Release()
	return masked
}

// Reads returns the newest read of each of the camera's last n plates,
// newest first, for the overlay on the tile. The view is the consultation
// (live.start was audited when it opened); a session whose role does not
// handle hits gets none, and neither does a closed view.
func (v *View) Reads(n int) []Read {
	v.mu.Lock()
	closed := v.closed
	v.mu.Unlock()
	if !v.plates || closed || !v.c.access.Recheck(v.sess, policy.ActHitHandle, access.CameraResource(v.Camera, true), v.why).Allow {
		return nil
	}
	return v.c.plates.LatestReads(v.Camera.ID, n)
}

// Status is the camera connection's state.
func (v *View) Status() CameraStatus {
	v.mu.Lock()
	src := v.src
	v.mu.Unlock()
	if src == nil {
		return CameraStatus{}
	}
	return src.Status()
}

// Stream is the stream the view currently plays.
func (v *View) Stream() Stream {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.stream
}

// Reason is the justification the view was opened under.
func (v *View) Reason() policy.Reason { return v.why }

// Done is closed when the view ended, by Close or because the console ended
// it (EndCode says why, e.g. the guard's team chief logged out).
func (v *View) Done() <-chan struct{} { return v.done }

// EndCode is the policy code that ended the view, empty after a plain Close.
func (v *View) EndCode() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.endCode
}

// Close ends the interval: the stream is released and live.stop is audited.
func (v *View) Close() error { return v.end("") }

func (v *View) end(code string) error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil
	}
	v.closed = true
	v.endCode = code
	close(v.done)
	sub, release := v.sub, v.release
	v.sub, v.release = nil, nil
	v.mu.Unlock()
	if sub != nil {
		sub.Close()
		release()
	}
	v.c.mu.Lock()
	_, listed := v.c.views[v.ID]
	delete(v.c.views, v.ID)
	v.c.mu.Unlock()
	if listed {
		v.c.room.ViewEnded(v.ID)
	}
	dur := v.c.now().Sub(v.opened).Round(time.Millisecond)
	// A background context: the stop must be written even when the caller's
	// context is already cancelled (console shutting down).
	err := v.c.access.Record(context.Background(), v.sess, "camera:"+v.Camera.ID, v.why,
		trail.LiveStop{View: v.ID, Duration: trail.Duration(dur), Ended: code})
	if err != nil {
		v.c.log.Error("live.stop not audited", "camera", v.Camera.ID, "view", v.ID, "err", err)
		return fmt.Errorf("camera %s: audit live.stop: %w", v.Camera.ID, err)
	}
	return nil
}

// Watch is one camera on screen somewhere, for the team chief's live panel.
type Watch struct {
	ViewID  string
	User    string
	Role    policy.Role
	Console string
	Camera  zone.Camera
	Since   time.Time
	Reason  policy.Reason
}

// Watching lists who watches which camera in the room (this console's views
// and, in a room of several consoles, the others'), since when and why.
// It is itself a consultation of personal data, so it is checked and audited.
// The team chief's panel refreshes every few seconds: that is one consultation
// going on, audited when it starts and again every WatchAuditEvery, and
// re-decided by the policy (without an entry) at every refresh in between.
func (c *Views) Watching(ctx context.Context, s *identity.Session) ([]Watch, error) {
	if err := c.panels.Consult(ctx, s, "live", policy.ActLiveReview, trail.LiveReview{Panel: "live"}); err != nil {
		return nil, err
	}
	out := append(c.watches(), c.room.Elsewhere()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out, nil
}

// WatchAuditEvery is how often a live panel that stays open is audited again.
const WatchAuditEvery = access.PanelAuditEvery

func (c *Views) watches() []Watch {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Watch, 0, len(c.views))
	for _, v := range c.views {
		out = append(out, v.watch())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out
}

func (v *View) watch() Watch {
	return Watch{ViewID: v.ID, User: v.sess.User.Name, Role: v.sess.User.Role,
		Console: v.sess.Console, Camera: v.Camera, Since: v.opened, Reason: v.why}
}

// recheckViews ends the views whose ground is gone: a guard's supervising
// inspector logged out, a municipal grant ran out, the session ended. The
// policy decides; the live.stop of each carries the code.
func (c *Views) recheckViews() {
	c.mu.Lock()
	views := make([]*View, 0, len(c.views))
	for _, v := range c.views {
		views = append(views, v)
	}
	c.mu.Unlock()
	for _, v := range views {
		if d := c.access.Recheck(v.sess, policy.ActLive, access.CameraResource(v.Camera, true), v.why); !d.Allow {
			c.log.Info("live view ended by policy", "camera", v.Camera.ID, "user", v.sess.User.Name, "code", d.Code)
			v.end(d.Code)
		}
	}
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
