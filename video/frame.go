package video

import (
	"image"
	"sync"
	"sync/atomic"
	"time"
)

// Frame is one decoded picture shared by every subscriber it was handed to.
// Image is read-only for subscribers: the same pixels go to the wall, ANPR and
// snapshots. The receiver of a Frame owns one reference and calls Release once
// when done; after that the pixels may be reused for a later frame.
type Frame struct {
	Image    *image.RGBA
	Seq      uint64    // access units received by the Source so far; gaps are frames not seen
	Received time.Time // arrival of the last RTP packet of the access unit
	Decoded  time.Time // when the picture left the decoder

	refs atomic.Int32
	pool *framePool
}

// Release gives the frame back. Call it exactly once per frame received.
func (f *Frame) Release() {
	if f == nil {
		return
	}
	if f.refs.Add(-1) == 0 && f.pool != nil {
		f.pool.put(f)
	}
}

// framePool recycles frame buffers of one size. Sizes only change when a camera
// changes resolution, so a short free list is enough.
type framePool struct {
	mu   sync.Mutex
	free []*Frame
	max  int

	allocated atomic.Int64  // frames ever made; flat in steady state
	total     *atomic.Int64 // the sizedPools' count across sizes, if any
}

func newFramePool(max int) *framePool { return &framePool{free: make([]*Frame, 0, max), max: max} }

// get returns a frame whose Image has the bounds r, with one reference.
func (p *framePool) get(r image.Rectangle) *Frame {
	p.mu.Lock()
	for len(p.free) > 0 {
		f := p.free[len(p.free)-1]
		p.free[len(p.free)-1] = nil
		p.free = p.free[:len(p.free)-1]
		if f.Image.Rect == r {
			p.mu.Unlock()
			f.refs.Store(1)
			return f
		}
		// A frame of the old size: let the GC have it.
	}
	p.mu.Unlock()
	p.allocated.Add(1)
	if p.total != nil {
		p.total.Add(1)
	}
	f := &Frame{Image: image.NewRGBA(r), pool: p}
	f.refs.Store(1)
	return f
}

func (p *framePool) put(f *Frame) {
	p.mu.Lock()
	if len(p.free) < p.max {
		p.free = append(p.free, f)
	}
	p.mu.Unlock()
}

// Subscription is one consumer's slot: it holds at most one frame, and a newer
// frame replaces an unread one (the replaced frame counts as dropped).
type Subscription struct {
	src     *Source
	ready   chan struct{}
	dropped atomic.Uint64
	size    atomic.Uint64 // the box asked for with SetSize, packed; 0 for full size

	mu     sync.Mutex
	slot   *Frame
	closed bool
}

// Ready is signalled when a new frame is waiting. It is never closed; pair it
// with your own context when waiting.
func (sub *Subscription) Ready() <-chan struct{} { return sub.ready }

// Latest takes the waiting frame, or returns nil if none arrived since the last
// call. The caller owns the frame until it calls Release.
func (sub *Subscription) Latest() *Frame {
	sub.mu.Lock()
	f := sub.slot
	sub.slot = nil
	sub.mu.Unlock()
	return f
}

// Dropped counts frames this subscriber never took because a newer one came.
func (sub *Subscription) Dropped() uint64 { return sub.dropped.Load() }

// Close ends the subscription and releases a frame still waiting. It is safe
// to call more than once.
func (sub *Subscription) Close() {
	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		return
	}
	sub.closed = true
	f := sub.slot
	sub.slot = nil
	sub.mu.Unlock()
	f.Release()
	sub.src.unsubscribe(sub)
}

// offer puts f (one reference already taken for this subscriber) into the slot.
// It never blocks: an unread frame is replaced and released.
func (sub *Subscription) offer(f *Frame) (dropped bool) {
	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		f.Release()
		return false
	}
	old := sub.slot
	sub.slot = f
	sub.mu.Unlock()
	if old != nil {
		old.Release()
		sub.dropped.Add(1)
		dropped = true
	}
	select {
	case sub.ready <- struct{}{}:
	default:
	}
	return dropped
}
