package accounts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// Limits is what the recordings panel uses of the console.
type Limits interface {
	RecordingLimitsOf(ctx context.Context, s *app.Session) (app.RecordingLimits, error)
	SetRecordingLimits(ctx context.Context, s *app.Session, retention time.Duration, quotaGB, minFreeGB float64) error
}

// limitsPanel shows and changes the recordings' retention (in days, at
// most the law's 365), quota and free-space floor; the console audits the
// change, applies it at once and writes it to the zone file.
type limitsPanel struct {
	s       *screen
	c       Limits
	days    *widget.Entry
	quota   *widget.Entry
	floor   *widget.Entry
	status  *widget.Label
	content fyne.CanvasObject
}

func newLimitsPanel(s *screen, c Limits) *limitsPanel {
	p := &limitsPanel{s: s, c: c, days: widget.NewEntry(), quota: widget.NewEntry(), floor: widget.NewEntry()}
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("limits.retention"), p.days),
		widget.NewFormItem(lang.L("limits.quota"), p.quota),
		widget.NewFormItem(lang.L("limits.floor"), p.floor),
	)
	save := widget.NewButton(lang.L("limits.save"), p.save)
	save.Importance = widget.HighImportance
	p.content = container.NewVBox(widget.NewLabel(lang.L("limits.why")), form, save, p.status)
	p.run(func() (string, error) { return "", nil })
	return p
}

func (p *limitsPanel) save() {
	days, err1 := strconv.Atoi(strings.TrimSpace(p.days.Text))
	quota, err2 := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(p.quota.Text), ",", "."), 64)
	floor, err3 := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(p.floor.Text), ",", "."), 64)
	if err1 != nil || err2 != nil || err3 != nil {
		p.status.SetText(lang.L("limits.bad"))
		return
	}
	p.run(func() (string, error) {
		err := p.c.SetRecordingLimits(p.s.env.Ctx, p.s.env.Sess, time.Duration(days)*24*time.Hour, quota, floor)
		return lang.L("limits.saved"), err
	})
}

// run does fn off the UI thread, then shows the limits in force.
func (p *limitsPanel) run(fn func() (string, error)) {
	e := p.s.env
	e.Go(func() {
		msg, err := fn()
		var lim app.RecordingLimits
		if err == nil {
			lim, err = p.c.RecordingLimitsOf(e.Ctx, e.Sess)
		}
		e.Do(func() {
			if err != nil {
				p.status.SetText(refusal(err))
				return
			}
			p.days.SetText(strconv.Itoa(int(lim.RetentionPeriod().Hours() / 24)))
			p.quota.SetText(fmt.Sprintf("%g", lim.QuotaGB))
			p.floor.SetText(fmt.Sprintf("%g", float64(lim.MinFreeBytes())/1e9))
			p.status.SetText(msg)
		})
	})
}
