package search

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Thumbnail sizes in the list: a plate crop is wide and low, a vehicle
// image about 4:3.
var (
	cropThumb    = fyne.NewSize(120, 36)
	vehicleThumb = fyne.NewSize(72, 54)
)

// thumb is an image on a dark ground, so a missing one still holds its
// place; "—" says there is none.
func thumb(size fyne.Size) (*canvas.Image, *canvas.Text, fyne.CanvasObject) {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	img.SetMinSize(size)
	none := canvas.NewText("—", look.ColMuted)
	none.Alignment = fyne.TextAlignCenter
	bg := canvas.NewRectangle(look.ColTileBg)
	return img, none, container.NewGridWrap(size, container.NewStack(bg, container.NewCenter(none), img))
}

func setThumb(img *canvas.Image, none *canvas.Text, src image.Image) {
	img.Image = src
	if src == nil {
		none.Show()
	} else {
		none.Hide()
	}
	img.Refresh()
}

// row is one result in the list.
type row struct {
	widget.BaseWidget
	crop, vehicle   *canvas.Image
	noCrop, noVeh   *canvas.Text
	plate, cam, sub *widget.Label
	body            fyne.CanvasObject
}

func newRow() *row {
	r := &row{plate: widget.NewLabel(""), cam: widget.NewLabel(""), sub: widget.NewLabel("")}
	r.plate.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	r.sub.Importance = widget.LowImportance
	var cropBox, vehBox fyne.CanvasObject
	r.crop, r.noCrop, cropBox = thumb(cropThumb)
	r.vehicle, r.noVeh, vehBox = thumb(vehicleThumb)
	text := container.NewVBox(container.NewHBox(r.plate, r.sub), r.cam)
	r.body = container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(cropBox), container.NewCenter(vehBox)), nil, text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.body) }

func (r *row) set(res result) {
	p := res.p
	r.plate.SetText(plateText(p))
	r.sub.SetText(fmt.Sprintf("%s · %s · %s", countryText(p.Country), confidenceText(p.Confidence), colourLabel(p.Colour)))
	r.cam.SetText(look.Clock(p.Time) + "  " + res.camName)
	setThumb(r.crop, r.noCrop, res.crop)
	setThumb(r.vehicle, r.noVeh, res.vehicl)
}

func plateText(p app.Passage) string {
	if p.Display != "" {
		return p.Display
	}
	return p.Plate
}

func countryText(c string) string {
	if c == "" {
		return "?"
	}
	return c
}

func confidenceText(c float64) string { return fmt.Sprintf("%.0f %%", 100*c) }

// detail is the selected passage: its images large, what was read, and
// the way to its footage.
type detail struct {
	crop, vehicle *canvas.Image
	noCrop, noVeh *canvas.Text
	text          *widget.Label
	open          *widget.Button
	content       fyne.CanvasObject
}

func (s *screen) newDetail() *detail {
	d := &detail{text: widget.NewLabel(lang.L("search.detail.none"))}
	d.text.Wrapping = fyne.TextWrapWord
	var cropBox, vehBox fyne.CanvasObject
	d.crop, d.noCrop, cropBox = thumb(fyne.NewSize(200, 60))
	d.vehicle, d.noVeh, vehBox = thumb(fyne.NewSize(200, 150))
	var bottom fyne.CanvasObject
	if s.open != nil {
		d.open = widget.NewButtonWithIcon(lang.L("search.open_footage"), theme.MediaPlayIcon(), func() {
			if s.sel >= 0 && s.sel < len(s.results) {
				p := s.results[s.sel].p
				s.open(p.Camera, p.Time)
			}
		})
		d.open.Disable()
		bottom = d.open
	}
	d.content = container.NewBorder(nil, bottom, container.NewVBox(cropBox, vehBox), nil, d.text)
	return d
}

// show shows res, or says nothing is selected (UI thread).
func (d *detail) show(res *result) {
	if res == nil {
		setThumb(d.crop, d.noCrop, nil)
		setThumb(d.vehicle, d.noVeh, nil)
		d.text.SetText(lang.L("search.detail.none"))
		if d.open != nil {
			d.open.Disable()
		}
		return
	}
	p := res.p
	setThumb(d.crop, d.noCrop, res.crop)
	setThumb(d.vehicle, d.noVeh, res.vehicl)
	d.text.SetText(lang.L("search.detail", map[string]any{
		"Plate": plateText(p), "Country": countryText(p.Country), "Confidence": confidenceText(p.Confidence),
		"Camera": res.camName, "Time": p.Time.Local().Format("2006-01-02 15:04:05"),
		"Colour": colourLabel(p.Colour), "Reads": p.Reads,
	}))
	if d.open != nil {
		d.open.Enable()
	}
}

// resultsPane is the count, the list, and the map above the detail.
func (s *screen) resultsPane() fyne.CanvasObject {
	s.count = heading(lang.L("search.count.before"))
	s.list = widget.NewList(func() int { return len(s.results) },
		func() fyne.CanvasObject { return newRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.results) {
				o.(*row).set(s.results[id])
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) { s.selectResult(id) }
	s.list.OnUnselected = func(id widget.ListItemID) {
		if s.sel == id {
			s.selectResult(-1)
		}
	}
	s.m = newPassageMap(s.c.Zone())
	s.detail = s.newDetail()
	mapBox := container.NewBorder(heading(lang.L("search.map")), s.m.legend(), nil, nil, s.m)
	right := container.NewVSplit(mapBox, s.detail.content)
	right.Offset = 0.6
	split := container.NewHSplit(container.NewBorder(s.count, nil, nil, nil, s.list), right)
	split.Offset = 0.55
	return split
}

func (s *screen) selectResult(id int) {
	s.sel = id
	if id < 0 || id >= len(s.results) {
		s.sel = -1
		s.detail.show(nil)
		s.m.selectCamera("")
		return
	}
	res := s.results[id]
	s.detail.show(&res)
	s.m.selectCamera(res.p.Camera)
}
