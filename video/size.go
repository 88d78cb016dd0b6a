package video

import (
	"image"
	"sync"
	"sync/atomic"
	"time"
)

// A tile of the wall is a few hundred pixels wide while the main stream is
// 1280x720 or more: converting every picture at full size and letting the
// screen shrink it costs a full-size conversion, a full-size copy and a
// full-size upload per frame and tile. So a subscriber may ask for the size
// it shows pictures at; the Source then converts the decoded YUV picture
// once per size asked for, with the scaling in the same sws_scale pass, on
// the camera's goroutine. Decoding stays once per Source.

// maxSide bounds a requested size: far above any screen, and small enough
// that the aspect arithmetic cannot overflow.
const maxSide = 1 << 14

// SetSize asks for pictures that fit in w×h pixels, the stream's aspect
// ratio kept (the viewer letterboxes): a 1280x720 stream asked for at
// 320x240 gives 320x180. Pictures are never enlarged; 0 (or a negative) in
// either dimension asks for the stream's own size, which is what a
// subscription that never calls SetSize gets (ANPR, recordings). The new
// size applies from the next picture decoded.
func (sub *Subscription) SetSize(w, h int) {
	sub.size.Store(packSize(w, h))
}

// Size is the box last asked for with SetSize; 0, 0 for the stream's size.
func (sub *Subscription) Size() (w, h int) {
	p := unpackSize(sub.size.Load())
	return p.X, p.Y
}

func packSize(w, h int) uint64 {
	if w <= 0 || h <= 0 {
		return 0
	}
	return uint64(min(w, maxSide))<<32 | uint64(min(h, maxSide))
}

func unpackSize(v uint64) image.Point { return image.Pt(int(v>>32), int(v&0xffffffff)) }

// fitSize is the size of a src picture shrunk to fit in box with its aspect
// ratio kept (rounded to the nearest pixel); src itself when box is zero or
// larger than src in both dimensions.
func fitSize(src, box image.Point) image.Point {
	if box.X <= 0 || box.Y <= 0 || src.X <= 0 || src.Y <= 0 || (box.X >= src.X && box.Y >= src.Y) {
		return src
	}
	if box.X*src.Y <= box.Y*src.X {
		// The width limits: the picture spans the box's width.
		return image.Pt(min(box.X, src.X), max(1, min(src.Y, (box.X*src.Y+src.X/2)/src.X)))
	}
	return image.Pt(max(1, min(src.X, (box.Y*src.X+src.Y/2)/src.Y)), min(box.Y, src.Y))
}

// sizedPools keeps one framePool per output size. A size nobody asked for in
// a while (a tile resized, an enlarged tile put back) loses its pool, so a
// window being dragged larger does not leave a pool per width behind.
type sizedPools struct {
	mu    sync.Mutex
	pools map[image.Point]*sizedPool
	round uint64

	allocated atomic.Int64 // frames ever made, all sizes; flat in steady state
}

type sizedPool struct {
	pool *framePool
	used uint64 // round last asked for
}

// poolIdle is how many delivered pictures a size's pool outlives its last use.
const poolIdle = 64

func newSizedPools() *sizedPools {
	return &sizedPools{pools: make(map[image.Point]*sizedPool, 4)}
}

// get returns a pooled frame of size sz with one reference.
func (p *sizedPools) get(sz image.Point) *Frame {
	p.mu.Lock()
	sp := p.pools[sz]
	if sp == nil {
		sp = &sizedPool{pool: newFramePool(8)}
		sp.pool.total = &p.allocated
		p.pools[sz] = sp
	}
	sp.used = p.round
	p.mu.Unlock()
	return sp.pool.get(image.Rectangle{Max: sz})
}

// endRound closes one delivered picture: pools unused for poolIdle pictures
// are dropped (frames still out go back to the dropped pool and to the GC).
func (p *sizedPools) endRound() {
	p.mu.Lock()
	p.round++
	if p.round%poolIdle == 0 {
		for sz, sp := range p.pools {
			if p.round-sp.used > poolIdle {
				delete(p.pools, sz)
			}
		}
	}
	p.mu.Unlock()
}

// delivery is the reused state of delivering one decoded picture: the sizes
// asked for and the frame converted for each.
type delivery struct {
	sizes  []image.Point
	frames []*Frame
}

// converter writes the decoder's held picture into a frame's image.
type converter interface {
	convertHeld(dst *image.RGBA) error
}

// deliver converts the held picture of size pic once for every size the
// subscribers ask for and hands each subscriber its own. It runs on the
// camera's goroutine, which owns the decoder; nothing here allocates once
// the pools have their frames. An error is a failed conversion: the picture
// is dropped for everyone.
func (s *Source) deliver(conv converter, d *delivery, pic image.Point, seq uint64, received time.Time) error {
	d.sizes = d.sizes[:0]
	s.mu.Lock()
	for _, sub := range s.subs {
		sz := fitSize(pic, unpackSize(sub.size.Load()))
		if indexOf(d.sizes, sz) < 0 {
			d.sizes = append(d.sizes, sz)
		}
	}
	s.mu.Unlock()
	if len(d.sizes) == 0 {
		return nil
	}
	defer s.frames.endRound()
	d.frames = d.frames[:0]
	defer func() {
		for i, f := range d.frames {
			f.Release()
			d.frames[i] = nil
		}
		d.frames = d.frames[:0]
	}()
	// Conversions outside the lock: Subscribe and Status never wait for
	// swscale.
	for _, sz := range d.sizes {
		f := s.frames.get(sz)
		d.frames = append(d.frames, f)
		if err := conv.convertHeld(f.Image); err != nil {
			return err
		}
		f.Seq = seq
		f.Received = received
		f.Decoded = time.Now()
	}
	s.publishSized(pic, d)
	return nil
}

func indexOf(sizes []image.Point, sz image.Point) int {
	for i, x := range sizes {
		if x == sz {
			return i
		}
	}
	return -1
}

// publishSized hands every subscriber the frame of its size (one reference
// each) and keeps the newest frame of each size for a subscriber joining.
// d keeps its own references; deliver releases them. A subscriber that
// changed its size, or joined, since the sizes were listed gets the first
// frame, and its own size from the next picture on.
func (s *Source) publishSized(pic image.Point, d *delivery) {
	s.mu.Lock()
	for _, sub := range s.subs {
		i := max(0, indexOf(d.sizes, fitSize(pic, unpackSize(sub.size.Load()))))
		f := d.frames[i]
		f.refs.Add(1)
		if sub.offer(f) {
			s.dropped.Add(1)
		}
	}
	s.picSize = pic
	old := s.lasts
	s.lasts = s.spare[:0]
	for _, f := range d.frames {
		f.refs.Add(1)
		s.lasts = append(s.lasts, f)
	}
	s.spare = old
	s.mu.Unlock()
	for i, f := range old {
		f.Release()
		old[i] = nil
	}
}

// greeting is the newest frame for a subscriber asking for box: of its
// size if one was made, else the first made. Called with s.mu held.
func (s *Source) greeting(box image.Point) *Frame {
	if len(s.lasts) == 0 {
		return nil
	}
	want := fitSize(s.picSize, box)
	for _, f := range s.lasts {
		if f.Image.Rect.Size() == want {
			return f
		}
	}
	return s.lasts[0]
}
