package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
)

// screen is one tab of the main window. The registry below is the single
// list of screens: which action the console must allow for the tab to show,
// and how to build it.
type screen struct {
	id    string
	title func() string
	// needs is the action the role must have (app.RoleMay); the UI holds no rule.
	needs app.Action
	build func(m *mainScreen) fyne.CanvasObject
	// active runs when the tab is shown or hidden (live panel refresh).
	active func(m *mainScreen, on bool)
}

func screens() []screen {
	hits := map[string]screen{}
	for _, sc := range hitScreens() {
		hits[sc.id] = sc
	}
	var out []screen
	add := func(sc screen) { out = append(out, sc) }
	hit := func(id string) {
		if sc, ok := hits[id]; ok {
			out = append(out, sc)
		}
	}
	add(screen{id: "wall", title: func() string { return lang.L("tab.wall") }, needs: app.ActLive, build: buildWallTab})
	hit("hits")
	hit("map")
	add(screen{id: "rounds", title: func() string { return lang.L("rounds.tab") }, needs: app.ActRoundRun, build: buildRoundsTab})
	add(screen{id: "watching", title: func() string { return lang.L("tab.watching") }, needs: app.ActLiveReview,
		build: buildWatchTab, active: func(m *mainScreen, on bool) { m.watch.setActive(on) }})
	add(screen{id: "review", title: func() string { return lang.L("tab.review") }, needs: app.ActReview, build: buildReviewTab})
	add(screen{id: "round-reports", title: func() string { return lang.L("rounds.report.tab") }, needs: app.ActReview,
		build: buildRoundReportsTab})
	hit("lists")
	// A screen added to hitScreens later still shows, at the end.
	for _, sc := range hitScreens() {
		if sc.id != "hits" && sc.id != "map" && sc.id != "lists" {
			out = append(out, sc)
		}
	}
	return out
}
