package wall

import (
	"context"
	"sync"
	"time"
)

// paintEvery is the wall's paint interval: the frame interval of the
// cameras' streams (15 fps, the zone's sub streams and the simulator's).
// Under a software renderer every window repaint redraws and uploads the
// whole canvas, so one repaint per tile frame (sixteen tiles: up to 240 a
// second) cost far more than the decoding; painted together, sixteen tiles
// cost one repaint per interval.
const paintEvery = time.Second / 15

// painter gathers the tiles' new frames and hands them to the UI thread
// together, at most once per interval. Each tile has at most one swap
// waiting (its feed holds one token), so the batch never grows beyond the
// tiles, and a frame waits at most one interval.
type painter struct {
	every time.Duration
	do    func(func()) // to the UI thread

	mu      sync.Mutex
	pending []func()
	wake    chan struct{}
}

func newPainter(every time.Duration, do func(func())) *painter {
	return &painter{every: every, do: do, wake: make(chan struct{}, 1)}
}

// add queues a tile's swap for the next paint.
func (p *painter) add(swap func()) {
	p.mu.Lock()
	p.pending = append(p.pending, swap)
	first := len(p.pending) == 1
	p.mu.Unlock()
	if first {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// run paints until ctx ends: it sleeps while no tile has a frame, and
// otherwise posts every waiting swap as one call, no sooner than one
// interval after the last.
func (p *painter) run(ctx context.Context) {
	var last time.Time
	var batch []func()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
		if wait := p.every - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		p.mu.Lock()
		batch, p.pending = p.pending, batch[:0]
		p.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		last = time.Now()
		done := make(chan struct{})
		swaps := batch
		p.do(func() {
			defer close(done)
			for _, swap := range swaps {
				swap()
			}
		})
		// The next batch reuses this one's array only after the UI thread
		// has run it; a UI thread that is slower than the interval makes the
		// wall paint less often, never queue paints.
		select {
		case <-ctx.Done():
			return
		case <-done:
		}
		clear(batch)
	}
}
