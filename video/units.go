package video

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
)

// Params are the parameter sets in force for an access unit. The slices are
// shared between units and subscribers: read them, never write them.
type Params struct {
	VPS []byte // H.265 only
	SPS []byte
	PPS []byte
}

// Unit is one compressed access unit as the camera sent it, for consumers
// that store or forward video without decoding it (the recorder).
type Unit struct {
	Codec Codec
	// AU holds the NAL units without start codes (MJPEG: one JPEG image).
	// The bytes are a private copy shared by every unit subscriber: read only.
	AU           [][]byte
	PTS          time.Duration // from the RTP timestamp, relative to the session start
	NTP          time.Time     // the camera's wall clock from RTCP sender reports; zero until one came
	Received     time.Time
	RandomAccess bool
	Params       Params // the newest SPS/PPS (VPS) seen, from the SDP or in band
	// Width and Height come from the SPS; 0 when it could not be parsed.
	Width, Height int
	// Session counts connections: PTS restarts when it changes.
	Session uint64
	// Gap tells that units were dropped (a slow subscriber) or the
	// connection was re-made before this one: a recorder resyncs at the
	// next random access unit.
	Gap bool
}

// UnitSubscription receives the access units of a Source over a bounded
// channel. The Source never waits for it: a full channel drops the unit,
// counts it, and marks the next delivered unit with Gap.
type UnitSubscription struct {
	src     *Source
	ch      chan Unit
	gap     bool // touched only by the camera goroutine, under units.mu
	dropped atomic.Uint64
	closed  bool // under units.mu
}

// Units is the channel of access units. It is closed when the subscription
// is closed or when the Source's Run has returned.
func (u *UnitSubscription) Units() <-chan Unit { return u.ch }

// Dropped is the number of units lost because the channel was full.
func (u *UnitSubscription) Dropped() uint64 { return u.dropped.Load() }

// Close stops delivery and closes the channel. It is idempotent.
func (u *UnitSubscription) Close() { u.src.units.remove(u) }

// SubscribeUnits adds an access-unit consumer with a channel of buffer units
// (at least 1). Units flow whether or not any frame subscriber decodes.
func (s *Source) SubscribeUnits(buffer int) *UnitSubscription {
	if buffer < 1 {
		buffer = 1
	}
	u := &UnitSubscription{src: s, ch: make(chan Unit, buffer), gap: true}
	s.units.add(u)
	return u
}

// unitFanout is the Source's list of unit subscribers.
type unitFanout struct {
	mu      sync.Mutex
	subs    []*UnitSubscription
	ended   bool // Run returned: no unit will come any more
	n       atomic.Int32
	session atomic.Uint64 // connections made, for Unit.Session
}

func (f *unitFanout) add(u *UnitSubscription) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		u.closed = true
		close(u.ch)
		return
	}
	f.subs = append(f.subs, u)
	f.n.Store(int32(len(f.subs)))
}

func (f *unitFanout) remove(u *UnitSubscription) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.subs {
		if x == u {
			f.subs = append(f.subs[:i], f.subs[i+1:]...)
			break
		}
	}
	f.n.Store(int32(len(f.subs)))
	if !u.closed {
		u.closed = true
		close(u.ch)
	}
}

// end closes every subscription when Run returns, so a recorder sees the
// end of the stream instead of waiting for ever.
func (f *unitFanout) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ended = true
	for _, u := range f.subs {
		if !u.closed {
			u.closed = true
			close(u.ch)
		}
	}
	f.subs = nil
	f.n.Store(0)
}

// markGap makes the next unit of every subscriber carry Gap (a new session).
func (f *unitFanout) markGap() {
	f.mu.Lock()
	for _, u := range f.subs {
		u.gap = true
	}
	f.mu.Unlock()
}

// deliver offers u to every subscriber without blocking.
func (f *unitFanout) deliver(u Unit) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.subs {
		v := u
		v.Gap = s.gap
		select {
		case s.ch <- v:
			s.gap = false
		default:
			s.dropped.Add(1)
			s.gap = true
		}
	}
}

// copyAU copies an access unit into one allocation: gortsplib may reuse the
// packet buffers the NAL units point into once the callback returns.
func copyAU(au [][]byte) [][]byte {
	size := 0
	for _, n := range au {
		size += len(n)
	}
	buf := make([]byte, 0, size)
	out := make([][]byte, len(au))
	for i, n := range au {
		start := len(buf)
		buf = append(buf, n...)
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out
}

// spsSize remembers the picture size of the last SPS parsed, so that the
// SPS is parsed once per change, not once per access unit.
type spsSize struct {
	sps    []byte
	w, h   int
	parsed bool
}

func (c *spsSize) size(codec Codec, sps []byte) (int, int) {
	if c.parsed && len(sps) == len(c.sps) && (len(sps) == 0 || &sps[0] == &c.sps[0] || string(sps) == string(c.sps)) {
		return c.w, c.h
	}
	c.sps, c.parsed, c.w, c.h = sps, true, 0, 0
	if len(sps) == 0 {
		return 0, 0
	}
	switch codec {
	case CodecH264:
		var p h264.SPS
		if p.Unmarshal(sps) == nil {
			c.w, c.h = p.Width(), p.Height()
		}
	case CodecH265:
		var p h265.SPS
		if p.Unmarshal(sps) == nil {
			c.w, c.h = p.Width(), p.Height()
		}
	}
	return c.w, c.h
}

// ticksToDuration converts clock ticks without overflowing on long sessions.
func ticksToDuration(ticks, rate int64) time.Duration {
	return time.Duration(ticks/rate)*time.Second + time.Duration(ticks%rate)*time.Second/time.Duration(rate)
}
