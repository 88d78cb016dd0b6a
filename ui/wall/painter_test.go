package wall

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPainterPaintsTilesTogether: sixteen tiles with a frame every
// interval each make about one UI call per interval, not one per tile
// frame, and every tile still shows its frames at the stream's rate.
func TestPainterPaintsTilesTogether(t *testing.T) {
	const tiles, every, run = 16, 50 * time.Millisecond, time.Second
	var calls atomic.Int64
	ui := make(chan func(), 64)
	p := newPainter(every, func(fn func()) {
		calls.Add(1)
		ui <- fn
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.run(ctx)
	// The UI thread.
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case fn := <-ui:
				fn()
			}
		}
	}()
	var mu sync.Mutex
	shown := make([]int, tiles)
	var wg sync.WaitGroup
	end := time.Now().Add(run)
	for i := range tiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A feed: one frame per interval, the next only after the swap
			// of the last ran (its token).
			token := make(chan struct{}, 1)
			tick := time.NewTicker(every)
			defer tick.Stop()
			for time.Now().Before(end) {
				<-tick.C
				p.add(func() {
					mu.Lock()
					shown[i]++
					mu.Unlock()
					token <- struct{}{}
				})
				select {
				case <-token:
				case <-time.After(time.Second):
					t.Errorf("tile %d: its frame was not painted within a second", i)
					return
				}
			}
		}()
	}
	wg.Wait()
	intervals := int64(run / every)
	if n := calls.Load(); n > intervals+2 {
		t.Errorf("%d UI calls for %d tiles over %d intervals: want at most one per interval", n, tiles, intervals)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, n := range shown {
		if int64(n) < intervals*2/3 {
			t.Errorf("tile %d showed %d frames in %d intervals", i, n, intervals)
		}
	}
}
