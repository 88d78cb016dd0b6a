package app

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/hotlist"
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

// startSimDemo imports the demo list (once) and makes a listed vehicle pass
// an ANPR camera every period, first after a short delay.
func (c *Console) startSimDemo(ctx context.Context, first, every time.Duration) error {
	hot, _, err := c.stores(ctx)
	if err != nil {
		return err
	}
	if vs, err := hot.Versions(ctx, demoList); err != nil || len(vs) == 0 {
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Write([]string{"plate", "country", "source", "measure", "priority", "valid_from", "valid_until", "remarks"})
		for _, e := range demoEntries {
			w.Write([]string{e.plate, e.country, e.source, e.measure, e.priority, "", "", "simulated zone"})
		}
		w.Flush()
		res, err := hot.Import(ctx, hotlist.ImportRequest{List: demoList, User: "simulator", FileName: "demo.csv",
			Format: hotlist.FormatCSV, Data: strings.NewReader(b.String())})
		if err != nil {
			return fmt.Errorf("demo hotlist: %w", err)
		}
		if _, err := c.audit.Append(ctx, audit.Entry{User: "simulator", Role: string(RoleAdmin), Console: c.cfg.Console,
			Action: audit.ActListChange, Subject: "list:" + demoList, Outcome: audit.OutcomeAllowed,
			Detail: fmt.Sprintf("version=%d entries=%d sha256=%s simulated zone demo list", res.Version.Version, res.Entries, res.SHA256)}); err != nil {
			return fmt.Errorf("demo hotlist: audit: %w", err)
		}
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		wait := first
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = every
			if _, err := c.demoPass(i); err != nil {
				c.log.Warn("demo passage not injected", "err", err)
			}
		}
	}()
	return nil
}

// demoPass puts the i-th listed plate on the next vehicle passing one of the
// ANPR cameras and says when it will be best visible.
func (c *Console) demoPass(i int) (time.Time, error) {
	var cams []string
	for _, cam := range c.zone.Cameras {
		if cam.Kind.ANPR() {
			cams = append(cams, cam.ID)
		}
	}
	if len(cams) == 0 {
		return time.Time{}, errors.New("the zone has no ANPR camera")
	}
	e := demoEntries[i%len(demoEntries)]
	return c.SimulatePassage(cams[i%len(cams)], e.plate, e.country)
}
