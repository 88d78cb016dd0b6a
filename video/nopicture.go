package video

import (
	"errors"
	"fmt"
	"time"
)

// ErrNoPicture is the Status.Err of a stream whose packets arrive but whose
// pictures do not decode (a broken encoder, a wrong codec, garbage): the
// tile must not say "live" over a frozen or empty picture.
var ErrNoPicture = errors.New("no picture")

// checkPicture runs on the session's goroutine at every stall tick: while
// someone decodes and units arrive, no frame for NoPictureAfter turns the
// Source to StateNoPicture, with the decoder's last reason in the log.
func (t *track) checkPicture(now time.Time) {
	s := t.src
	since := s.lastPic.Load()
	if since == 0 || s.nsubs.Load() == 0 || t.noPicture.Load() {
		return
	}
	quiet := now.Sub(time.Unix(0, since))
	if quiet <= s.cfg.NoPictureAfter {
		return
	}
	reason := "no frame decoded"
	if p := s.lastErr.Load(); p != nil {
		reason = *p
	}
	t.noPicture.Store(true)
	err := fmt.Errorf("%w: packets arrive but nothing decoded for %v (%s)", ErrNoPicture, quiet.Round(100*time.Millisecond), reason)
	s.log.Warn("no picture", "err", err)
	s.setState(StateNoPicture, err)
}
