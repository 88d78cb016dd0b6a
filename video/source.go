package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// State is where a Source stands with its camera.
type State int

// The states a tile can show.
const (
	StateConnecting   State = iota // never reached the camera yet
	StateLive                      // access units are arriving
	StateLost                      // the connection failed or stalled; retrying with backoff
	StateUnauthorised              // the camera refused the credentials (401); retrying slowly
	StateNoPicture                 // packets arrive but no frame decodes (a broken stream): not "live"
)

func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateLive:
		return "live"
	case StateLost:
		return "lost"
	case StateUnauthorised:
		return "unauthorised"
	case StateNoPicture:
		return "no picture"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is a snapshot of a Source.
type Status struct {
	State   State
	Err     error     // why the last session ended; nil while live
	Since   time.Time // when State was entered
	FPS     float64   // access units received per second, 0 when nothing arrives
	Dropped uint64    // frames replaced before a subscriber took them, all subscribers together
	Units   uint64    // access units received since the Source was made
	Frames  uint64    // frames decoded since the Source was made (only while subscribed)
	Errors  uint64    // access units the depacketiser or decoder rejected
}

// ErrStalled ends a session in which no access unit arrived for StallTimeout.
var ErrStalled = errors.New("stream stalled")

// ErrUnauthorised is the Status.Err of a camera that answered 401.
var ErrUnauthorised = errors.New("unauthorised")

// SourceConfig describes one camera stream. Zero durations take the defaults.
type SourceConfig struct {
	ID        string
	URL       string // rtsp://[user:pass@]host:port/path; the credentials never reach a log
	Transport string // "tcp" (default), "udp" or "auto" (UDP first, then TCP)
	Logger    *slog.Logger

	StallTimeout      time.Duration // no access unit for this long counts as lost; default 3 s
	NoPictureAfter    time.Duration // units but no decoded frame for this long is "no picture"; default 3 s
	MinBackoff        time.Duration // first retry delay; default 250 ms
	MaxBackoff        time.Duration // retry delay cap; default 5 s
	UnauthorisedRetry time.Duration // retry delay after a 401; default 15 s
}

