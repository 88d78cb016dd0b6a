package playback

import (
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/politiezone/zoneconsole/ui/look"
)

// SetActive is called when the tab is shown (on) or left: leaving closes
// every playback, coming back opens them again where the clock stopped.
func (s *Screen) SetActive(on bool) {
	if on == s.active {
		return
	}
	s.active = on
	if !on {
		s.clk.SetPlaying(false)
		s.closePlayers(lang.L("playback.left.note"))
		s.refreshButtons()
		return
	}
	s.openPlayers()
	s.fetchTimelines()
}

// Stop closes every playback and ends the tab's goroutines (logout); the
// session's context ending does the same.
func (s *Screen) Stop() {
	s.stopOnce.Do(func() {
		close(s.quit)
		s.active = false
		s.closePlayers("")
	})
}

// zoomBy zooms the timelines in (d > 0) or out around at.
func (s *Screen) zoomBy(d int, at time.Time) {
	z := min(max(s.zoom+d, 0), len(zooms)-1)
	if z == s.zoom {
		return
	}
	s.zoom = z
	s.v.centre(at, zooms[z])
	s.refreshView()
	s.fetchTimelines()
}

// zoomWheel is the timeline wheel: in or out around at.
func (s *Screen) zoomWheel(in bool, at time.Time) {
	if in {
		s.zoomBy(1, at)
	} else {
		s.zoomBy(-1, at)
	}
}

// mark puts the selection's start (in) or end at the clock's position.
func (s *Screen) mark(in bool) {
	t := s.clk.Now()
	if in {
		s.v.selFrom = t
		if !s.v.selTo.After(t) {
			s.v.selTo = time.Time{}
		}
	} else {
		s.v.selTo = t
		if s.v.selFrom.IsZero() || !s.v.selFrom.Before(t) {
			s.v.selFrom = t.Add(-time.Minute)
		}
	}
	s.refreshView()
}

func (s *Screen) selectPeriod(from, to time.Time) {
	s.v.selFrom, s.v.selTo = from, to
	s.refreshView()
}

// refreshView redraws the cursor, the clock, the ruler and the timelines.
func (s *Screen) refreshView() {
	s.v.cursor = s.clk.Now()
	s.clockText.Text = s.v.cursor.Local().Format("2006-01-02 15:04:05")
	s.clockText.Refresh()
	s.zoomText.SetText(zoomLabel(zooms[s.zoom]))
	s.ruler.Refresh()
	for _, l := range s.lines {
		l.Refresh()
	}
}

func zoomLabel(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return lang.L("playback.zoom.hours", map[string]any{"N": int(d / time.Hour)})
	}
	return lang.L("playback.zoom.minutes", map[string]any{"N": int(d / time.Minute)})
}

func (s *Screen) refreshButtons() {
	if s.clk.read().Playing {
		s.play.SetText(lang.L("playback.pause"))
		s.play.SetIcon(theme.MediaPauseIcon())
	} else {
		s.play.SetText(lang.L("playback.play"))
		s.play.SetIcon(theme.MediaPlayIcon())
	}
	look.SetEnabled(s.export, s.reason != nil && len(s.cams) > 0 && s.c.Can(s.env.Sess, actExport))
}

// timelineEvery is how often the timelines are asked again (the recording
// goes on, holds are placed).
const timelineEvery = 10 * time.Second

// fetchTimelines asks the console for every shown camera's timeline over
// the view (and its marks), off the UI thread; an answer older than the
// newest request is dropped.
func (s *Screen) fetchTimelines() {
	if s.reason == nil || len(s.cams) == 0 || !s.active {
		return
	}
	s.tlGen++
	s.tlAt = time.Now()
	gen, why, sess, marks := s.tlGen, *s.reason, s.env.Sess, s.Marks
	cams := append(s.cams[:0:0], s.cams...)
	// A margin each side, so a small pan needs no new answer.
	d := s.v.to.Sub(s.v.from)
	from, to := s.v.from.Add(-d/2), s.v.to.Add(d/2)
	ctx := s.env.Ctx
	s.env.Go(func() {
		type answer struct {
			recorded, gaps, held []span
			marks                []time.Time
		}
		out := make([]answer, len(cams))
		for i, cam := range cams {
			tl, err := s.c.Timeline(ctx, sess, cam.ID, from, to, why)
			if err != nil {
				continue // the tile says why when its playback is refused
			}
			out[i] = answer{recorded: spansOf(tl.Recorded), gaps: spansOf(tl.Gaps), held: spansOf(tl.Held)}
			if marks != nil {
				out[i].marks = marks(cam.ID, from, to)
			}
		}
		s.env.Do(func() {
			if gen != s.tlGen || len(s.lines) != len(out) {
				return
			}
			for i, a := range out {
				l := s.lines[i]
				l.recorded, l.gaps, l.held, l.marks = a.recorded, a.gaps, a.held, a.marks
				l.Refresh()
			}
		})
	})
}

// ticker moves the cursor and the clock's text while the tab lives (one
// post at a time).
func (s *Screen) ticker() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	var queued atomic.Bool
	for {
		select {
		case <-s.env.Ctx.Done():
			return
		case <-s.quit:
			return
		case <-t.C:
			if queued.CompareAndSwap(false, true) {
				s.env.Do(func() {
					queued.Store(false)
					s.tick()
				})
			}
		}
	}
}

func (s *Screen) tick() {
	if !s.active {
		return
	}
	st := s.clk.read()
	if st.Playing {
		now := s.clk.Now()
		if live := time.Now(); now.After(live) {
			// The live edge: what follows is not recorded yet.
			s.clk.SetPlaying(false)
			s.clk.Set(live)
			s.send(order{sync: true})
			s.refreshButtons()
			s.status.SetText(lang.L("playback.edge"))
		}
		if now.Before(s.v.from) || now.After(s.v.to) {
			s.v.centre(now, zooms[s.zoom])
			s.fetchTimelines()
		}
	}
	s.refreshView()
	if time.Since(s.tlAt) > timelineEvery {
		s.fetchTimelines()
	}
}

// OpenAt shows a camera's footage at a moment (a passage or a hit opened
// from another tab): the camera is picked, the clock set, and the
// justification asked when none is given yet.
func (s *Screen) OpenAt(cameraID string, at time.Time) {
	for label, c := range s.labels {
		if c.ID == cameraID {
			s.picker.SetSelected([]string{label})
			s.pick([]string{label})
			break
		}
	}
	s.seek(at)
}
