// Package holds is the evidence holds tab: investigators, team chiefs and
// the DPO keep recorded footage from every deletion for a case, and release
// it when the case is closed. The console decides and audits each step.
package holds

import (
	"context"
	"errors"
	"fmt"
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
	Holds(ctx context.Context, s *app.Session, why app.Reason) ([]app.Hold, error)
	PlaceHold(ctx context.Context, s *app.Session, req app.HoldRequest, why app.Reason) (app.Hold, error)
	ReleaseHold(ctx context.Context, s *app.Session, id int64, why app.Reason) (app.Hold, error)
}

const timeLayout = "2006-01-02 15:04"

// screen is the tab's state; it belongs to the UI thread.
type screen struct {
	env     look.Env
	c       Console
	ground  *widget.Select
	caseRef *widget.Entry
	motive  *widget.Entry
	cams    *widget.CheckGroup
	from    *widget.Entry
	to      *widget.Entry
	until   *widget.Entry
	status  *widget.Label
	list    *widget.List
	holds   []app.Hold
	sel     int
	content fyne.CanvasObject
}

// Tab builds the holds tab.
func Tab(env look.Env, c Console) fyne.CanvasObject { return newScreen(env, c).content }

func newScreen(env look.Env, c Console) *screen {
	s := &screen{env: env, c: c, sel: -1}
	s.ground = widget.NewSelect([]string{lang.L("holds.ground.judicial"), lang.L("holds.ground.administrative")}, nil)
	s.ground.SetSelectedIndex(0)
	s.caseRef = widget.NewEntry()
	s.caseRef.SetPlaceHolder(lang.L("holds.case.hint"))
	s.motive = widget.NewEntry()
	var ids []string
	for _, cam := range c.Zone().Cameras {
		ids = append(ids, cam.ID)
	}
	s.cams = widget.NewCheckGroup(ids, nil)
	s.cams.Horizontal = true
	now := time.Now()
	s.from, s.to, s.until = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.from.SetText(now.Add(-time.Hour).Format(timeLayout))
	s.to.SetText(now.Format(timeLayout))
	s.until.SetPlaceHolder(lang.L("holds.until.hint"))
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	place := widget.NewButton(lang.L("holds.place"), s.place)
	place.Importance = widget.HighImportance
	release := widget.NewButton(lang.L("holds.release"), s.release)
	refresh := widget.NewButton(lang.L("holds.refresh"), s.refresh)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("holds.ground"), s.ground),
		widget.NewFormItem(lang.L("holds.case"), s.caseRef),
		widget.NewFormItem(lang.L("holds.motivation"), s.motive),
		widget.NewFormItem(lang.L("holds.cameras"), container.NewHScroll(s.cams)),
		widget.NewFormItem(lang.L("holds.from"), s.from),
		widget.NewFormItem(lang.L("holds.to"), s.to),
		widget.NewFormItem(lang.L("holds.until"), s.until),
	)
	s.list = widget.NewList(func() int { return len(s.holds) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(describe(s.holds[i])) })
	s.list.OnSelected = func(i widget.ListItemID) { s.sel = i }
	top := container.NewVBox(form, container.NewHBox(place, refresh, release), s.status)
	s.content = container.NewBorder(top, nil, nil, nil, s.list)
	return s
}

func describe(h app.Hold) string {
	state := lang.L("holds.active")
	if !h.Released.IsZero() {
		state = lang.L("holds.released", map[string]any{"When": look.Clock(h.Released)})
	}
	until := "—"
	if !h.Until.IsZero() {
		until = look.Clock(h.Until)
	}
	return fmt.Sprintf("#%d  %s  %s → %s  %s  (%s: %s, %s %s) %s", h.ID, strings.Join(h.Cameras, ","), look.Clock(h.From),
		look.Clock(h.To), h.Case, lang.L("holds.until"), until, lang.L("holds.by"), h.CreatedBy, state)
}

// reason is the justification the form gives.
func (s *screen) reason() app.Reason {
	kind := app.JustJudicial
	if s.ground.SelectedIndex() == 1 {
		kind = app.JustAdmin
	}
	return app.Reason{Kind: kind, Ref: strings.TrimSpace(s.caseRef.Text), Text: strings.TrimSpace(s.motive.Text)}
}

func parseLocal(text string) (time.Time, error) {
	t, err := time.ParseInLocation(timeLayout, strings.TrimSpace(text), time.Local)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, strings.TrimSpace(text)); err != nil {
			return time.Time{}, fmt.Errorf("%q: %s", text, lang.L("holds.time.bad"))
		}
	}
	return t.UTC(), nil
}

func (s *screen) place() {
	req := app.HoldRequest{Cameras: append([]string(nil), s.cams.Selected...), Case: strings.TrimSpace(s.caseRef.Text)}
	var err error
	if req.From, err = parseLocal(s.from.Text); err == nil {
		req.To, err = parseLocal(s.to.Text)
	}
	if err == nil && strings.TrimSpace(s.until.Text) != "" {
		req.Until, err = parseLocal(s.until.Text)
	}
	if err != nil {
		s.status.SetText(err.Error())
		return
	}
	why := s.reason()
	s.run(func() (string, error) {
		h, err := s.c.PlaceHold(s.env.Ctx, s.env.Sess, req, why)
		if err != nil {
			return "", err
		}
		return lang.L("holds.placed", map[string]any{"ID": h.ID, "Case": h.Case}), nil
	})
}

func (s *screen) release() {
	if s.sel < 0 || s.sel >= len(s.holds) {
		s.status.SetText(lang.L("holds.select"))
		return
	}
	id, why := s.holds[s.sel].ID, s.reason()
	s.run(func() (string, error) {
		if _, err := s.c.ReleaseHold(s.env.Ctx, s.env.Sess, id, why); err != nil {
			return "", err
		}
		return lang.L("holds.released.done", map[string]any{"ID": id}), nil
	})
}

func (s *screen) refresh() { s.run(func() (string, error) { return "", nil }) }

// run does fn off the UI thread, then lists the holds again (a listing is
// its own audited consultation) and says what happened.
func (s *screen) run(fn func() (string, error)) {
	why := s.reason()
	s.env.Go(func() {
		msg, err := fn()
		var hs []app.Hold
		if err == nil {
			hs, err = s.c.Holds(s.env.Ctx, s.env.Sess, why)
		}
		s.env.Do(func() {
			if err != nil {
				s.status.SetText(refusal(err))
				return
			}
			s.holds, s.sel = hs, -1
			s.list.UnselectAll()
			s.list.Refresh()
			s.status.SetText(msg)
		})
	})
}

// refusal says why in the user's words.
func refusal(err error) string {
	var de *app.DeniedError
	if errors.As(err, &de) {
		return look.DecisionText(de.Decision.Code)
	}
	return err.Error()
}
