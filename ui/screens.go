package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/accounts"
	"github.com/politiezone/zoneconsole/ui/grants"
	"github.com/politiezone/zoneconsole/ui/hits"
	"github.com/politiezone/zoneconsole/ui/holds"
	"github.com/politiezone/zoneconsole/ui/playback"
	"github.com/politiezone/zoneconsole/ui/review"
	"github.com/politiezone/zoneconsole/ui/rounds"
	"github.com/politiezone/zoneconsole/ui/search"
	"github.com/politiezone/zoneconsole/ui/wall"
)

// screen is one tab of the main window. The registry below is the single
// list of screens: which action the console must allow for the tab to show,
// and how to build it from the part of the console it uses.
type screen struct {
	id    string
	title func() string
	// needs is the action the role must have (app.RoleMay); the UI holds no rule.
	needs app.Action
	build func(m *mainScreen) tab
}

// tab is a built screen: its body and the hooks the main screen calls.
type tab struct {
	content fyne.CanvasObject
	start   func()        // once the main screen is in the window
	active  func(on bool) // when the tab is shown or hidden
	stop    func()        // at logout: close views, end goroutines
}

func screens() []screen {
	return []screen{
		{id: "wall", title: func() string { return lang.L("tab.wall") }, needs: app.ActLive, build: buildWall},
		{id: "hits", title: func() string { return lang.L("hits.tab.hits") }, needs: app.ActHitHandle, build: func(m *mainScreen) tab {
			c, stop := hits.AlertsTab(m.env(), m.s.deps.Hits, m.openFootage)
			return tab{content: c, stop: stop}
		}},
		{id: "map", title: func() string { return lang.L("hits.tab.map") }, needs: app.ActDispatch, build: func(m *mainScreen) tab {
			c, stop := hits.MapTab(m.env(), m.s.deps.Hits)
			return tab{content: c, stop: stop}
		}},
		{id: "rounds", title: func() string { return lang.L("rounds.tab") }, needs: app.ActRoundRun, build: func(m *mainScreen) tab {
			if m.s.deps.Rounds == nil {
				return tab{content: rounds.Unavailable()}
			}
			return tab{content: rounds.New(m.env(), m.s.deps.Rounds, m.s.deps.RoundEditor)}
		}},
		{id: "watching", title: func() string { return lang.L("tab.watching") }, needs: app.ActLiveReview, build: func(m *mainScreen) tab {
			p := review.NewWatch(m.env(), m.s.deps.Watching)
			return tab{content: p.Content(), active: p.SetActive, stop: func() { p.SetActive(false) }}
		}},
		{id: "grants", title: func() string { return lang.L("grants.tab") }, needs: app.ActGrant, build: func(m *mainScreen) tab {
			if m.s.deps.Grants == nil {
				return tab{content: rounds.Unavailable()}
			}
			return tab{content: grants.Tab(m.env(), m.s.deps.Grants)}
		}},
		{id: "review", title: func() string { return lang.L("tab.review") }, needs: app.ActReview, build: func(m *mainScreen) tab {
			return tab{content: review.New(m.env(), m.s.deps.Review)}
		}},
		{id: "round-reports", title: func() string { return lang.L("rounds.report.tab") }, needs: app.ActReview, build: func(m *mainScreen) tab {
			if m.s.deps.RoundReports == nil {
				return tab{content: rounds.Unavailable()}
			}
			return tab{content: rounds.NewReports(m.env(), m.s.deps.RoundReports)}
		}},
		{id: "playback", title: playback.Title, needs: app.ActPlayback, build: func(m *mainScreen) tab {
			if m.s.deps.Playback == nil {
				return tab{content: rounds.Unavailable()}
			}
			p := playback.New(m.env(), m.s.deps.Playback)
			m.playback = p
			return tab{content: p.Content(), active: p.SetActive, stop: p.Stop}
		}},
		{id: "search", title: search.Title, needs: app.ActANPRSearch, build: func(m *mainScreen) tab {
			if m.s.deps.Search == nil {
				return tab{content: rounds.Unavailable()}
			}
			return tab{content: search.Tab(m.env(), m.s.deps.Search, m.openFootage)}
		}},
		{id: "holds", title: func() string { return lang.L("holds.tab") }, needs: app.ActHold, build: func(m *mainScreen) tab {
			if m.s.deps.Holds == nil {
				return tab{content: rounds.Unavailable()}
			}
			return tab{content: holds.Tab(m.env(), m.s.deps.Holds)}
		}},
		{id: "lists", title: func() string { return lang.L("hits.tab.lists") }, needs: app.ActLists, build: func(m *mainScreen) tab {
			c, stop := hits.ListsTab(m.env(), m.s.deps.Hits)
			return tab{content: c, stop: stop}
		}},
		{id: "accounts", title: func() string { return lang.L("accounts.tab") }, needs: app.ActSettings, build: func(m *mainScreen) tab {
			if m.s.deps.Accounts == nil {
				return tab{content: rounds.Unavailable()}
			}
			return tab{content: accounts.Tab(m.env(), m.s.deps.Accounts)}
		}},
	}
}

// buildWall is the wall tab. On the simulated zone it fills the wall once
// the justification is confirmed, so there is video at once (a 2x2 of the
// first four cameras unless Options.WallCameras says otherwise); a real
// zone opens empty.
func buildWall(m *mainScreen) tab {
	w := wall.New(m.env(), m.s.deps.Sessions, m.s.deps.Live)
	m.wall = w
	if m.s.deps.Steer != nil {
		w.SetSteerer(m.s.deps.Steer)
	}
	fill := 0
	if m.s.deps.Sessions.Zone().Simulated {
		if fill = m.s.wallCameras; fill <= 0 {
			fill = 4
		}
	}
	return tab{content: w.Content(), start: func() { w.Start(fill) }, stop: w.Stop}
}
