package hits

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// patrolsPanel lists the units with their status, last report and place,
// refreshed every second; the dispatcher sets a unit free or unavailable.
type patrolsPanel struct {
	c    PatrolConsole
	sess *app.Session
	do   func(func())
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	units   []app.Patrol
	list    *widget.List
	feed    *widget.Label
	status  *widget.Label
	content fyne.CanvasObject
}

func newPatrolsPanelWith(ctx context.Context, c PatrolConsole, sess *app.Session, do func(func()), every time.Duration) *patrolsPanel {
	p := &patrolsPanel{c: c, sess: sess, do: do}
	p.ctx, p.stop = context.WithCancel(ctx)
	if every <= 0 {
		every = time.Second
	}
	p.list = widget.NewList(func() int { return len(p.units) }, func() fyne.CanvasObject {
		dot := canvas.NewText("●", look.ColLive)
		name := widget.NewLabel("BORG 00")
		name.TextStyle.Bold = true
		info := widget.NewLabel("")
		free := widget.NewButton(lang.L("hits.patrol.set_free"), nil)
		off := widget.NewButton(lang.L("hits.patrol.set_unavailable"), nil)
		return container.NewBorder(nil, nil, container.NewHBox(dot, name), container.NewHBox(free, off), info)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(p.units) {
			return
		}
		u := p.units[i]
		b := o.(*fyne.Container)
		info := b.Objects[0].(*widget.Label)
		left := b.Objects[1].(*fyne.Container)
		right := b.Objects[2].(*fyne.Container)
		dot := left.Objects[0].(*canvas.Text)
		dot.Color = patrolColour(u.Status)
		dot.Refresh()
		left.Objects[1].(*widget.Label).SetText(u.CallSign)
		age := time.Since(u.LastReport).Round(time.Second)
		line := lang.L("hits.patrol.line", map[string]any{"Status": patrolStatusLabel(u.Status),
			"Age": age.String(), "Pos": fmt.Sprintf("%.5f, %.5f", u.Lat, u.Lon)})
		if u.SentBy != "" {
			// Sent from another console of the room: not this dispatcher's to send.
			line += " · " + lang.L("hits.patrol.sent_by", map[string]any{"By": u.SentBy})
		}
		info.SetText(line)
		free := right.Objects[0].(*widget.Button)
		off := right.Objects[1].(*widget.Button)
		cs := u.CallSign
		free.OnTapped = func() { p.set(cs, app.PatrolFree) }
		off.OnTapped = func() { p.set(cs, app.PatrolUnavailable) }
		may := c.Can(sess, app.ActDispatch)
		look.SetEnabled(free, may && u.Status != app.PatrolFree)
		look.SetEnabled(off, may && u.Status != app.PatrolUnavailable)
	})
	p.feed = widget.NewLabel("")
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	head := widget.NewLabel(lang.L("hits.patrols"))
	head.TextStyle.Bold = true
	p.content = container.NewBorder(container.NewVBox(head, p.feed), p.status, nil, nil, p.list)
	p.refresh()
	refreshWhileSession(p.ctx, &p.wg, c, sess, every, func() { p.do(p.refresh) })
	return p
}

// refreshWhileSession calls tick every period until ctx ends or the session
// that opened the panel does; the goroutine is counted in wg so the panel's
// close can wait for it.
func refreshWhileSession(ctx context.Context, wg *sync.WaitGroup, c sessionWatch, sess *app.Session, every time.Duration, tick func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if !c.SessionActive(sess) {
					return
				}
				tick()
			}
		}
	}()
}

func (p *patrolsPanel) close() {
	p.stop()
	p.wg.Wait()
}

func (p *patrolsPanel) refresh() {
	p.units, _ = p.c.Patrols(context.Background(), p.sess)
	if ok, _ := p.c.PatrolFeedConnected(); ok {
		p.feed.SetText(lang.L("hits.feed.up"))
	} else {
		p.feed.SetText(lang.L("hits.feed_down"))
	}
	p.list.Refresh()
}

func (p *patrolsPanel) set(cs string, st app.PatrolStatus) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		err := p.c.SetPatrolStatus(p.ctx, p.sess, cs, st)
		p.do(func() {
			if err != nil {
				p.status.SetText(look.DeniedText(err))
			} else {
				p.status.SetText("")
			}
			p.refresh()
		})
	}()
}
