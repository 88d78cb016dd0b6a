// Package search is the investigators' retroactive search of ANPR passages:
// a plate pattern, a time window, cameras or a place and radius, country
// and colour, under a justification (legal ground, case reference,
// motivation and, beyond 30 days, the authorisation reference). The
// console decides and audits; the screen shows what it answers: the
// passages as a list with their plate crop and vehicle image, their count,
// and a small map of where they passed.
package search

import (
	"context"
	"fmt"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Console is what the search tab asks of app.Console.
type Console interface {
	Zone() app.Zone
	SearchPassages(ctx context.Context, s *app.Session, q app.PassageQuery, why app.Reason) ([]app.Passage, error)
}

// ImageSource is an optional part of the console: the stored plate crop or
// vehicle image of a passage by its SHA-256. A console without it shows
// the results without thumbnails.
type ImageSource interface {
	PassageImage(ctx context.Context, s *app.Session, sha string) (image.Image, error)
}

// OpenFootage opens the recorded footage of a camera at a time (the
// playback tab); nil leaves the button out.
type OpenFootage func(cameraID string, at time.Time)

// Tab is the passage search tab.
func Tab(env look.Env, c Console, open OpenFootage) fyne.CanvasObject {
	return newScreen(env, c, open).content
}

// Title is the tab's title.
func Title() string { return lang.L("search.tab") }

// maxResults bounds one answer; the count says when it was reached.
const maxResults = 1000

// timeLayout is the short form of a time the fields are prefilled with;
// RFC 3339 is accepted too.
const timeLayout = "2006-01-02 15:04"

// place choices besides the cameras.
const placeNone = -1

type screen struct {
	env  look.Env
	c    Console
	imgs ImageSource
	open OpenFootage

	pattern, from, to, country *widget.Entry
	colour                     *widget.Select
	colours                    []string
	cams                       *widget.CheckGroup
	camIDs                     []string // ANPR cameras, in the check group's order
	centre                     *widget.Select
	centreIDs                  []string // every camera with a place
	lat, lon, radius           *widget.Entry
	ground                     *widget.RadioGroup
	caseRef, motivation, auth  *widget.Entry

	button *widget.Button
	busy   *widget.Activity
	status *widget.Label
	count  *widget.Label

	seq     int // the search whose answer is awaited
	results []result
	list    *widget.List
	sel     int
	m       *passageMap
	detail  *detail

	content fyne.CanvasObject
}

// result is one passage with its thumbnails, loaded off the UI thread.
type result struct {
	p            app.Passage
	camName      string
	crop, vehicl image.Image
}

func newScreen(env look.Env, c Console, open OpenFootage) *screen {
	s := &screen{env: env, c: c, open: open, sel: -1}
	s.imgs, _ = c.(ImageSource)
	z := c.Zone()

	s.pattern = widget.NewEntry()
	s.pattern.SetPlaceHolder("1-AB?-1*")
	s.pattern.OnSubmitted = func(string) { s.run() }
	now := time.Now()
	s.from, s.to = widget.NewEntry(), widget.NewEntry()
	s.from.SetText(now.Add(-24 * time.Hour).Local().Format(timeLayout))
	s.to.SetText(now.Local().Format(timeLayout))
	s.country = widget.NewEntry()
	s.country.SetPlaceHolder("BE, NL, FR, …")

	s.colours = append([]string{""}, colourNames...)
	opts := []string{lang.L("search.colour.any")}
	for _, c := range colourNames {
		opts = append(opts, colourLabel(c))
	}
	s.colour = widget.NewSelect(opts, nil)
	s.colour.SetSelectedIndex(0)

	var camOpts, centreOpts []string
	centreOpts = append(centreOpts, lang.L("search.place.coordinates"))
	for _, cam := range z.Cameras {
		if cam.Kind.ANPR() {
			s.camIDs = append(s.camIDs, cam.ID)
			camOpts = append(camOpts, camOption(cam))
		}
		if cam.Lat != 0 || cam.Lon != 0 {
			s.centreIDs = append(s.centreIDs, cam.ID)
			centreOpts = append(centreOpts, camOption(cam))
		}
	}
	s.cams = widget.NewCheckGroup(camOpts, nil)
	s.lat, s.lon, s.radius = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.lat.SetPlaceHolder(lang.L("search.place.lat"))
	s.lon.SetPlaceHolder(lang.L("search.place.lon"))
	s.radius.SetPlaceHolder(lang.L("search.place.radius_hint"))
	s.centre = widget.NewSelect(centreOpts, func(string) {
		if i := s.centre.SelectedIndex() - 1; i >= 0 && i < len(s.centreIDs) {
			if cam, ok := z.Camera(s.centreIDs[i]); ok {
				s.lat.SetText(fmt.Sprintf("%.5f", cam.Lat))
				s.lon.SetText(fmt.Sprintf("%.5f", cam.Lon))
			}
		}
	})
	s.centre.PlaceHolder = lang.L("search.place.centre")

	s.ground = widget.NewRadioGroup([]string{look.JustKindLabel(app.JustJudicial), look.JustKindLabel(app.JustAdmin)}, nil)
	s.ground.Required = true
	s.ground.SetSelected(look.JustKindLabel(app.JustJudicial))
	s.caseRef, s.auth = widget.NewEntry(), widget.NewEntry()
	s.caseRef.SetPlaceHolder(lang.L("search.just.case_hint"))
	s.auth.SetPlaceHolder(lang.L("search.just.auth_hint"))
	s.motivation = widget.NewMultiLineEntry()
	s.motivation.SetMinRowsVisible(3)
	s.motivation.Wrapping = fyne.TextWrapWord
	s.motivation.SetPlaceHolder(lang.L("search.just.motivation_hint"))

	s.button = widget.NewButton(lang.L("search.run"), s.run)
	s.button.Importance = widget.HighImportance
	s.busy = widget.NewActivity()
	s.busy.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	s.content = s.layout(s.form(), s.resultsPane())
	return s
}

func camOption(cam app.Camera) string {
	if cam.Name == "" {
		return cam.ID
	}
	return cam.Name + " (" + cam.ID + ")"
}

// wrapped is a muted hint that wraps at the form's width.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	l.SizeName = theme.SizeNameCaptionText
	return l
}

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

