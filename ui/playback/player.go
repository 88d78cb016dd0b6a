package playback

import (
	"context"
	"errors"
	"image"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// order is what the UI asks of a player; the newest wins, steps add up.
type order struct {
	seek bool      // show the frame at at
	at   time.Time //
	step int       // frames forward (>0) or back (<0)
	sync bool      // the clock was started, paused or sped up
}

// shot is what a player shows: a frame (img, at) or a state (err, or the
// end of the recording).
type shot struct {
	img *image.RGBA
	at  time.Time
	err error
	end bool
}

// stream is the part of *app.Playback a player drives.
type stream interface {
	SeekTo(ctx context.Context, t time.Time) (app.PlaybackFrame, error)
	Next(ctx context.Context) (app.PlaybackFrame, error)
	Prev(ctx context.Context) (app.PlaybackFrame, error)
	SetKeyframesOnly(on bool)
	Close() error
}

// player is one camera's playback on the screen: one goroutine that owns
// the app.Playback, decodes at the pace of the frames' timestamps on the
// shared clock and hands the newest frame to the UI thread (latest wins:
// at most one post is queued, and a frame not yet shown is replaced).
type player struct {
	cam  app.Camera
	why  app.Reason
	clk  *clock
	do   func(func())
	show func(*shot) // on the UI thread

	mu   sync.Mutex
	ord  *order
	wake chan struct{}

	pending atomic.Pointer[shot]
	pool    chan *image.RGBA
	cancel  context.CancelFunc
	done    chan struct{}
	gone    bool // UI thread: stopped, shots are dropped
}

func newPlayer(cam app.Camera, why app.Reason, clk *clock, do func(func()), show func(*shot)) *player {
	return &player{cam: cam, why: why, clk: clk, do: do, show: show,
		wake: make(chan struct{}, 1), pool: make(chan *image.RGBA, 3), done: make(chan struct{})}
}

// send posts o to the goroutine without blocking.
func (p *player) send(o order) {
	p.mu.Lock()
	if p.ord != nil && o.step != 0 && !o.seek && !o.sync {
		o.step += p.ord.step
	}
	p.ord = &o
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *player) take() *order {
	p.mu.Lock()
	defer p.mu.Unlock()
	o := p.ord
	p.ord = nil
	return o
}

// stop ends the goroutine (which closes the playback); it does not wait.
func (p *player) stop() {
	p.gone = true
	if p.cancel != nil {
		p.cancel()
	}
}

// post hands s to the UI thread; a shot not yet shown is replaced.
func (p *player) post(s *shot) {
	if old := p.pending.Swap(s); old != nil {
		p.recycle(old.img)
		return
	}
	p.do(func() {
		s := p.pending.Swap(nil)
		if s == nil {
			return
		}
		if p.gone {
			p.recycle(s.img)
			return
		}
		p.show(s)
	})
}

// recycle gives a buffer the UI no longer shows back to the goroutine.
func (p *player) recycle(img *image.RGBA) {
	if img == nil {
		return
	}
	select {
	case p.pool <- img:
	default:
	}
}

func (p *player) frame(fr app.PlaybackFrame) *shot {
	var buf *image.RGBA
	select {
	case buf = <-p.pool:
	default:
	}
	return &shot{img: look.CopyFrame(buf, fr.Image), at: fr.Time}
}

// maxLag is how far a playing camera may fall behind the clock before it
// seeks to where the clock is instead of decoding its way there.
const maxLag = 1500 * time.Millisecond

// run opens the playback at the clock's position (decided and audited by
// the console), then follows the orders and the clock until ctx ends, and
// closes the playback.
func (p *player) run(ctx context.Context, c Console, sess *app.Session, onErr func(error)) {
	defer close(p.done)
	pb, err := c.OpenPlayback(ctx, sess, p.cam.ID, p.clk.Now(), p.why)
	if err != nil {
		if ctx.Err() == nil {
			p.post(&shot{err: err})
		}
		return
	}
	defer func() {
		if err := pb.Close(); err != nil {
			onErr(err)
		}
	}()
	p.loop(ctx, pb)
}

func (p *player) loop(ctx context.Context, pb stream) {
	seekAt, needSeek := p.clk.Now(), true
	var shown, decoded time.Time // the last frame posted, and decoded
	keyOnly, held := false, false
	for ctx.Err() == nil {
		o := p.take()
		st := p.clk.read()
		if o != nil {
			switch {
			case o.seek:
				seekAt, needSeek, held = o.at, true, false
			case o.step != 0:
				p.stepBy(ctx, pb, o.step, &shown, &decoded)
				held = false
				continue
			case o.sync && st.Playing:
				seekAt, needSeek, held = st.At(p.clk.now()), true, false
			case o.sync && decoded != shown && !shown.IsZero():
				// Paused on a frame decoded but not shown: put the reader
				// back on the one shown, so a step goes on from there.
				seekAt, needSeek = shown, true
			}
		}
		if want := st.Speed > keyframesAbove; want != keyOnly {
			pb.SetKeyframesOnly(want)
			keyOnly = want
		}
		if needSeek {
			needSeek = false
			fr, err := pb.SeekTo(ctx, seekAt)
			if p.failed(ctx, err) {
				held = true
				continue
			}
			shown, decoded = fr.Time, fr.Time
			p.post(p.frame(fr))
			continue
		}
		if !st.Playing || held {
			p.sleep(ctx, 0)
			continue
		}
		fr, err := pb.Next(ctx)
		if p.failed(ctx, err) {
			held = true
			continue
		}
		decoded = fr.Time
		now := p.clk.now()
		if lag := st.At(now).Sub(fr.Time); lag > time.Duration(max(1, st.Speed)*float64(maxLag)) {
			seekAt, needSeek = st.At(now), true
			continue
		}
		if wait := st.Due(fr.Time).Sub(now); wait > 0 && !p.sleep(ctx, wait) {
			continue // an order came first: this frame is not shown
		}
		shown = fr.Time
		p.post(p.frame(fr))
	}
}

func (p *player) stepBy(ctx context.Context, pb stream, n int, shown, decoded *time.Time) {
	var fr app.PlaybackFrame
	var err error
	for ; n != 0 && err == nil; n -= sign(n) {
		if n > 0 {
			fr, err = pb.Next(ctx)
		} else {
			fr, err = pb.Prev(ctx)
		}
	}
	if p.failed(ctx, err) {
		return
	}
	*shown, *decoded = fr.Time, fr.Time
	p.post(p.frame(fr))
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

// failed posts err (the end of the recording, a refusal, a failure) and
// tells whether there was one.
func (p *player) failed(ctx context.Context, err error) bool {
	switch {
	case err == nil:
		return false
	case ctx.Err() != nil:
	case errors.Is(err, io.EOF):
		p.post(&shot{end: true})
	default:
		p.post(&shot{err: err})
	}
	return true
}

// sleep waits d (until an order when d is 0) and tells whether it waited
// the whole time.
func (p *player) sleep(ctx context.Context, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-p.wake:
		return false
	case <-timeout:
		return true
	}
}
