package hits

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Colours of the hit panel: an exact match is the alarm colour, a near
// match amber, so the dispatcher sees at a glance which needs the crop.
var (
	colHitExact = color.NRGBA{R: 0xE5, G: 0x39, B: 0x35, A: 0xFF}
	colHitNear  = color.NRGBA{R: 0xF0, G: 0xA0, B: 0x20, A: 0xFF}
	colHitDiff  = color.NRGBA{R: 0x7A, G: 0x4A, B: 0x00, A: 0xFF}
	colHitDone  = color.NRGBA{R: 0x58, G: 0x62, B: 0x6E, A: 0xFF}
)

// hitsPanel is the hit alert screen: the hits of the shift, newest first;
// the selected hit's crop, vehicle, list entry and match; Confirm, Reject
// (with a reason) and Send nearest patrol; its history.
type hitsPanel struct {
	c    AlertConsole
	sess *app.Session
	w    fyne.Window
	do   func(func())
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
	// sound plays the alert; nil is silent (tests).
	sound func(context.Context)
	feed  *app.HitFeed

	hits []app.Hit // newest first; UI thread only
	view []app.Hit // hits passing the filter
	filt app.HitFilter
	sel  string
	prop *app.Assignment

	list       *widget.List
	filter     *widget.Select
	banner     *fyne.Container
	bannerText *canvas.Text
	badge      *canvas.Text
	badgeBg    *canvas.Rectangle
	readRow    *fyne.Container
	listedRow  *fyne.Container
	crop       *canvas.Image
	vehicle    *canvas.Image
	vehWait    *widget.Label
	info       *widget.Form
	infoVals   map[string]*widget.Label
	history    *widget.Label
	confirmBtn *widget.Button
	rejectBtn  *widget.Button
	sendBtn    *widget.Button
	footBtn    *widget.Button
	promoteBtn *widget.Button // a quiet hit made real
	// footage, when set, opens the playback tab at a camera and a moment
	// (the screen decides and audits the consultation there).
	footage   func(cameraID string, at time.Time)
	propLabel *widget.Label
	status    *widget.Label
	detail    fyne.CanvasObject
	detailBox *fyne.Container
	empty     *widget.Label
	content   fyne.CanvasObject
}

func newHitsPanelWith(ctx context.Context, c AlertConsole, sess *app.Session, w fyne.Window, do func(func()), sound func(context.Context)) *hitsPanel {
	p := &hitsPanel{c: c, sess: sess, w: w, do: do, sound: sound, infoVals: map[string]*widget.Label{}}
	p.ctx, p.stop = context.WithCancel(ctx)
	p.build()
	// The tab shows only for roles that handle hits; should the console
	// still refuse, the panel stays empty rather than showing anything.
	hits, err := c.Hits(sess)
	if err != nil {
		return p
	}
	p.hits = hits
	p.loadQuiet()
	p.refreshList()
	if p.feed, err = c.SubscribeHits(sess, 64); err != nil {
		return p
	}
	p.wg.Add(1)
	go p.listen()
	return p
}

// close stops the panel's goroutines and its subscription; idempotent.
func (p *hitsPanel) close() {
	p.stop()
	p.feed.Close()
	p.wg.Wait()
}

func (p *hitsPanel) listen() {
	defer p.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
			// The panel ends with the session that opened it.
			if !p.c.SessionActive(p.sess) {
				p.feed.Close()
				return
			}
			// Units move: the unit Send names is the one it will send.
			p.do(func() {
				if h, ok := p.current(); ok && h.Status == app.HitConfirmed {
					p.propose()
				}
			})
		case ev, ok := <-p.feed.C():
			if !ok {
				return
			}
			p.do(func() { p.apply(ev) })
			if ev.Kind == app.HitAlert && p.sound != nil {
				p.wg.Add(1)
				go func() {
					defer p.wg.Done()
					p.sound(p.ctx)
				}()
			}
		}
	}
}

