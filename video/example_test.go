package video_test

import (
	"context"
	"image"
	"log/slog"
	"time"

	"github.com/politiezone/zoneconsole/video"
)

// A wall tile: share the camera's Source through the Pool, take the latest
// frame whenever one is ready, and show the camera's state.
func ExamplePool() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	pool := video.NewPool(ctx, slog.New(slog.DiscardHandler))
	defer pool.Close()

	src, release := pool.Acquire("cam01", "rtsp://viewer:secret@127.0.0.1:8554/cam01/sub")
	defer release() // the Source lingers 2 s, then disconnects if nobody took it again
	sub := src.Subscribe()
	defer sub.Close()

	show := func(img *image.RGBA) { _ = img } // copy or scale into the tile's own buffer here
	for {
		select {
		case <-ctx.Done():
			return
		case <-src.Changed():
			st := src.Status() // connecting, live, lost (comes back by itself), unauthorised
			_ = st.State.String()
		case <-sub.Ready():
			f := sub.Latest()
			if f == nil {
				continue
			}
			show(f.Image) // read-only: ANPR and other tiles share these pixels
			f.Release()
		}
	}
}

// Look-ahead for a camera round: acquire and subscribe to the next step's
// camera before its turn, so it is connected and decoding when it is shown.
func ExamplePool_warm() {
	ctx := context.Background()
	pool := video.NewPool(ctx, nil, video.WithLinger(2*time.Second))
	defer pool.Close()

	next, releaseNext := pool.Acquire("cam07", "rtsp://127.0.0.1:8554/cam07/sub")
	warm := next.Subscribe() // decoding starts now; a frame is ready at the switch
	// ... when the step starts, hand warm to the tile; when it ends:
	warm.Close()
	releaseNext()
}
