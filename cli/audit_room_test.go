package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/roomdb/pgtest"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/zone"
)

// TestAuditVerifyAgainstTheRoom: a console of a room writes its audit
// checkpoints to the room's chain; `audit verify --room` checks the
// console's own store against them, and `db verify` the room's chain.
func TestAuditVerifyAgainstTheRoom(t *testing.T) {
	srv := pgtest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := roomdb.Migrate(ctx, srv.DSN); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c, z := openSimConsole(t, ctx, dir, func(z *app.Zone) { z.Database, z.Room = srv.As(roomdb.ConsoleRole), "dispatch-cli" })
	for range 3 {
		s, err := c.Login(ctx, "dispatcher", simzone.DemoPassword)
		if err != nil {
			t.Fatal(err)
		}
		c.Logout(ctx, s)
	}
	if err := c.Close(); err != nil { // the final checkpoint goes to the room
		t.Fatal(err)
	}

	zpath := filepath.Join(t.TempDir(), "zone.toml")
	if err := zone.SaveZone(zpath, z); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, dir, Wiring{}, "audit", "verify", "--room", "--zone", zpath, "--console", "pos-1")
	if code != 0 || !strings.Contains(out, "intact") || !strings.Contains(out, "room dispatch-cli: ") || strings.Contains(out, ": 0 checkpoints") {
		t.Fatalf("audit verify --room = %d:\nout=%q\nerr=%q", code, out, errs)
	}
	// Another console's name has no checkpoints of this store to vouch.
	if code, out, _ := runCmd(t, dir, Wiring{}, "audit", "verify", "--room", "--zone", zpath, "--console", "pos-9"); code != 0 || !strings.Contains(out, ": 0 checkpoints") {
		t.Fatalf("audit verify --room --console pos-9 = %d:\n%s", code, out)
	}
	if code, _, _ := runCmd(t, dir, Wiring{}, "audit", "verify", "--room"); code != 2 {
		t.Fatalf("audit verify --room without --zone = %d, want 2", code)
	}
	// The room's own chain, end to end.
	code, out, errs = runCmd(t, dir, Wiring{}, "db", "verify", "--zone", zpath)
	if code != 0 || !strings.Contains(out, "intact: the room's chain") || strings.Contains(out, "\n0 entries") {
		t.Fatalf("db verify = %d:\n%s%s", code, out, errs)
	}
}