func (p *hitsPanel) build() {
	p.list = widget.NewList(func() int { return len(p.view) }, func() fyne.CanvasObject {
		dot := canvas.NewText("●", colHitExact)
		plate := widget.NewLabel("1-ABC-123")
		plate.TextStyle.Bold = true
		sub := widget.NewLabel("")
		return container.NewBorder(nil, nil, dot, nil, container.NewVBox(plate, sub))
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(p.view) {
			return
		}
		h := p.view[i]
		b := o.(*fyne.Container)
		vb := b.Objects[0].(*fyne.Container)
		dot := b.Objects[1].(*canvas.Text)
		dot.Color = matchColour(h)
		dot.Refresh()
		vb.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s  %s", plateText(h), statusLabel(h.Status)))
		vb.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s", h.Time.Local().Format("15:04:05"), h.Camera.Name, priorityLabel(h.Priority)))
	})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.view) {
			p.selectHit(p.view[i].ID)
		}
	}

	p.bannerText = canvas.NewText("", color.White)
	p.bannerText.TextStyle.Bold = true
	p.bannerText.TextSize = 18
	p.banner = container.NewStack(canvas.NewRectangle(colHitExact), container.NewPadded(p.bannerText))
	p.banner.Hide()

	p.badgeBg = canvas.NewRectangle(colHitExact)
	p.badge = canvas.NewText("", color.White)
	p.badge.TextStyle.Bold = true
	p.readRow = container.NewHBox()
	p.listedRow = container.NewHBox()
	p.crop = &canvas.Image{FillMode: canvas.ImageFillContain}
	p.crop.SetMinSize(fyne.NewSize(260, 70))
	p.vehicle = &canvas.Image{FillMode: canvas.ImageFillContain}
	p.vehicle.SetMinSize(fyne.NewSize(320, 200))
	p.vehWait = widget.NewLabel(lang.L("hits.vehicle.pending"))

	p.info = widget.NewForm()
	for _, k := range []struct{ id, label string }{
		{"camera", lang.L("hits.field.camera")}, {"time", lang.L("hits.field.time")}, {"list", lang.L("hits.field.list")},
		{"source", lang.L("hits.field.source")}, {"measure", lang.L("hits.field.measure")},
		{"priority", lang.L("hits.field.priority")}, {"remarks", lang.L("hits.field.remarks")},
		{"read", lang.L("hits.field.read")}, {"valid", lang.L("hits.field.valid_until")},
	} {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		p.infoVals[k.id] = l
		p.info.Append(k.label, l)
	}
	p.confirmBtn = widget.NewButtonWithIcon(lang.L("hits.confirm"), theme.ConfirmIcon(), p.confirm)
	p.confirmBtn.Importance = widget.HighImportance
	p.rejectBtn = widget.NewButtonWithIcon(lang.L("hits.reject"), theme.CancelIcon(), p.askReject)
	p.sendBtn = widget.NewButtonWithIcon(lang.L("hits.send"), theme.MailSendIcon(), p.send)
	p.sendBtn.Importance = widget.DangerImportance
	p.footBtn = widget.NewButtonWithIcon(lang.L("hits.footage"), theme.MediaVideoIcon(), p.openFootage)
	p.promoteBtn = p.newPromoteButton()
	p.propLabel = widget.NewLabel("")
	p.propLabel.Wrapping = fyne.TextWrapWord
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.history = widget.NewLabel("")
	p.history.Wrapping = fyne.TextWrapWord

	histHead := widget.NewLabel(lang.L("hits.history"))
	histHead.TextStyle.Bold = true
	images := container.NewHBox(
		container.NewVBox(widget.NewLabel(lang.L("hits.crop")), p.crop),
		container.NewVBox(widget.NewLabel(lang.L("hits.vehicle")), container.NewStack(p.vehicle, container.NewCenter(p.vehWait))))
	plates := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("hits.plate.read")), p.readRow,
		widget.NewLabel(lang.L("hits.plate.listed")), p.listedRow)
	p.detailBox = container.NewVBox(
		container.NewHBox(container.NewStack(p.badgeBg, container.NewPadded(p.badge)), layout.NewSpacer()),
		plates, images, p.info,
		container.NewHBox(p.promoteBtn, p.confirmBtn, p.rejectBtn, p.sendBtn, p.footBtn), p.propLabel, p.status,
		histHead, p.history)
	p.detail = container.NewVScroll(p.detailBox)
	p.detail.Hide()
	p.empty = widget.NewLabel(lang.L("hits.none"))
	p.empty.Alignment = fyne.TextAlignCenter

	head := widget.NewLabel(lang.L("hits.title"))
	head.TextStyle.Bold = true
	p.filter = widget.NewSelect(nil, nil)
	filters := p.filters()
	for _, f := range filters {
		p.filter.Options = append(p.filter.Options, f.label)
	}
	p.filter.OnChanged = func(string) {
		if i := p.filter.SelectedIndex(); i >= 0 {
			p.filt = filters[i].f
			p.refreshList()
		}
	}
	p.filter.SetSelectedIndex(0)
	split := container.NewHSplit(container.NewBorder(container.NewVBox(head, p.filter), nil, nil, nil, p.list),
		container.NewStack(container.NewCenter(p.empty), p.detail))
	split.Offset = 0.3
	p.content = container.NewBorder(p.banner, nil, nil, nil, split)
	p.refreshButtons()
}

