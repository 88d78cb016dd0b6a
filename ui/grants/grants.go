// Package grants is the team chief's tab for municipal operators' live
// access: for an event or an emergency, a few hours on cameras of the
// operator's own town (the Camerawet's rule, which the console checks).
// In a dispatch room a grant given at one console holds at every one, and
// the list shows the room's grants, wherever they were given.
package grants

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Console is what the tab uses of the console.
type Console interface {
	Zone() app.Zone
	MunicipalCameras(municipality string) []app.Camera
	Grant(ctx context.Context, s *app.Session, to string, cameras []string, until time.Time, why app.Reason) (app.Grant, error)
	Revoke(ctx context.Context, s *app.Session, id string) error
	Grants(ctx context.Context, s *app.Session) ([]app.Grant, error)
}

// durations a grant may be given for; the console caps them at the zone's
// limit and says so.
var durations = []time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour}

// screen is the tab's state; it belongs to the UI thread.
type screen struct {
	env     look.Env
	c       Console
	to      *widget.Entry
	town    *widget.Select
	cams    *widget.CheckGroup
	camIDs  map[string]string // check label -> camera id
	kind    *widget.Select
	ref     *widget.Entry
	motive  *widget.Entry
	dur     *widget.Select
	status  *widget.Label
	list    *widget.List
	grants  []app.Grant
	sel     int
	content fyne.CanvasObject
}

// Tab builds the grants tab.
func Tab(env look.Env, c Console) fyne.CanvasObject { return newScreen(env, c).content }

func newScreen(env look.Env, c Console) *screen {
	s := &screen{env: env, c: c, sel: -1}
	s.to = widget.NewEntry()
	s.to.SetPlaceHolder(lang.L("grants.to.hint"))
	var towns []string
	for _, cam := range c.Zone().Cameras {
		if cam.Municipality != "" && !slices.Contains(towns, cam.Municipality) && len(c.MunicipalCameras(cam.Municipality)) > 0 {
			towns = append(towns, cam.Municipality)
		}
	}
	slices.Sort(towns)
	s.cams = widget.NewCheckGroup(nil, nil)
	s.cams.Horizontal = true
	s.town = widget.NewSelect(towns, s.showTown)
	s.kind = widget.NewSelect([]string{lang.L("grants.kind.event"), lang.L("grants.kind.emergency")}, nil)
	s.kind.SetSelectedIndex(0)
	s.ref = widget.NewEntry()
	s.ref.SetPlaceHolder(lang.L("grants.ref.hint"))
	s.motive = widget.NewEntry()
	var durs []string
	for _, d := range durations {
		durs = append(durs, lang.L("grants.hours", map[string]any{"Hours": int(d.Hours())}))
	}
	s.dur = widget.NewSelect(durs, nil)
	s.dur.SetSelectedIndex(2)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	give := widget.NewButton(lang.L("grants.give"), s.give)
	give.Importance = widget.HighImportance
	revoke := widget.NewButton(lang.L("grants.revoke"), s.revoke)
	revoke.Importance = widget.DangerImportance
	refresh := widget.NewButton(lang.L("grants.refresh"), s.refresh)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("grants.to"), s.to),
		widget.NewFormItem(lang.L("grants.town"), s.town),
		widget.NewFormItem(lang.L("grants.cameras"), container.NewHScroll(s.cams)),
		widget.NewFormItem(lang.L("grants.kind"), s.kind),
		widget.NewFormItem(lang.L("grants.ref"), s.ref),
		widget.NewFormItem(lang.L("grants.motivation"), s.motive),
		widget.NewFormItem(lang.L("grants.duration"), s.dur),
	)
	s.list = widget.NewList(func() int { return len(s.grants) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(describe(s.grants[i])) })
	s.list.OnSelected = func(i widget.ListItemID) { s.sel = i }
	if len(towns) > 0 {
		s.town.SetSelectedIndex(0)
	}
	top := container.NewVBox(form, container.NewHBox(give, refresh, revoke), s.status,
		widget.NewLabelWithStyle(lang.L("grants.in_force"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	s.content = container.NewBorder(top, nil, nil, nil, s.list)
	s.refresh()
	return s
}

// showTown offers the town's own cameras, none ticked.
func (s *screen) showTown(town string) {
	s.camIDs = map[string]string{}
	var labels []string
	for _, cam := range s.c.MunicipalCameras(town) {
		l := fmt.Sprintf("%s (%s)", cam.Name, cam.ID)
		s.camIDs[l] = cam.ID
		labels = append(labels, l)
	}
	s.cams.Options = labels
	s.cams.SetSelected(nil)
	s.cams.Refresh()
}

func describe(g app.Grant) string {
	return lang.L("grants.line", map[string]any{"To": g.To, "Cameras": strings.Join(g.Cameras, ", "),
		"Until": look.Clock(g.Until), "Ref": g.Reason.Ref, "By": g.By})
}

// reason is the justification the form gives: an event or an emergency,
// named (the policy requires the name).
func (s *screen) reason() app.Reason {
	kind := app.JustEvent
	if s.kind.SelectedIndex() == 1 {
		kind = app.JustEmergency
	}
	return app.Reason{Kind: kind, Ref: strings.TrimSpace(s.ref.Text), Text: strings.TrimSpace(s.motive.Text)}
}

func (s *screen) give() {
	var cams []string
	for _, l := range s.cams.Selected {
		cams = append(cams, s.camIDs[l])
	}
	to, why := strings.TrimSpace(s.to.Text), s.reason()
	until := time.Now().Add(durations[max(s.dur.SelectedIndex(), 0)])
	s.run(func() (string, error) {
		g, err := s.c.Grant(s.env.Ctx, s.env.Sess, to, cams, until, why)
		if err != nil {
			return "", err
		}
		return lang.L("grants.given", map[string]any{"To": g.To, "Until": look.Clock(g.Until)}), nil
	})
}

func (s *screen) revoke() {
	if s.sel < 0 || s.sel >= len(s.grants) {
		s.status.SetText(lang.L("grants.select"))
		return
	}
	g := s.grants[s.sel]
	s.run(func() (string, error) {
		if err := s.c.Revoke(s.env.Ctx, s.env.Sess, g.ID); err != nil {
			return "", err
		}
		return lang.L("grants.revoked", map[string]any{"To": g.To}), nil
	})
}

func (s *screen) refresh() { s.run(func() (string, error) { return "", nil }) }

// run does fn off the UI thread, then lists the grants again and says
// what happened.
func (s *screen) run(fn func() (string, error)) {
	s.env.Go(func() {
		msg, err := fn()
		var gs []app.Grant
		if err == nil {
			gs, err = s.c.Grants(s.env.Ctx, s.env.Sess)
		}
		s.env.Do(func() {
			if err != nil {
				s.status.SetText(look.DeniedText(err))
				return
			}
			s.grants, s.sel = gs, -1
			s.list.UnselectAll()
			s.list.Refresh()
			s.status.SetText(msg)
		})
	})
}