func (c *SourceConfig) setDefaults() {
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = 3 * time.Second
	}
	if c.NoPictureAfter <= 0 {
		c.NoPictureAfter = 3 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 250 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Second
	}
	if c.UnauthorisedRetry <= 0 {
		c.UnauthorisedRetry = 15 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Source owns the connection to one camera stream. Run keeps it connected;
// Subscribe hands out decoded frames. Decoding only happens while at least one
// subscriber exists, so an idle (pre-connected) Source costs almost no CPU.
type Source struct {
	cfg     SourceConfig
	log     *slog.Logger
	safeURL string
	frames  *sizedPools

	running atomic.Bool

	mu   sync.Mutex
	subs []*Subscription
	// lasts are the newest frames, one per size delivered (one reference
	// each), for a subscriber joining; empty when idle. spare is the
	// previous round's slice, reused. picSize is the stream's picture size.
	lasts   []*Frame
	spare   []*Frame
	picSize image.Point
	status  Status
	changed chan struct{}

	units     unitFanout // access-unit subscribers (units.go)
	nsubs     atomic.Int32
	seq       atomic.Uint64
	dropped   atomic.Uint64
	decodeErr atomic.Uint64
	decoded   atomic.Uint64
	lastAU    atomic.Int64 // unix nanoseconds
	// lastPic is when a frame last decoded, or when decoding (re)started
	// for a subscriber, so "no picture" counts from whichever is later;
	// 0 while nobody decodes. lastErr is the decoder's last refusal.
	lastPic atomic.Int64
	lastErr atomic.Pointer[string]
	fpsBits atomic.Uint64 // float64
}

// NewSource prepares a Source; nothing happens until Run.
func NewSource(cfg SourceConfig) *Source {
	cfg.setDefaults()
	safe := redactURL(cfg.URL)
	s := &Source{
		cfg:     cfg,
		safeURL: safe,
		log:     cfg.Logger.With("component", "video", "camera", cfg.ID, "url", safe),
		frames:  newSizedPools(),
		changed: make(chan struct{}),
	}
	s.status = Status{State: StateConnecting, Since: time.Now().UTC()}
	return s
}

// ID is the camera id the Source was made for.
func (s *Source) ID() string { return s.cfg.ID }

// URL is the stream address without credentials, fit for logs and screens.
func (s *Source) URL() string { return s.safeURL }

// Status reports the current state.
func (s *Source) Status() Status {
	s.mu.Lock()
	st := s.status
	s.mu.Unlock()
	st.Dropped = s.dropped.Load()
	st.Units = s.seq.Load()
	st.Frames = s.decoded.Load()
	st.Errors = s.decodeErr.Load()
	if st.State == StateLive && time.Since(time.Unix(0, s.lastAU.Load())) < 2*time.Second {
		st.FPS = math.Float64frombits(s.fpsBits.Load())
	}
	return st
}

// Changed returns a channel that is closed at the next state change.
func (s *Source) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Subscribe adds a consumer of full-size pictures. Frames start with the
// next decodable picture (the next IDR when the Source was idle). Close the
// Subscription when done.
func (s *Source) Subscribe() *Subscription { return s.SubscribeSize(0, 0) }

// SubscribeSize is Subscribe for pictures that fit in w×h (see
// Subscription.SetSize): a tile asks for its size from the first frame on.
func (s *Source) SubscribeSize(w, h int) *Subscription {
	sub := &Subscription{src: s, ready: make(chan struct{}, 1)}
	sub.SetSize(w, h)
	s.mu.Lock()
	s.subs = append(s.subs, sub)
	s.nsubs.Store(int32(len(s.subs)))
	// A Source that is already decoding hands over its newest picture at once:
	// a tile switching to a warm camera shows it without waiting a frame.
	if f := s.greeting(unpackSize(sub.size.Load())); f != nil && s.status.State == StateLive && time.Since(f.Decoded) < freshFrame {
		f.refs.Add(1)
		sub.offer(f)
	}
	s.mu.Unlock()
	return sub
}

// freshFrame is how old the newest picture may be to greet a new subscriber.
const freshFrame = time.Second

func (s *Source) unsubscribe(sub *Subscription) {
	s.mu.Lock()
	for i, x := range s.subs {
		if x == sub {
			last := len(s.subs) - 1
			copy(s.subs[i:], s.subs[i+1:])
			s.subs[last] = nil
			s.subs = s.subs[:last]
			break
		}
	}
	s.nsubs.Store(int32(len(s.subs)))
	var old []*Frame
	if len(s.subs) == 0 {
		old, s.lasts = s.lasts, nil // an idle Source keeps no pixels
	}
	s.mu.Unlock()
	for _, f := range old {
		f.Release()
	}
}

func (s *Source) setState(st State, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.Err = err
	if s.status.State == st {
		return
	}
	s.status.State = st
	s.status.Since = time.Now().UTC()
	close(s.changed)
	s.changed = make(chan struct{})
	if err != nil {
		s.log.Info("camera state", "state", st.String(), "err", err)
	} else {
		s.log.Info("camera state", "state", st.String())
	}
}

// Run connects and keeps the stream connected until ctx ends, retrying with
// exponential backoff (reset after a session that was live). It returns nil
// when ctx ends, and an error only when the Source cannot work at all (a bad
// URL or transport, or Run called twice).
func (s *Source) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return fmt.Errorf("camera %s: Run called twice", s.cfg.ID)
	}
	defer s.closeSubscribers()
	defer s.units.end()
	sess, err := newSessionConfig(s)
	if err != nil {
		s.setState(StateLost, err)
		return err
	}
	backoff := s.cfg.MinBackoff
	for {
		wasLive, err := sess.run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		delay := backoff
		switch {
		case errors.Is(err, ErrUnauthorised):
			s.setState(StateUnauthorised, err)
			delay = s.cfg.UnauthorisedRetry
		default:
			s.setState(StateLost, err)
		}
		if wasLive {
			backoff = s.cfg.MinBackoff
			delay = backoff
		} else {
			backoff = min(backoff*2, s.cfg.MaxBackoff)
		}
		s.log.Debug("reconnecting", "in", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// closeSubscribers drops the frames still waiting when Run ends; the
// subscriptions stay valid (Latest returns nil) until their owners close them.
func (s *Source) closeSubscribers() {
	s.mu.Lock()
	subs := append([]*Subscription(nil), s.subs...)
	lasts := s.lasts
	s.lasts = nil
	s.mu.Unlock()
	for _, f := range lasts {
		f.Release()
	}
	for _, sub := range subs {
		sub.Latest().Release()
	}
}

// redactURL drops the userinfo so a URL can be logged or shown.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable url)"
	}
	u.User = nil
	return u.String()
}