// apply merges an event into the list (UI thread).
func (p *hitsPanel) apply(ev app.HitEvent) {
	found := false
	for i := range p.hits {
		if p.hits[i].ID == ev.Hit.ID {
			p.hits[i], found = ev.Hit, true
		}
	}
	if !found {
		p.hits = append([]app.Hit{ev.Hit}, p.hits...)
	}
	p.refreshList()
	if ev.Kind == app.HitAlert {
		p.alert(ev.Hit)
	}
	if ev.Hit.ID == p.sel {
		p.show(ev.Hit)
	}
}

// alert shows the banner and selects the new hit unless the dispatcher is
// in the middle of handling another one.
func (p *hitsPanel) alert(h app.Hit) {
	p.bannerText.Text = lang.L("hits.banner", map[string]any{"Plate": plateText(h), "Camera": h.Camera.Name,
		"List": h.List, "Priority": priorityLabel(h.Priority), "Match": matchLabel(h.Match)})
	p.bannerText.Refresh()
	p.banner.Objects[0].(*canvas.Rectangle).FillColor = matchColour(h)
	p.banner.Show()
	busy := false
	if cur, ok := p.current(); ok && cur.Status == app.HitNew && cur.ID != h.ID {
		busy = true
	}
	if busy {
		return
	}
	if p.filt != (app.HitFilter{}) {
		// A new alert must be seen: back to every hit.
		p.filter.SetSelectedIndex(0)
	}
	for i := range p.view {
		if p.view[i].ID == h.ID {
			p.list.Select(i)
		}
	}
}

func (p *hitsPanel) current() (app.Hit, bool) {
	for _, h := range p.hits {
		if h.ID == p.sel {
			return h, true
		}
	}
	return app.Hit{}, false
}

func (p *hitsPanel) selectHit(id string) {
	p.sel, p.prop = id, nil
	p.status.SetText("")
	if h, ok := p.current(); ok {
		p.show(h)
		if h.Status == app.HitConfirmed {
			p.propose()
		}
	}
}

func (p *hitsPanel) show(h app.Hit) {
	p.empty.Hide()
	p.detail.Show()
	p.badge.Text = matchLabel(h.Match)
	if h.CountryUnknown {
		p.badge.Text += " · " + lang.L("hits.country_unknown")
	}
	p.badgeBg.FillColor = matchColour(h)
	p.badge.Refresh()
	p.badgeBg.Refresh()
	readMarks, listedMarks := diffMarks(h)
	setPlateRow(p.readRow, h.Plate, readMarks)
	setPlateRow(p.listedRow, h.Listed, listedMarks)
	p.crop.Image = h.Crop
	p.crop.Refresh()
	p.vehicle.Image = h.Vehicle
	p.vehicle.Refresh()
	if h.Vehicle == nil {
		p.vehWait.Show()
	} else {
		p.vehWait.Hide()
	}
	v := p.infoVals
	v["camera"].SetText(fmt.Sprintf("%s (%s)", h.Camera.Name, h.Camera.Location()))
	v["time"].SetText(h.Time.Local().Format("2006-01-02 15:04:05.000"))
	v["list"].SetText(fmt.Sprintf("%s v%d", h.List, h.ListVersion))
	v["source"].SetText(h.Source)
	v["measure"].SetText(h.Measure)
	v["priority"].SetText(priorityLabel(h.Priority))
	v["remarks"].SetText(h.Remarks)
	v["read"].SetText(fmt.Sprintf("%s %s · %.0f %%", h.Display, h.Country, 100*h.Confidence))
	if h.ValidUntil.IsZero() {
		v["valid"].SetText(lang.L("hits.valid.open"))
	} else {
		v["valid"].SetText(h.ValidUntil.Local().Format("2006-01-02 15:04"))
	}
	var lines []string
	for _, s := range h.History {
		line := fmt.Sprintf("%s  %s", s.Time.Local().Format("15:04:05"), stepLabel(s.What))
		if s.User != "" {
			line += " · " + s.User
		}
		if s.Detail != "" {
			line += " · " + s.Detail
		}
		lines = append(lines, line)
	}
	p.history.SetText(strings.Join(lines, "\n"))
	p.refreshButtons()
	// The badge and the plate cells changed size: lay the column out again.
	p.detailBox.Refresh()
}

