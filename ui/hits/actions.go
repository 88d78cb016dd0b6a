package hits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// run calls the console off the UI thread (it writes the audit trail) and
// comes back with the result.
func (p *hitsPanel) run(fn func() error, then func(error)) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		err := fn()
		p.do(func() { then(err) })
	}()
}

func (p *hitsPanel) report(err error) {
	var de *app.DeniedError
	switch {
	case err == nil:
		p.status.SetText("")
	case errors.As(err, &de):
		p.status.SetText(look.DeniedText(err))
	case errors.Is(err, app.ErrNoFreePatrol):
		p.status.SetText(lang.L("hits.no_patrol"))
	case errors.Is(err, app.ErrFeedDown):
		p.status.SetText(lang.L("hits.feed_down"))
	case errors.Is(err, app.ErrHitHandled):
		p.status.SetText(lang.L("hits.handled"))
	default:
		p.status.SetText(lang.L("hits.error", map[string]any{"Error": err.Error()}))
	}
}

func (p *hitsPanel) confirm() {
	id := p.sel
	p.confirmBtn.Disable()
	p.run(func() error { return p.c.ConfirmHit(p.ctx, p.sess, id) }, func(err error) {
		p.report(err)
		if err == nil && p.sel == id {
			p.banner.Hide()
			p.propose()
		}
		p.refreshButtons()
	})
}

// propose finds the unit Send would dispatch, so the button says which.
func (p *hitsPanel) propose() {
	if a, err := p.c.ProposePatrol(context.Background(), p.sess, p.sel); err == nil {
		p.prop = &a
	} else {
		p.prop = nil
	}
	p.refreshButtons()
}

func (p *hitsPanel) send() {
	id := p.sel
	p.sendBtn.Disable()
	var got app.Assignment
	p.run(func() error {
		a, err := p.c.Dispatch(p.ctx, p.sess, id)
		got = a
		return err
	}, func(err error) {
		p.report(err)
		if err == nil {
			p.status.SetText(lang.L("hits.sent_detail", map[string]any{"Unit": got.Unit.CallSign,
				"Distance": fmt.Sprintf("%.1f", got.Distance/1000), "ETA": got.ETA.Round(time.Second).String()}))
		} else {
			p.propose()
		}
		p.refreshButtons()
	})
}

func (p *hitsPanel) askReject() {
	id := p.sel
	reasons := app.RejectReasons()
	labels := make([]string, len(reasons))
	for i, r := range reasons {
		labels[i] = rejectLabel(r)
	}
	sel := widget.NewSelect(labels, nil)
	sel.SetSelectedIndex(0)
	note := widget.NewEntry()
	note.SetPlaceHolder(lang.L("hits.reject.note"))
	items := []*widget.FormItem{widget.NewFormItem(lang.L("hits.reject.reason"), sel), widget.NewFormItem(lang.L("hits.reject.note"), note)}
	dialog.ShowForm(lang.L("hits.reject.title"), lang.L("hits.reject"), lang.L("action.cancel"), items, func(ok bool) {
		if !ok || sel.SelectedIndex() < 0 {
			return
		}
		p.reject(id, reasons[sel.SelectedIndex()], note.Text)
	}, p.w)
}

func (p *hitsPanel) reject(id string, why app.RejectReason, note string) {
	p.rejectBtn.Disable()
	p.run(func() error { return p.c.RejectHit(p.ctx, p.sess, id, why, note) }, func(err error) {
		if errors.Is(err, app.ErrRejectReason) {
			p.status.SetText(lang.L("hits.reject.need_note"))
		} else {
			p.report(err)
		}
		if err == nil {
			p.banner.Hide()
		}
		p.refreshButtons()
	})
}
