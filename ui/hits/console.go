// Package hits is the hotlist and dispatch work of the console: the hit
// alerts with their crop, match and history (Confirm, Reject, Send); the
// zone map with the patrols; and the list import. Each screen takes the
// small part of app.Console it uses.
package hits

import (
	"context"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// sessionWatch tells whether the session a panel was opened for still holds.
type sessionWatch interface {
	SessionActive(s *app.Session) bool
}

// AlertConsole is what the hit screen asks of app.Console.
type AlertConsole interface {
	sessionWatch
	Hits(s *app.Session) ([]app.Hit, error)
	SubscribeHits(s *app.Session, buffer int) (*app.HitFeed, error)
	Can(s *app.Session, act app.Action) bool
	ConfirmHit(ctx context.Context, s *app.Session, hitID string) error
	RejectHit(ctx context.Context, s *app.Session, hitID string, why app.RejectReason, note string) error
	ProposePatrol(ctx context.Context, s *app.Session, hitID string) (app.Assignment, error)
	Dispatch(ctx context.Context, s *app.Session, hitID string) (app.Assignment, error)
}

// MapConsole is what the zone map asks: the zone, its streets, the patrols
// and the newest hit.
type MapConsole interface {
	sessionWatch
	Zone() app.Zone
	Streets() []app.MapLine
	SubscribeHits(s *app.Session, buffer int) (*app.HitFeed, error)
	SearchHits(s *app.Session, f app.HitFilter) ([]app.Hit, error)
	Patrols(ctx context.Context, s *app.Session) ([]app.Patrol, error)
}

// PatrolConsole is what the patrol list asks.
type PatrolConsole interface {
	sessionWatch
	Patrols(ctx context.Context, s *app.Session) ([]app.Patrol, error)
	PatrolFeedConnected() (bool, int)
	SetPatrolStatus(ctx context.Context, s *app.Session, callSign string, st app.PatrolStatus) error
	Can(s *app.Session, act app.Action) bool
}

// DispatchConsole is the map tab's: the map beside the patrol list.
type DispatchConsole interface {
	MapConsole
	PatrolConsole
}

// ListConsole is what the list import asks.
type ListConsole interface {
	ImportHotlist(ctx context.Context, s *app.Session, list, fileName string, data io.Reader) (app.HotlistImport, error)
	HotlistVersions(ctx context.Context, s *app.Session) ([]app.HotlistVersion, error)
}

// Console is every part above: what *app.Console gives the three tabs.
type Console interface {
	AlertConsole
	DispatchConsole
	ListConsole
}

// unavailable stands in for a tab whose console part is missing.
func unavailable() fyne.CanvasObject {
	return container.NewCenter(widget.NewLabel(lang.L("hits.feed_down")))
}

// AlertsTab is the hits tab: the alerts of the shift, with the alert
// sound. footage, when not nil, opens a hit's recording (the playback tab);
// close ends its goroutines and its subscription.
func AlertsTab(env look.Env, c AlertConsole, footage func(cameraID string, at time.Time)) (content fyne.CanvasObject, close func()) {
	if c == nil {
		return unavailable(), func() {}
	}
	p := newHitsPanelWith(env.Ctx, c, env.Sess, env.W, env.Do, PlayAlert)
	p.footage = footage
	p.refreshButtons()
	return p.content, p.close
}

// MapTab is the map tab: the zone map beside the patrol list.
func MapTab(env look.Env, c DispatchConsole) (content fyne.CanvasObject, close func()) {
	if c == nil {
		return unavailable(), func() {}
	}
	mp := newMapPanelWith(env.Ctx, c, env.Sess, env.Do, 0)
	pp := newPatrolsPanelWith(env.Ctx, c, env.Sess, env.Do, 0)
	split := container.NewHSplit(mp.content, pp.content)
	split.Offset = 0.7
	return split, func() { mp.close(); pp.close() }
}

// ListsTab is the list import tab.
func ListsTab(env look.Env, c ListConsole) (content fyne.CanvasObject, close func()) {
	if c == nil {
		return unavailable(), func() {}
	}
	s := newHotlistScreenWith(c, env.Sess, env.W, env.Do)
	return s.content, s.wait
}