func (p *hitsPanel) refreshButtons() {
	h, ok := p.current()
	canHandle := p.c.Can(p.sess, app.ActHitHandle)
	canSend := p.c.Can(p.sess, app.ActDispatch)
	look.SetEnabled(p.confirmBtn, ok && canHandle && h.Status == app.HitNew)
	look.SetEnabled(p.rejectBtn, ok && canHandle && h.Status == app.HitNew)
	look.SetEnabled(p.sendBtn, ok && canSend && h.Status == app.HitConfirmed && p.prop != nil)
	p.refreshPromote(h, ok)
	if p.footage != nil && p.c.Can(p.sess, app.ActPlayback) {
		p.footBtn.Show()
		look.SetEnabled(p.footBtn, ok)
	} else {
		p.footBtn.Hide()
	}
	switch {
	case !ok:
		p.propLabel.SetText("")
	case h.Status == app.HitDispatched:
		p.propLabel.SetText(lang.L("hits.sent", map[string]any{"Unit": h.Unit}))
	case p.prop != nil:
		p.propLabel.SetText(lang.L("hits.proposal", map[string]any{"Unit": p.prop.Unit.CallSign,
			"Distance": fmt.Sprintf("%.1f", p.prop.Distance/1000), "ETA": p.prop.ETA.Round(time.Second).String()}))
	case h.Status == app.HitConfirmed:
		p.propLabel.SetText(lang.L("hits.no_patrol"))
	default:
		p.propLabel.SetText("")
	}
}

// openFootage shows the recording of the hit's camera from a few seconds
// before the read, so the dispatcher sees the vehicle arrive.
func (p *hitsPanel) openFootage() {
	if h, ok := p.current(); ok && p.footage != nil {
		p.footage(h.Camera.ID, h.Time.Add(-footageLead))
	}
}

// footageLead is how long before the read the footage opens.
const footageLead = 5 * time.Second

type hitFilterOption struct {
	label string
	f     app.HitFilter
}

// filters are the list's views: every hit, by status, and the rejected ones
// by reason (the reasons are searchable).
func (p *hitsPanel) filters() []hitFilterOption {
	out := []hitFilterOption{{label: lang.L("hits.filter.all")}}
	for _, st := range []app.HitStatus{app.HitNew, app.HitConfirmed, app.HitDispatched, app.HitRejected} {
		out = append(out, hitFilterOption{label: statusLabel(st), f: app.HitFilter{Status: st}})
	}
	for _, r := range app.RejectReasons() {
		out = append(out, hitFilterOption{label: lang.L("hits.filter.rejected_as", map[string]any{"Reason": rejectLabel(r)}),
			f: app.HitFilter{Status: app.HitRejected, RejectReason: r}})
	}
	if _, ok := p.c.(quietConsole); ok {
		// Near hits without the alarm, last: the dispatcher opens them when there is time.
		out = append(out, hitFilterOption{label: lang.L("hits.filter.quiet"), f: quietFilter})
	}
	return out
}

// refreshList recomputes the filtered view (UI thread).
func (p *hitsPanel) refreshList() {
	p.view = p.view[:0]
	for _, h := range p.hits {
		if inView(h, p.filt) {
			p.view = append(p.view, h)
		}
	}
	p.list.Refresh()
}