// formWidth is the form column's width, so its hints wrap before layout.
const formWidth = 380

func (s *screen) form() fyne.CanvasObject {
	field := func(label string, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(112, o.MinSize().Height), widget.NewLabel(label)), nil, o)
	}
	box := container.NewVBox(
		heading(lang.L("search.criteria")),
		field(lang.L("search.plate"), s.pattern),
		wrapped(lang.L("search.plate_hint")),
		field(lang.L("search.from"), s.from),
		field(lang.L("search.to"), s.to),
		wrapped(lang.L("search.time_hint")),
		field(lang.L("search.country"), s.country),
		field(lang.L("search.colour"), s.colour),
		heading(lang.L("search.cameras")),
		s.cams,
		heading(lang.L("search.place")),
		s.centre,
		container.NewGridWithColumns(3, s.lat, s.lon, s.radius),
		wrapped(lang.L("search.place_hint")),
		heading(lang.L("search.just")),
		s.ground,
		field(lang.L("search.just.case"), s.caseRef),
		widget.NewLabel(lang.L("search.just.motivation")),
		s.motivation,
		field(lang.L("search.just.auth"), s.auth),
		wrapped(lang.L("search.just.hint")),
	)
	// The button and what it answered stay in sight below the scrolled form.
	run := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, s.busy, s.button),
		container.New(look.FixedWidth{W: formWidth}, s.status))
	return container.NewBorder(nil, run, nil, nil, container.NewVScroll(container.New(look.FixedWidth{W: formWidth}, box)))
}

func (s *screen) layout(form, results fyne.CanvasObject) fyne.CanvasObject {
	split := container.NewHSplit(form, results)
	split.Offset = 0.28
	return split
}

// parseTime reads a field: empty is no bound; RFC 3339, or
// "2006-01-02 15:04" in the console's local zone.
func parseTime(text string) (time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, text); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation(timeLayout, text, time.Local)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
