package video

import (
	"context"
	"image"
	"log/slog"
	"os"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("VIDEO_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// runSource starts s.Run and stops it (waiting) at test cleanup.
func runSource(t testing.TB, s *Source) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		waitOrDump(t, "Run("+s.ID()+") after cancel", func() {
			if err := <-done; err != nil {
				t.Errorf("Run(%s) = %v", s.ID(), err)
			}
		})
	})
}

// waitOrDump runs wait, and if it has not returned after 15 s fails the test
// with every goroutine's stack, instead of hanging until the test timeout.
func waitOrDump(t testing.TB, what string, wait func()) {
	t.Helper()
	finished := make(chan struct{})
	go func() { wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(15 * time.Second):
		var buf strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&buf, 2)
		t.Fatalf("%s: still waiting after 15 s; goroutines:\n%s", what, buf.String())
	}
}

// frameInfo is what a test keeps of a frame after releasing it.
type frameInfo struct {
	seq      uint64
	bounds   image.Rectangle
	received time.Time
	decoded  time.Time
	img      *image.RGBA // copy, only when asked for
}

// collect waits for n frames on sub, failing the test after timeout.
func collect(t testing.TB, sub *Subscription, n int, timeout time.Duration, keep bool) []frameInfo {
	t.Helper()
	var out []frameInfo
	deadline := time.After(timeout)
	for len(out) < n {
		select {
		case <-sub.Ready():
			f := sub.Latest()
			if f == nil {
				continue
			}
			fi := frameInfo{seq: f.Seq, bounds: f.Image.Rect, received: f.Received, decoded: f.Decoded}
			if keep {
				fi.img = &image.RGBA{Pix: append([]byte(nil), f.Image.Pix...), Stride: f.Image.Stride, Rect: f.Image.Rect}
			}
			f.Release()
			out = append(out, fi)
		case <-deadline:
			t.Fatalf("got %d frames of %d within %v", len(out), n, timeout)
		}
	}
	return out
}

// waitState waits until s reaches want, returning the states seen on the way.
func waitState(t testing.TB, s *Source, want State, timeout time.Duration) []State {
	t.Helper()
	deadline := time.After(timeout)
	var seen []State
	for {
		ch := s.Changed()
		st := s.Status()
		if len(seen) == 0 || seen[len(seen)-1] != st.State {
			seen = append(seen, st.State)
		}
		if st.State == want {
			return seen
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("camera %s: state %v (err %v), want %v within %v; seen %v", s.ID(), st.State, st.Err, want, timeout, seen)
		}
	}
}

// notBlank reports whether an image has some variety of pixel values.
func notBlank(img *image.RGBA) bool {
	if img == nil || len(img.Pix) < 8 {
		return false
	}
	first := img.Pix[0]
	for i := 0; i < len(img.Pix); i += 97 {
		if img.Pix[i] != first {
			return true
		}
	}
	return false
}
