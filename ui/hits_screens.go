package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// hitScreens are the tabs of the hotlist and dispatch work, for the
// registry in screens.go: hits (who may handle them), the zone map with the
// patrols (who may dispatch), and the list import (administrators).
func hitScreens() []screen {
	return []screen{
		{id: "hits", title: func() string { return lang.L("hits.tab.hits") }, needs: app.ActHitHandle, build: buildHitsTab},
		{id: "map", title: func() string { return lang.L("hits.tab.map") }, needs: app.ActDispatch, build: buildMapTab},
		{id: "lists", title: func() string { return lang.L("hits.tab.lists") }, needs: app.ActLists, build: buildListsTab},
	}
}

// realConsole is the *app.Console behind the shell; the hit screens need
// more of it than the shell's small interface.
func realConsole(m *mainScreen) (*app.Console, bool) {
	c, ok := m.s.c.(*app.Console)
	return c, ok
}

func unavailable() fyne.CanvasObject {
	return container.NewCenter(widget.NewLabel(lang.L("hits.feed_down")))
}

func buildHitsTab(m *mainScreen) fyne.CanvasObject {
	c, ok := realConsole(m)
	if !ok {
		return unavailable()
	}
	p := newHitsPanelWith(m.s.ctx, c, m.s.sess, m.s.w, m.s.do, playAlert)
	m.closers = append(m.closers, p.close)
	return p.content
}

func buildMapTab(m *mainScreen) fyne.CanvasObject {
	c, ok := realConsole(m)
	if !ok {
		return unavailable()
	}
	mp := newMapPanelWith(m.s.ctx, c, m.s.sess, m.s.do, 0)
	pp := newPatrolsPanelWith(m.s.ctx, c, m.s.sess, m.s.do, 0)
	m.closers = append(m.closers, mp.close, pp.close)
	split := container.NewHSplit(mp.content, pp.content)
	split.Offset = 0.7
	return split
}

func buildListsTab(m *mainScreen) fyne.CanvasObject {
	c, ok := realConsole(m)
	if !ok {
		return unavailable()
	}
	s := newHotlistScreenWith(c, m.s.sess, m.s.w, m.s.do)
	m.closers = append(m.closers, s.wait)
	return s.content
}
