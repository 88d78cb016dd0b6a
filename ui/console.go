package ui

import (
	"context"

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

// Sessions is what the shell itself asks of app.Console: the zone, the
// door in and out, whether the session may do something now, and the
// recordings' alarm for the status line. Declared here, by the consumer,
// so a test can stand in a fake for one method.
type Sessions interface {
	Zone() app.Zone
	Login(ctx context.Context, name, password string) (*app.Session, error)
	Logout(ctx context.Context, s *app.Session) error
	Can(s *app.Session, act app.Action) bool
	RecordingAlarm(s *app.Session) app.RecordAlarm
	Suffices(s *app.Session, cameraID string, why app.Reason) bool
}

// Deps are the parts of the console the shell and its screens use, each a
// small interface declared by the screen that consumes it. *app.Console
// satisfies every one (DepsOf); tests put fakes in one field and the real
// console in the others. A screen's constructor gets its field only.
type Deps struct {
	Sessions     Sessions
	Live         wall.Opener
	Hits         hits.Console
	Rounds       rounds.Runner
	RoundEditor  rounds.Editor
	RoundReports rounds.Reporter
	Review       review.Auditor
	Watching     review.Watcher
	Holds        holds.Console
	Grants       grants.Console
	Accounts     accounts.Console
	Search       search.Console
	Playback     playback.Console
	Idle         Idle         // nil: no idle lock (tests of one screen)
	Steer        wall.Steerer // nil: no PTZ from the wall
	Room         Room         // nil: no room line
}

// DepsOf is every part from the one console.
func DepsOf(c *app.Console) Deps {
	return Deps{Sessions: c, Live: wall.OpenerOf(c), Hits: c, Rounds: c, RoundEditor: c, RoundReports: c, Review: c, Watching: c, Holds: c, Grants: c, Accounts: c, Search: c, Playback: c, Idle: c, Steer: c, Room: c}
}
