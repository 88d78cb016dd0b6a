package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

// demoList is the hotlist of the simulated zone: made-up plates, so that a
// new user sees the hit path (alert, confirm, dispatch) without preparing a
// list. It exists only in the simulated zone.
const demoList = "demo"

var demoEntries = []struct{ plate, country, source, measure, priority string }{
	{"1-KTR-482", "BE", "nationale signaleringen (demo)", "gestolen voertuig: onderscheppen, inzittenden identificeren", "1"},
	{"2-HVB-317", "BE", "lokale lijst PZ Borgloon (demo)", "verdachte van woninginbraken: discreet volgen, melden", "2"},
	{"ABX-916", "BE", "verzekeringslijst (demo)", "niet verzekerd: voertuig staande houden", "3"},
	{"GZ-418-TK", "FR", "Schengen (demo)", "persoon te arresteren: versterking vragen", "1"},
}

// runSimDemo imports the demo list (once, as the demo administrator, through
// the same audited import as the list screen) and makes a listed vehicle
// pass an ANPR camera every period, first after a short delay. It returns
// when ctx ends.
func runSimDemo(ctx context.Context, c *app.Console, sz *SimZone, log *slog.Logger, first, every time.Duration) {
	if err := importDemoList(ctx, c, sz); err != nil {
		log.Warn("demo hotlist not imported", "err", err)
	}
	var cams []string
	for _, cam := range c.Zone().Cameras {
		if cam.Kind.ANPR() {
			cams = append(cams, cam.ID)
		}
	}
	if len(cams) == 0 {
		log.Warn("the simulated zone has no ANPR camera: no demo passages")
		return
	}
	if sz.Injector == nil {
		log.Warn("the simulated zone injects no passages: no demo passages")
		return
	}
	wait := first
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = every
		e := demoEntries[i%len(demoEntries)]
		if _, err := sz.Injector.Inject(cams[i%len(cams)], e.plate, e.country); err != nil {
			log.Warn("demo passage not injected", "err", err)
		}
	}
}

func importDemoList(ctx context.Context, c *app.Console, sz *SimZone) error {
	admin := ""
	for _, u := range sz.DemoUsers {
		if u.Role == app.RoleAdmin {
			admin = u.Name
			break
		}
	}
	if admin == "" {
		return errors.New("the simulated zone has no demo administrator")
	}
	s, err := c.Login(ctx, admin, sz.DemoPassword)
	if err != nil {
		return fmt.Errorf("demo administrator: %w", err)
	}
	defer c.Logout(context.WithoutCancel(ctx), s)
	vs, err := c.HotlistVersions(ctx, s)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.List == demoList {
			return nil
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"plate", "country", "source", "measure", "priority", "valid_from", "valid_until", "remarks"})
	for _, e := range demoEntries {
		w.Write([]string{e.plate, e.country, e.source, e.measure, e.priority, "", "", "simulated zone"})
	}
	w.Flush()
	if _, err := c.ImportHotlist(ctx, s, demoList, "demo.csv", strings.NewReader(b.String())); err != nil {
		return errors.Join(errors.New("demo hotlist"), err)
	}
	return nil
}
