package wall

import "github.com/politiezone/zoneconsole/app"

// Lock ends every view on the wall while the session is locked for
// idleness (nobody is watching, and the audit says so), keeping what each
// tile showed and under which justification. Unlock opens them again.
func (s *Screen) Lock() {
	w := s.wall
	if s.locked {
		return
	}
	s.locked = true
	for _, t := range w.visible() {
		if t.parked == nil {
			t.park()
		}
	}
}

// Unlock reopens what Lock ended: each an audited view again, the enlarged
// tile on the main stream.
func (s *Screen) Unlock() {
	w := s.wall
	if !s.locked {
		return
	}
	s.locked = false
	for _, t := range w.visible() {
		if w.enlarged != nil && t != w.enlarged {
			continue // hidden by the enlarged tile: it stays parked
		}
		p := t.parked
		t.unpark()
		if p != nil && t == w.enlarged && t.feed != nil {
			t.feed.switchStream(app.StreamMain)
		}
	}
}
