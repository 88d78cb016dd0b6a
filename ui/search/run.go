package search

import (
	"context"
	"errors"
	"image"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// inputError is a field the screen could not read (a time, a number); it
// is said before anything is asked of the console.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badField(name string) error {
	return &inputError{lang.L("search.bad_field", map[string]any{"Field": name})}
}

// query reads the form (UI thread).
func (s *screen) query() (app.PassageQuery, app.Reason, error) {
	q := app.PassageQuery{Pattern: strings.TrimSpace(s.pattern.Text), Limit: maxResults,
		Country: strings.ToUpper(strings.TrimSpace(s.country.Text))}
	var err error
	if q.From, err = parseTime(s.from.Text); err != nil {
		return q, app.Reason{}, badField(lang.L("search.from"))
	}
	if q.To, err = parseTime(s.to.Text); err != nil {
		return q, app.Reason{}, badField(lang.L("search.to"))
	}
	if i := s.colour.SelectedIndex(); i > 0 && i < len(s.colours) {
		q.Colour = s.colours[i]
	}
	for i, label := range s.cams.Options {
		for _, on := range s.cams.Selected {
			if on == label {
				q.Cameras = append(q.Cameras, s.camIDs[i])
			}
		}
	}
	if r := strings.TrimSpace(s.radius.Text); r != "" {
		if q.Radius, err = number(r); err != nil || q.Radius <= 0 {
			return q, app.Reason{}, badField(lang.L("search.place.radius"))
		}
		if q.Lat, err = number(s.lat.Text); err != nil || q.Lat < -90 || q.Lat > 90 {
			return q, app.Reason{}, badField(lang.L("search.place.lat"))
		}
		if q.Lon, err = number(s.lon.Text); err != nil || q.Lon < -180 || q.Lon > 180 {
			return q, app.Reason{}, badField(lang.L("search.place.lon"))
		}
	}
	why := app.Reason{Text: strings.TrimSpace(s.motivation.Text), Ref: strings.TrimSpace(s.caseRef.Text),
		AuthRef: strings.TrimSpace(s.auth.Text)}
	switch s.ground.Selected {
	case look.JustKindLabel(app.JustJudicial):
		why.Kind = app.JustJudicial
	case look.JustKindLabel(app.JustAdmin):
		why.Kind = app.JustAdmin
	}
	return q, why, nil
}

// number reads a decimal with a point or a comma.
func number(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
}

// run starts a search off the UI thread; its answer is shown unless a newer
// search was started meanwhile.
func (s *screen) run() {
	q, why, err := s.query()
	if err != nil {
		s.status.SetText(err.Error())
		return
	}
	s.seq++
	seq := s.seq
	s.button.Disable()
	s.busy.Show()
	s.busy.Start()
	s.status.SetText(lang.L("search.busy"))
	names := map[string]string{}
	for _, cam := range s.c.Zone().Cameras {
		names[cam.ID] = cam.Name
	}
	ctx, sess := s.env.Ctx, s.env.Sess
	s.goroutine(func() {
		ps, err := s.c.SearchPassages(ctx, sess, q, why)
		var rs []result
		if err == nil {
			rs = s.load(ctx, sess, ps, names)
		}
		s.env.Do(func() { s.answer(seq, q, rs, err) })
	})
}

func (s *screen) goroutine(fn func()) {
	if s.env.Go != nil {
		s.env.Go(fn)
		return
	}
	go fn()
}

// load makes the results with their thumbnails (off the UI thread); an
// image shared by several passages is read once.
func (s *screen) load(ctx context.Context, sess *app.Session, ps []app.Passage, names map[string]string) []result {
	cache := map[string]image.Image{}
	get := func(sha string) image.Image {
		if sha == "" || s.imgs == nil || ctx.Err() != nil {
			return nil
		}
		if img, ok := cache[sha]; ok {
			return img
		}
		img, err := s.imgs.PassageImage(ctx, sess, sha)
		if err != nil && s.env.Log != nil {
			s.env.Log.Debug("passage image", "sha", sha, "err", err)
		}
		cache[sha] = img
		return img
	}
	rs := make([]result, len(ps))
	for i, p := range ps {
		name := names[p.Camera]
		if name == "" {
			name = p.Camera
		}
		rs[i] = result{p: p, camName: name, crop: get(p.CropSHA), vehicl: get(p.VehicleSHA)}
	}
	return rs
}

// answer shows a search's answer (UI thread).
func (s *screen) answer(seq int, q app.PassageQuery, rs []result, err error) {
	if seq != s.seq {
		return
	}
	s.busy.Stop()
	s.busy.Hide()
	s.button.Enable()
	s.results, s.sel = rs, -1
	s.list.UnselectAll()
	s.list.Refresh()
	s.detail.show(nil)
	s.m.show(rs, q, -1)
	switch {
	case err != nil:
		var d *app.DeniedError
		if errors.As(err, &d) {
			s.status.SetText(lang.L("search.refused", map[string]any{"Reason": look.DeniedText(err)}))
		} else {
			s.status.SetText(look.DeniedText(err))
		}
		s.count.SetText("")
	default:
		s.status.SetText("")
		s.count.SetText(countText(len(rs)))
	}
}

func countText(n int) string {
	switch {
	case n == 0:
		return lang.L("search.count.none")
	case n >= maxResults:
		return lang.L("search.count.limit", map[string]any{"Count": n})
	case n == 1:
		return lang.L("search.count.one")
	}
	return lang.L("search.count", map[string]any{"Count": n})
}
