package playback

import (
	"context"
	"image"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

func TestClockRunsAtItsSpeed(t *testing.T) {
	t0 := time.Date(2026, 3, 14, 15, 4, 0, 0, time.UTC)
	w0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		st      clockState
		wall    time.Duration // after w0
		want    time.Duration // after t0
		dueFor  time.Duration // media after t0
		dueWant time.Duration // wall after w0
	}{
		{"paused", clockState{Pos: t0, Wall: w0, Speed: 1}, 5 * time.Second, 0, 0, 0},
		{"1x", clockState{Pos: t0, Wall: w0, Speed: 1, Playing: true}, 5 * time.Second, 5 * time.Second, time.Second, time.Second},
		{"quarter", clockState{Pos: t0, Wall: w0, Speed: 0.25, Playing: true}, 4 * time.Second, time.Second, time.Second, 4 * time.Second},
		{"16x", clockState{Pos: t0, Wall: w0, Speed: 16, Playing: true}, time.Second, 16 * time.Second, 8 * time.Second, 500 * time.Millisecond},
	} {
		if got := tc.st.At(w0.Add(tc.wall)).Sub(t0); got != tc.want {
			t.Errorf("%s: At(+%s) = +%s, want +%s", tc.name, tc.wall, got, tc.want)
		}
		if tc.st.Playing {
			if got := tc.st.Due(t0.Add(tc.dueFor)).Sub(w0); got != tc.dueWant {
				t.Errorf("%s: Due(+%s) = +%s, want +%s", tc.name, tc.dueFor, got, tc.dueWant)
			}
		}
	}
}

func TestParseMoment(t *testing.T) {
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Skip(err)
	}
	want := time.Date(2026, 3, 14, 14, 4, 0, 0, time.UTC)
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2026-03-14 15:04", true},
		{"2026-03-14 15:04:00", true},
		{" 2026-03-14T15:04 ", true},
		{"2026-03-14T14:04:00Z", true},
		{"2026-03-14T15:04:00+01:00", true},
		{"14/03/2026 15:04", false},
		{"", false},
	} {
		got, err := parseMoment(tc.in, brussels)
		if tc.ok && (err != nil || !got.Equal(want)) {
			t.Errorf("parseMoment(%q) = %v, %v, want %v", tc.in, got, err, want)
		}
		if !tc.ok && err == nil {
			t.Errorf("parseMoment(%q) = %v, want an error", tc.in, got)
		}
	}
}

// fakeStream is a recording of 25 frames a second from t0.
type fakeStream struct {
	mu      sync.Mutex
	t0      time.Time
	i       int
	keyOnly bool
	img     *image.RGBA
}

func (f *fakeStream) frame() app.PlaybackFrame {
	return app.PlaybackFrame{Image: f.img, Time: f.t0.Add(time.Duration(f.i) * 40 * time.Millisecond), Duration: 40 * time.Millisecond}
}

func (f *fakeStream) SeekTo(_ context.Context, t time.Time) (app.PlaybackFrame, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.i = int(t.Sub(f.t0) / (40 * time.Millisecond))
	return f.frame(), nil
}

func (f *fakeStream) Next(context.Context) (app.PlaybackFrame, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keyOnly {
		f.i += 25 // a keyframe a second
	} else {
		f.i++
	}
	return f.frame(), nil
}

func (f *fakeStream) Prev(context.Context) (app.PlaybackFrame, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.i--
	return f.frame(), nil
}

func (f *fakeStream) SetKeyframesOnly(on bool) { f.mu.Lock(); f.keyOnly = on; f.mu.Unlock() }
func (f *fakeStream) Close() error             { return nil }

// TestPlayerPacesFramesOnTheClock: at 2x a second of wall time shows about
// two seconds of footage; at 8x only keyframes are decoded; a step shows
// the next frame.
func TestPlayerPacesFramesOnTheClock(t *testing.T) {
	t0 := time.Date(2026, 3, 14, 15, 4, 0, 0, time.UTC)
	for _, tc := range []struct {
		speed   float64
		keyOnly bool
	}{{2, false}, {8, true}} {
		fs := &fakeStream{t0: t0, img: image.NewRGBA(image.Rect(0, 0, 8, 8))}
		clk := newClock(time.Now, t0)
		var mu sync.Mutex
		var shots []*shot
		p := newPlayer(app.Camera{ID: "cam01"}, app.Reason{}, clk, func(f func()) { f() }, func(s *shot) {
			mu.Lock()
			shots = append(shots, s)
			mu.Unlock()
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); p.loop(ctx, fs) }()
		clk.SetSpeed(tc.speed)
		clk.SetPlaying(true)
		p.send(order{sync: true})
		time.Sleep(time.Second)
		clk.SetPlaying(false)
		p.send(order{sync: true})
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		last := shots[len(shots)-1]
		n := len(shots)
		mu.Unlock()
		played := last.at.Sub(t0)
		want := time.Duration(tc.speed * float64(time.Second))
		if played < want*6/10 || played > want*14/10 {
			t.Errorf("%gx: a second of play showed %s of footage, want about %s", tc.speed, played, want)
		}
		fs.mu.Lock()
		if fs.keyOnly != tc.keyOnly {
			t.Errorf("%gx: keyframes only = %v", tc.speed, fs.keyOnly)
		}
		fs.mu.Unlock()
		p.send(order{step: 1})
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		if len(shots) != n+1 || shots[n].at.Sub(last.at) <= 0 {
			t.Errorf("%gx: a step after pause showed %d frames (last %s after %s)", tc.speed, len(shots)-n, shots[len(shots)-1].at, last.at)
		}
		mu.Unlock()
		cancel()
		<-done
	}
}
