package app

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
)

// warmStream is a camera connected and decoding ahead of its step, with no
// pixels reaching anyone: the subscription keeps the Source decoding and
// its frames are never taken. It is not a view and is not audited as one;
// nobody looks at it. The step's real LiveView takes over the shared Source.
type warmStream struct {
	sub     *video.Subscription
	release func()
}

// acquireStream gets the pool's Source of a camera's stream, the one
// OpenLive would use (same key, same URL), with a subscription.
func (c *Console) acquireStream(cam Camera, st Stream) (*video.Subscription, func(), error) {
	raw := cam.SubURL
	if st == StreamMain || raw == "" {
		raw = cam.MainURL
	}
	u, err := c.creds.WithCredential(raw, cam.Credential)
	if err != nil {
		return nil, nil, fmt.Errorf("camera %s: %w", cam.ID, err)
	}
	src, release := c.pool.Acquire(cam.ID+"/"+st.String(), u)
	return src.Subscribe(), release, nil
}

// warmStep connects the cameras of step idx before its turn.
func (r *RoundRun) warmStep(idx int) {
	step := r.round.Steps[idx]
	st := r.stream(step)
	for _, id := range step.Cameras {
		cam, ok := r.c.zone.Camera(id)
		if !ok {
			continue
		}
		sub, release, err := r.c.acquireStream(cam, st)
		if err != nil {
			r.log.Warn("round look-ahead", "camera", id, "err", err)
			continue
		}
		r.warm = append(r.warm, &warmStream{sub: sub, release: release})
	}
}

// releaseWarm lets go of every warm stream; the pool's linger keeps a
// Source a moment longer, so a step coming back soon reconnects nothing.
func (r *RoundRun) releaseWarm() {
	for _, w := range r.warm {
		w.sub.Close()
		w.release()
	}
	r.warm = nil
}

// snapshot copies the newest frame of a camera, with its privacy masks
// blacked out, through a subscription of its own: taking the frame from the
// view would steal it from the screen.
func (c *Console) snapshot(ctx context.Context, cam Camera, st Stream, wait time.Duration) (*image.RGBA, error) {
	sub, release, err := c.acquireStream(cam, st)
	if err != nil {
		return nil, err
	}
	defer release()
	defer sub.Close()
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
			return nil, fmt.Errorf("camera %s: no frame for the snapshot within %s", cam.ID, wait)
		case <-sub.Ready():
			f := sub.Latest()
			if f == nil {
				continue
			}
			img := zone.CopyMasked(nil, f.Image, cam.Masks)
			f.Release()
			return img, nil
		}
	}
}
