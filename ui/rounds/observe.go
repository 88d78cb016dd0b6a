package rounds

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
)

// openObservation pauses the dwell while the dispatcher types the note.
func (r *roundsScreen) openObservation() {
	if r.run == nil {
		return
	}
	if !r.run.State().Paused && !r.obsBar.Visible() {
		r.run.Pause()
		r.obsResume = true
	}
	r.obsNote.SetText("")
	r.obsBar.Show()
	r.w.Canvas().Focus(r.obsNote)
}

// closeObservation hides the note; resume says whether a run paused for
// it goes on now (cancel) or after the observation is stored (save).
func (r *roundsScreen) closeObservation() { r.hideObservation(true) }

func (r *roundsScreen) hideObservation(resume bool) bool {
	r.obsBar.Hide()
	r.w.Canvas().Unfocus()
	was := r.obsResume
	r.obsResume = false
	if was && resume && r.run != nil {
		r.run.Resume()
	}
	return was
}

func (r *roundsScreen) submitObservation() {
	run := r.run
	if run == nil {
		return
	}
	note := r.obsNote.Text
	resume := r.hideObservation(false)
	r.obsStatus.SetText(lang.L("rounds.observe.saving"))
	r.goDo(func() {
		o, err := run.Observe(r.ctx, "", note)
		if resume {
			run.Resume()
		}
		r.do(func() {
			if o.Seq != 0 && r.run == run {
				r.lastObs = o
				r.patrolBtn.Enable()
				r.patrolBtn.Show()
			}
			switch {
			case err != nil && o.Seq == 0:
				r.obsStatus.SetText(roundError(err))
			case err != nil:
				r.obsStatus.SetText(lang.L("rounds.observe.nosnapshot", map[string]any{"Camera": o.Camera}))
			default:
				r.obsStatus.SetText(lang.L("rounds.observe.saved", map[string]any{"Camera": o.Camera}))
			}
		})
	})
}

// sendPatrol sends the nearest free patrol to the last observation's camera.
func (r *roundsScreen) sendPatrol() {
	run, o := r.run, r.lastObs
	if run == nil || o.Seq == 0 {
		return
	}
	r.patrolBtn.Disable()
	r.obsStatus.SetText(lang.L("rounds.patrol.sending"))
	r.goDo(func() {
		a, err := run.SendPatrol(r.ctx, o)
		r.do(func() {
			switch {
			case errors.Is(err, app.ErrNoFreePatrol):
				r.obsStatus.SetText(lang.L("rounds.patrol.nofree"))
			case errors.Is(err, app.ErrFeedDown), errors.Is(err, app.ErrNoPatrolFeed):
				r.obsStatus.SetText(lang.L("rounds.patrol.nofeed"))
			case err != nil:
				r.obsStatus.SetText(roundError(err))
			default:
				r.patrolBtn.Hide()
				r.obsStatus.SetText(lang.L("rounds.patrol.sent", map[string]any{"Unit": a.Unit.CallSign,
					"Camera": o.Camera, "Distance": fmt.Sprintf("%.1f", a.Distance/1000), "ETA": a.ETA.Round(time.Second).String()}))
				return
			}
			r.patrolBtn.Enable()
		})
	})
}
