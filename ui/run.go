package ui

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/assets"
	"github.com/politiezone/zoneconsole/ui/look"
)

// AppID is the application id of FyneApp.toml; Fyne keys preferences by it.
const AppID = "be.politie.zoneconsole"

// Options tune Run.
type Options struct {
	// Language is "nl", "fr" or "en"; empty picks the system's language when
	// it is French or English, else Dutch.
	Language string
	Logger   *slog.Logger
	// WallCameras is how many cameras the wall of the simulated zone shows at
	// once after login (0: a 2x2 of the first four). Real zones open empty.
	WallCameras int
	// Demo lists the accounts of the simulated zone and their password for
	// the login screen's hint (main fills it only for the simulated zone).
	Demo *Demo
	// onReady, for the window test in this package, runs on the UI thread
	// once the window is shown.
	onReady func(*shell)
}

// Demo is what the login screen of the simulated zone tells a new user.
type Demo struct {
	Users    []app.User
	Password string
}

// Run opens the console window and blocks until it is closed or ctx ends.
// Every view still open is closed (and so audited as stopped) and the
// session logged out before Run returns.
func Run(ctx context.Context, c *app.Console, opts Options) error {
	if c == nil {
		return fmt.Errorf("ui: no console")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := look.SetLanguage(look.PickLanguage(opts.Language)); err != nil {
		return err
	}
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(assets.Icon())
	a.Settings().SetTheme(look.NewTheme())
	w := a.NewWindow(lang.L("app.title"))
	w.Resize(fyne.NewSize(1600, 900))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newShell(ctx, DepsOf(c), w, opts.Logger, fyne.Do)
	s.wallCameras = opts.WallCameras
	s.demo = opts.Demo
	s.showLogin()
	w.SetOnClosed(s.shutdown)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		// The window may already be gone; Quit is then a no-op.
		fyne.Do(a.Quit)
	}()
	if opts.onReady != nil {
		a.Lifecycle().SetOnStarted(func() { opts.onReady(s) })
	}
	w.ShowAndRun()
	s.shutdown()
	cancel()
	wg.Wait()
	s.wait()
	return nil
}
