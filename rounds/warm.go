package rounds

// warmStream is a camera connected and decoding ahead of its step, with no
// pixels reaching anyone (live.Views.Warm): not a view, and not audited as
// one. The step's real View takes over the shared Source.
type warmStream struct {
	release func()
}

// warmStep connects the cameras of step idx before its turn.
func (r *Run) warmStep(idx int) {
	step := r.round.Steps[idx]
	st := r.stream(step)
	for _, id := range step.Cameras {
		cam, ok := r.c.zone.Camera(id)
		if !ok {
			continue
		}
		release, err := r.c.live.Warm(r.cons, cam, st)
		if err != nil {
			r.log.Warn("round look-ahead", "camera", id, "err", err)
			continue
		}
		r.warm = append(r.warm, &warmStream{release: release})
	}
}

// releaseWarm lets go of every warm stream; the pool's linger keeps a
// Source a moment longer, so a step coming back soon reconnects nothing.
func (r *Run) releaseWarm() {
	for _, w := range r.warm {
		w.release()
	}
	r.warm = nil
}
