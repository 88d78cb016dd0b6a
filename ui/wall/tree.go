package wall

import (
	"sort"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// cameraTree lists the zone's cameras by kind, then by place (street or
// square), each with its state on the wall. Double-click a camera to show it,
// or drag it onto a tile.
type cameraTree struct {
	wall     *wall
	tree     *widget.Tree
	cams     map[string]app.Camera
	children map[string][]string
	branch   map[string]string // branch id -> label
	dropOver *tile
}

const treeRoot = ""

func newCameraTree(zone app.Zone, w *wall) *cameraTree {
	ct := &cameraTree{wall: w, cams: map[string]app.Camera{}, children: map[string][]string{}, branch: map[string]string{}}
	byKind := map[app.CameraKind][]app.Camera{}
	for _, c := range zone.Cameras {
		byKind[c.Kind] = append(byKind[c.Kind], c)
		ct.cams["c:"+c.ID] = c
	}
	for _, k := range app.Kinds {
		cams := byKind[k]
		if len(cams) == 0 {
			continue
		}
		kid := "k:" + string(k)
		ct.children[treeRoot] = append(ct.children[treeRoot], kid)
		ct.branch[kid] = look.KindLabel(k)
		places := map[string][]string{}
		for _, c := range cams {
			places[place(c)] = append(places[place(c)], "c:"+c.ID)
		}
		names := make([]string, 0, len(places))
		for p := range places {
			names = append(names, p)
		}
		sort.Strings(names)
		for _, p := range names {
			pid := "p:" + string(k) + "|" + p
			ct.children[kid] = append(ct.children[kid], pid)
			ct.branch[pid] = p
			ct.children[pid] = places[p]
		}
	}
	ct.tree = widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID { return ct.children[id] },
		func(id widget.TreeNodeID) bool {
			return id == treeRoot || strings.HasPrefix(id, "k:") || strings.HasPrefix(id, "p:")
		},
		func(isBranch bool) fyne.CanvasObject {
			if isBranch {
				return widget.NewLabel("")
			}
			return newCamLeaf(ct)
		},
		func(id widget.TreeNodeID, isBranch bool, o fyne.CanvasObject) {
			if isBranch {
				o.(*widget.Label).SetText(ct.branch[id])
				return
			}
			o.(*camLeaf).set(id, ct.cams[id], ct.wall.cameraState(ct.cams[id].ID))
		})
	ct.tree.OpenAllBranches()
	return ct
}

// place is where a camera hangs in the tree: its street or square, without
// house number, kilometre mark or town ("Stationsstraat 12, Borgloon" ->
// "Stationsstraat"; "Tongersesteenweg (N79) km 12.4" -> "Tongersesteenweg (N79)").
func place(c app.Camera) string {
	a := c.Address
	if i := strings.IndexByte(a, ','); i >= 0 {
		a = a[:i]
	}
	words := strings.Fields(a)
	for len(words) > 1 {
		last := words[len(words)-1]
		if !unicode.IsDigit([]rune(last)[0]) && !strings.EqualFold(last, "km") {
			break
		}
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return c.Location()
	}
	return strings.Join(words, " ")
}

func (ct *cameraTree) refresh() { ct.tree.Refresh() }

// show puts the camera on the wall's target tile.
func (ct *cameraTree) show(id string) {
	if cam, ok := ct.cams[id]; ok {
		ct.wall.place(ct.wall.target(), cam)
	}
}

// camLeaf is one camera in the tree: state dot, name, address.
type camLeaf struct {
	widget.BaseWidget
	ct      *cameraTree
	id      string
	dot     *canvas.Text
	name    *widget.Label
	address *canvas.Text
	content fyne.CanvasObject
	dragPos fyne.Position
	drag    bool
}

func newCamLeaf(ct *cameraTree) *camLeaf {
	l := &camLeaf{ct: ct, dot: canvas.NewText("●", look.ColIdle), name: widget.NewLabel(""), address: canvas.NewText("", look.ColMuted)}
	l.address.TextSize = 11
	l.content = container.NewBorder(nil, nil, l.dot, nil, container.NewHBox(l.name, container.NewCenter(l.address)))
	l.ExtendBaseWidget(l)
	return l
}

func (l *camLeaf) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(l.content) }

func (l *camLeaf) set(id string, c app.Camera, st camState) {
	l.id = id
	l.name.SetText(c.Name)
	l.address.Text = c.Address
	l.address.Refresh()
	l.dot.Color = stateColor(st)
	l.dot.Refresh()
}

func (l *camLeaf) Tapped(*fyne.PointEvent) { l.ct.tree.Select(l.id) }

func (l *camLeaf) DoubleTapped(*fyne.PointEvent) { l.ct.show(l.id) }

// Dragged follows a camera dragged towards the wall and lights up the tile
// under the pointer.
func (l *camLeaf) Dragged(e *fyne.DragEvent) {
	l.drag = true
	l.dragPos = e.AbsolutePosition
	t := l.ct.wall.tileAt(e.AbsolutePosition)
	if t != l.ct.dropOver {
		if l.ct.dropOver != nil {
			l.ct.dropOver.setDropTarget(false)
		}
		if t != nil {
			t.setDropTarget(true)
		}
		l.ct.dropOver = t
	}
}

// DragEnd drops the camera on the tile under the pointer, if any.
func (l *camLeaf) DragEnd() {
	if !l.drag {
		return
	}
	l.drag = false
	if l.ct.dropOver != nil {
		l.ct.dropOver.setDropTarget(false)
		l.ct.dropOver = nil
	}
	if cam, ok := l.ct.cams[l.id]; ok {
		l.ct.wall.placeAt(l.dragPos, cam)
	}
}
