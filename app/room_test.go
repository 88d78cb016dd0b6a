package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/roomdb/pgtest"
)

// roomPlate is the listed plate both consoles of the room test raise.
const roomPlate = "1ABC123"

// Environment of the room test's child console process.
const (
	roomChildDSN  = "ZONECONSOLE_TEST_ROOM_DSN"
	roomChildName = "dispatch-test"
)

// startRoom starts a PostgreSQL server for the test, migrates it, and
// gives the DSN the consoles log in with.
func startRoom(t *testing.T) (*pgtest.Server, string) {
	t.Helper()
	srv := pgtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := roomdb.Migrate(ctx, srv.DSN); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return srv, srv.As(roomdb.ConsoleRole)
}

// openRoomConsole opens a console on a simulated zone that stands in the
// room dsn names, as console name.
func openRoomConsole(ctx context.Context, tb testing.TB, dsn, name string) *Console {
	tb.Helper()
	c, err := openSim(ctx, tb, Config{DataDir: tb.TempDir(), Console: name, Logger: testLog()}, 2, func(z *Zone) {
		z.Database, z.Room = dsn, roomChildName
	})
	if err != nil {
		tb.Fatalf("Open %s: %v", name, err)
	}
	return c
}

// roomPair opens two consoles, named a and b, on a fresh room's server and
// waits until both are online.
func roomPair(t *testing.T, a, b string) (context.Context, *Console, *Console) {
	t.Helper()
	_, dsn := startRoom(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ca, cb := openRoomConsole(ctx, t, dsn, a), openRoomConsole(ctx, t, dsn, b)
	waitRoomOnline(t, ca)
	waitRoomOnline(t, cb)
	return ctx, ca, cb
}

func waitRoomOnline(tb testing.TB, c *Console) {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); !c.RoomStatus().Online; {
		if time.Now().After(deadline) {
			tb.Fatalf("console %s: room still offline after 30 s", c.cfg.Console)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Two console processes on one room database: the team chief's console
// sees the views opened at the other ("who watches what" within a second),
// the guard at the other console is supervised by the team chief here and
// loses the camera when he logs out, a hit confirmed here is confirmed
// there, and both consoles' entries are in the room's one chain, which
// verifies.
func TestRoomOfTwoConsoleProcesses(t *testing.T) {
	srv, dsn := startRoom(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	chiefDesk := openRoomConsole(ctx, t, dsn, "chief-desk")
	waitRoomOnline(t, chiefDesk)
	chief := login(t, chiefDesk, "teamchef")

	cmd := exec.Command(os.Args[0], "-test.run=^TestRoomChildConsole$", "-test.v")
	cmd.Env = append(os.Environ(), roomChildDSN+"="+dsn)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("child console: %v", err)
		}
	}()
	lines := childLines(stdout)
	expect := func(want string, within time.Duration) time.Time {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok || l != want {
				t.Fatalf("child console said %q (open %v), want %q", l, ok, want)
			}
			return time.Now()
		case <-time.After(within):
			t.Fatalf("child console did not say %q within %v", want, within)
		}
		return time.Time{}
	}

	ready := expect("views open", 2*time.Minute)
	var seen time.Duration
	for {
		ws, err := chiefDesk.Watching(ctx, chief)
		if err != nil {
			t.Fatalf("Watching: %v", err)
		}
		var cams []string
		for _, w := range ws {
			if w.Console == "pos-1" {
				cams = append(cams, w.User+"@"+w.Camera.ID+":"+string(w.Role)+":"+w.Reason.Text)
			}
		}
		if strings.Join(cams, " ") == "dispatcher@cam01:dispatcher:fietsenstalling bewaker@cam02:security_guard:" {
			seen = time.Since(ready)
			break
		}
		if time.Since(ready) > time.Second {
			t.Fatalf("after a second the team chief's panel shows %v of console pos-1", cams)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("the other console's views were on the team chief's panel %v after it opened them", seen)

	// The guard's ground is the team chief at this console.
	if err := chiefDesk.Logout(ctx, chief); err != nil {
		t.Fatal(err)
	}
	expect("guard ended: "+CodeGuardWithoutSupervisor, 10*time.Second)

	// One vehicle on the list, raised by both consoles (each reads its
	// own frames): confirmed here, it is confirmed there.
	const cam = "cam01" // any camera: the hit is raised as the reader would
	importCSV(t, chiefDesk, "national", roomPlate+",BE,national wanted notices,intercept: stolen vehicle,1,,,test\n")
	mine := fakeHit(t, chiefDesk, cam, roomPlate)
	fmt.Fprintln(stdin, "raise")
	expect("raised", time.Minute)
	d := login(t, chiefDesk, "dispatcher")
	if err := chiefDesk.ConfirmHit(ctx, d, mine.ID); err != nil {
		t.Fatalf("ConfirmHit: %v", err)
	}
	confirmed := time.Now()
	expect("hit confirmed by dispatcher at chief-desk", 5*time.Second)
	t.Logf("the hit confirmed here was confirmed at the other console %v later", time.Since(confirmed).Round(time.Millisecond))
	fmt.Fprintln(stdin, "quit")
	expect("closed", time.Minute)

	// One chain for the room, with both consoles' entries.
	r, err := roomdb.Open(ctx, roomdb.Config{DSN: srv.DSN, Room: roomChildName, Console: "verifier"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := r.Audit().Verify(ctx)
	if err != nil {
		t.Fatalf("room chain: %v", err)
	}
	consoles := map[string]bool{}
	for _, e := range reviewAll(t, r) {
		consoles[e.Console] = true
	}
	if !consoles["chief-desk"] || !consoles["pos-1"] {
		t.Fatalf("room chain of %d entries holds consoles %v, want chief-desk and pos-1", rep.Entries, consoles)
	}
}

// reviewAll is every entry of the room's chain, through the review query.
func reviewAll(t *testing.T, r *roomdb.Room) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for _, u := range []string{"teamchef", "dispatcher", "bewaker"} {
		es, err := r.Audit().Review(context.Background(), roomdb.ReviewQuery{User: u, From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour), Limit: 1000})
		if err != nil {
			t.Fatalf("Review %s: %v", u, err)
		}
		out = append(out, es...)
	}
	return out
}

// childLines passes on the child's lines meant for the parent.
func childLines(r io.Reader) <-chan string {
	out := make(chan string, 16)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if l, ok := strings.CutPrefix(sc.Text(), "ROOM: "); ok {
				out <- l
			}
		}
	}()
	return out
}

// TestRoomChildConsole is the second console of TestRoomOfTwoConsoleProcesses:
// a dispatcher and a guard watch a camera each, and the guard's view ends
// when the team chief at the other console logs out.
func TestRoomChildConsole(t *testing.T) {
	dsn := os.Getenv(roomChildDSN)
	if dsn == "" {
		t.Skip("run by TestRoomOfTwoConsoleProcesses")
	}
	ctx := context.Background()
	c := openRoomConsole(ctx, t, dsn, "pos-1")
	waitRoomOnline(t, c)
	say := func(s string) { fmt.Println("ROOM: " + s) }

	d := login(t, c, "dispatcher")
	if _, err := c.OpenLive(ctx, d, "cam01", StreamSub, Reason{Kind: d.Shift.Kind, Text: "fietsenstalling"}); err != nil {
		t.Fatalf("dispatcher: %v", err)
	}
	// No team chief is logged in at this console: only the one at the
	// other console lets the guard watch.
	g := login(t, c, "bewaker")
	gv, err := c.OpenLive(ctx, g, "cam02", StreamSub, g.Shift)
	if err != nil {
		t.Fatalf("guard supervised from the other console: %v", err)
	}
	say("views open")
	select {
	case <-gv.Done():
		say("guard ended: " + gv.EndCode())
	case <-time.After(time.Minute):
		t.Fatal("the guard's view stayed open")
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() && sc.Text() != "quit" {
		if sc.Text() != "raise" {
			continue
		}
		importCSV(t, c, "national", roomPlate+",BE,national wanted notices,intercept: stolen vehicle,1,,,test\n")
		h := fakeHit(t, c, "cam01", roomPlate)
		say("raised")
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			got, _ := c.Hit(d, h.ID)
			if got.Status != HitNew {
				last := got.History[len(got.History)-1]
				say(fmt.Sprintf("hit %s by %s at %s", got.Status, last.User, strings.TrimPrefix(last.Detail, "console=")))
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the hit is still new here 30 s after it was confirmed at the other console")
			}
		}
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	say("closed")
}

// The room's server stops in the middle of a shift: the console goes on
// (a camera opens, its entries wait on the console's disk), says it is
// offline, and when the server is back every entry is in the room's chain,
// in order, and the chain verifies.
func TestRoomServerStopsMidShift(t *testing.T) {
	srv, dsn := startRoom(t)
	ctx := context.Background()
	c := openRoomConsole(ctx, t, dsn, "pos-1")
	waitRoomOnline(t, c)
	d := login(t, c, "dispatcher")
	if _, err := c.OpenLive(ctx, d, "cam01", StreamSub, d.Shift); err != nil {
		t.Fatal(err)
	}

	srv.Stop(t)
	for deadline := time.Now().Add(30 * time.Second); c.RoomStatus().Online; {
		if time.Now().After(deadline) {
			t.Fatal("the console still says the room is online 30 s after its server stopped")
		}
		time.Sleep(10 * time.Millisecond)
	}
	v, err := c.OpenLive(ctx, d, "cam02", StreamSub, Reason{Kind: d.Shift.Kind, Text: "tijdens de storing"})
	if err != nil {
		t.Fatalf("a camera opened while the room is offline: %v", err)
	}
	if st := c.RoomStatus(); st.Online || st.Queued == 0 || !st.Shared {
		t.Fatalf("RoomStatus while offline = %+v, want offline with queued entries", st)
	}
	v.Close()
	// A hit raised and confirmed during the outage is decided here at once
	// and reaches the room when it is back.
	importCSV(t, c, "national", roomPlate+",BE,national wanted notices,intercept: stolen vehicle,1,,,test\n")
	h := fakeHit(t, c, "cam01", roomPlate)
	if err := c.ConfirmHit(ctx, d, h.ID); err != nil {
		t.Fatalf("ConfirmHit while the room is offline: %v", err)
	}
	outage := time.Now()

	srv.Restart(t)
	waitRoomOnline(t, c)
	r, err := roomdb.Open(ctx, roomdb.Config{DSN: srv.DSN, Room: roomChildName, Console: "verifier"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Audit().Verify(ctx); err != nil {
		t.Fatalf("room chain after the outage: %v", err)
	}
	var seq []string
	for _, e := range reviewAll(t, r) {
		if e.Action == audit.ActLiveStart || e.Action == audit.ActLiveStop {
			seq = append(seq, string(e.Action)+" "+e.Subject)
		}
	}
	waitFor(t, "the outage's hit decision in the room", 30*time.Second, func() bool {
		hs, err := r.DecidedSince(ctx, outage.Add(-time.Minute))
		return err == nil && len(hs) == 1 && hs[0].Listed == roomPlate && hs[0].Status == roomdb.HitConfirmed &&
			hs[0].DecidedBy == "dispatcher" && hs[0].DecidedConsole == "pos-1"
	})
	// Review pages are newest first.
	want := "live.stop camera:cam02 live.start camera:cam02 live.start camera:cam01"
	if got := strings.Join(seq, " "); got != want {
		t.Fatalf("room chain's live entries of the shift (newest first) = %q, want %q", got, want)
	}
}
