package anpr

import (
	"context"
	"image"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowReader reads a fixed plate after a delay, like a busy recogniser.
type slowReader struct {
	delay time.Duration
	plate string
}

func (s slowReader) Read(ctx context.Context, img image.Image) ([]Read, error) {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return []Read{{Plate: s.plate, Display: s.plate, Country: "BE", Confidence: 0.95, Box: image.Rect(300, 300, 400, 322)}}, nil
}

func TestPipelineBoundedAndPassages(t *testing.T) {
	var mu sync.Mutex
	var passages []Passage
	dir := t.TempDir()
	store, err := OpenPassages(dir, PassagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var readsSeen atomic.Int64
	p, err := NewPipeline(PipelineConfig{
		Reader: slowReader{delay: 20 * time.Millisecond, plate: "1ABC123"}, Workers: 2,
		MaxLag: 150 * time.Millisecond, Tracker: TrackerConfig{Gap: 300 * time.Millisecond},
		Store:  store,
		OnRead: func(string, time.Time, []Read) { readsSeen.Add(1) },
		OnPassage: func(ps Passage) {
			mu.Lock()
			passages = append(passages, ps)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()

	var released, offered atomic.Int64
	frame := image.NewRGBA(image.Rect(0, 0, 640, 360))
	// 2 cameras at 100 fps each for 0.5 s: far more than 2 workers at 20 ms
	// can read, so most frames must be refused at once.
	start := time.Now()
	for time.Since(start) < 500*time.Millisecond {
		for _, cam := range []string{"cam01", "cam02"} {
			offered.Add(1)
			p.Offer(cam, frame, time.Now(), func() { released.Add(1) })
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A frame that is already stale is dropped unread.
	time.Sleep(100 * time.Millisecond)
	offered.Add(1)
	p.Offer("cam01", frame, time.Now().Add(-5*time.Second), func() { released.Add(1) })
	time.Sleep(700 * time.Millisecond) // the vehicle "has gone"
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := p.Offer("cam01", frame, time.Now(), func() { released.Add(1) }); got {
		t.Error("Offer after Run returned true")
	}
	offered.Add(1)
	if released.Load() != offered.Load() {
		t.Errorf("released %d frames, offered %d: every frame must be released once", released.Load(), offered.Load())
	}
	st := p.Stats()
	t.Log(st)
	if st.Busy == 0 || st.Processed == 0 || st.Stale == 0 {
		t.Errorf("stats %v: want busy, processed and stale frames", st)
	}
	if st.Processed+st.Busy+st.Stale != st.Offered {
		t.Errorf("stats %v: processed+busy+stale != offered", st)
	}
	if st.MaxLag > 150*time.Millisecond {
		t.Errorf("max lag %v beyond MaxLag", st.MaxLag)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(passages) != 2 {
		t.Fatalf("passages = %d, want 2 (one per camera)", len(passages))
	}
	for _, ps := range passages {
		if ps.Plate != "1ABC123" || ps.ID == 0 || ps.Reads < 2 {
			t.Errorf("passage %+v", ps)
		}
	}
	got, err := store.Search(context.Background(), Query{Pattern: "1ABC*"})
	if err != nil || len(got) != 2 {
		t.Errorf("store has %d passages (%v), want 2", len(got), err)
	}
}
