package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

func TestPatrolNearestFree(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	markt := [2]float64{50.80231, 5.34393}
	u := func(cs string, st PatrolStatus, lat, lon float64) Patrol {
		return Patrol{CallSign: cs, Status: st, Lat: lat, Lon: lon, LastReport: at}
	}
	tests := []struct {
		name  string
		units []Patrol
		want  string // "" for none
	}{
		{"none", nil, ""},
		{"only busy", []Patrol{u("A", PatrolEnRoute, 50.8023, 5.3439), u("B", PatrolOnScene, 50.80, 5.34), u("C", PatrolUnavailable, 50.80, 5.34)}, ""},
		{"closest free", []Patrol{u("A", PatrolFree, 50.81, 5.35), u("B", PatrolFree, 50.8025, 5.3440), u("C", PatrolFree, 50.79, 5.30)}, "B"},
		{"closer but busy", []Patrol{u("A", PatrolEnRoute, 50.80231, 5.34393), u("B", PatrolFree, 50.81, 5.35)}, "B"},
		{"never reported", []Patrol{{CallSign: "A", Status: PatrolFree}, u("B", PatrolFree, 50.9, 5.5)}, "B"},
		{"tie by call sign", []Patrol{u("Z", PatrolFree, 50.80331, 5.34393), u("Y", PatrolFree, 50.80331, 5.34393)}, "Y"},
		// Longitude degrees are shorter than latitude degrees at 50.8 N:
		// 0.01 deg east (~700 m) is closer than 0.01 deg north (~1110 m).
		{"projection matters", []Patrol{u("N", PatrolFree, 50.81231, 5.34393), u("E", PatrolFree, 50.80231, 5.35393)}, "E"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := NearestFree(tc.units, markt[0], markt[1])
			got := ""
			if ok {
				got = a.Unit.CallSign
			}
			if got != tc.want {
				t.Fatalf("NearestFree(%v) = %q (%.0f m), want %q", tc.units, got, a.Distance, tc.want)
			}
			if ok && (a.ETA <= 0 && a.Distance > 1) {
				t.Errorf("ETA = %s for %.0f m", a.ETA, a.Distance)
			}
		})
	}
	if d := Haversine(50.80231, 5.34393, 50.81231, 5.34393); d < 1105 || d > 1120 {
		t.Errorf("Haversine 0.01 deg north = %.1f m, want ~1112", d)
	}
}

// fakeFeed speaks the simulator's AVL protocol (sim/PATROLFEED.md) on
// loopback, one connection at a time, and records the commands it got.
type fakeFeed struct {
	ln       net.Listener
	mu       sync.Mutex
	cmds     []string
	conn     net.Conn
	accepted int
	pos      string // the POS lines sent after HELLO
	wg       sync.WaitGroup
}

func newFakeFeed(t *testing.T, pos string) *fakeFeed {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeFeed{ln: ln, pos: pos}
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() {
		ln.Close()
		f.dropClient()
		f.wg.Wait()
	})
	return f
}

func (f *fakeFeed) serve() {
	defer f.wg.Done()
	for {
		conn, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conn = conn
		f.accepted++
		pos := f.pos
		f.mu.Unlock()
		fmt.Fprintf(conn, "HELLO zoneconsole-sim 1\n%s", pos)
		sc := bufio.NewScanner(conn)
		for sc.Scan() {
			f.mu.Lock()
			f.cmds = append(f.cmds, sc.Text())
			f.mu.Unlock()
			fl := strings.Fields(sc.Text())
			if len(fl) >= 2 {
				fmt.Fprintf(conn, "OK %s %s\n", strings.ToUpper(fl[0]), fl[1])
			}
		}
		conn.Close()
	}
}

func (f *fakeFeed) dropClient() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conn != nil {
		f.conn.Close()
	}
}

func (f *fakeFeed) say(line string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fmt.Fprintln(f.conn, line)
}

func (f *fakeFeed) state() (int, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.accepted, append([]string(nil), f.cmds...)
}

func patrolByName(c *Console, cs string) (Patrol, bool) {
	for _, p := range unitsOf(c) {
		if p.CallSign == cs {
			return p, true
		}
	}
	return Patrol{}, false
}

func TestPatrolFeedReconnectAndArrival(t *testing.T) {
	c := openTestConsoleTB(t)
	ms := time.Now().UnixMilli()
	feed := newFakeFeed(t, fmt.Sprintf("POS BORG_91 50.800000 5.340000 %d\nPOS BORG_92 50.900000 5.500000 %d\n", ms, ms))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		c.CloseDispatch()
	})
	// First on the simulated zone's feed (as Console.Open starts it), then
	// moved to the test's feed: the old client stops, its units go.
	if err := c.StartPatrols(ctx, PatrolConfig{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the simulator's units", 5*time.Second, func() bool { return len(unitsOf(c)) >= 4 })
	if err := c.StartPatrols(ctx, PatrolConfig{Addr: feed.ln.Addr().String(), MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two units", 5*time.Second, func() bool { return len(unitsOf(c)) == 2 })
	if p, _ := patrolByName(c, "BORG 91"); p.Status != PatrolFree || p.Lat != 50.8 || p.LastReport.UnixMilli() != ms {
		t.Fatalf("BORG 91 = %+v", p)
	}

	// The feed drops the connection: the client comes back by itself.
	feed.dropClient()
	waitFor(t, "reconnect", 5*time.Second, func() bool { n, _ := feed.state(); _, k := c.PatrolFeedConnected(); return n >= 2 && k >= 2 })
	waitFor(t, "connected", 5*time.Second, func() bool { ok, _ := c.PatrolFeedConnected(); return ok })

	// A dispatch to a camera goes out as GOTO; the unit is en route until it
	// reports a position near the target.
	cam, _ := c.zone.Camera("cam01")
	s := loginTB(t, c, "dispatcher")
	a, err := c.DispatchToCamera(context.Background(), s, cam.ID, "persons fighting")
	if err != nil {
		t.Fatalf("DispatchToCamera: %v", err)
	}
	if a.Unit.CallSign != "BORG 91" || a.Unit.Status != PatrolEnRoute {
		t.Fatalf("dispatched %+v, want BORG 91 en route", a.Unit)
	}
	_, cmds := feed.state()
	want := fmt.Sprintf("GOTO BORG_91 %.6f %.6f", cam.Lat, cam.Lon)
	if len(cmds) != 1 || cmds[0] != want {
		t.Fatalf("feed got %q, want %q", cmds, want)
	}
	feed.say(fmt.Sprintf("POS BORG_91 %.6f %.6f %d", cam.Lat+0.0001, cam.Lon, time.Now().UnixMilli()))
	waitFor(t, "on scene", 5*time.Second, func() bool { p, _ := patrolByName(c, "BORG 91"); return p.Status == PatrolOnScene })

	// The other unit is the nearest free one now.
	if _, err := c.DispatchToCamera(context.Background(), s, cam.ID, "again"); err != nil {
		t.Fatalf("second dispatch: %v", err)
	}
	if p, _ := patrolByName(c, "BORG 92"); p.Status != PatrolEnRoute {
		t.Fatalf("BORG 92 = %+v", p)
	}
	if _, err := c.DispatchToCamera(context.Background(), s, cam.ID, "third"); !errors.Is(err, ErrNoFreePatrol) {
		t.Fatalf("third dispatch = %v, want ErrNoFreePatrol", err)
	}
	if err := c.SetPatrolStatus(context.Background(), s, "BORG 91", PatrolFree); err != nil {
		t.Fatal(err)
	}
	_, cmds = feed.state()
	if cmds[len(cmds)-1] != "RESUME BORG_91" {
		t.Errorf("last command %q, want RESUME BORG_91", cmds[len(cmds)-1])
	}
	if err := c.SetPatrolStatus(context.Background(), s, "BORG 77", PatrolFree); !errors.Is(err, ErrUnknownPatrol) {
		t.Errorf("unknown unit: %v", err)
	}
	de := auditOf(t, c, audit.ActDispatch)
	if len(de) != 3 || de[0].Subject != "camera:cam01" || !strings.Contains(de[0].Detail, `"unit":"BORG 91"`) ||
		de[2].Subject != "patrol:BORG 91" || !strings.Contains(de[2].Detail, `->free"`) {
		t.Errorf("dispatch entries: %+v", de)
	}

	// With the feed gone, a dispatch fails and the unit stays free.
	feed.ln.Close()
	feed.dropClient()
	waitFor(t, "disconnected", 5*time.Second, func() bool { ok, _ := c.PatrolFeedConnected(); return !ok })
	if _, err := c.DispatchToCamera(context.Background(), s, cam.ID, "feed down"); !errors.Is(err, ErrFeedDown) {
		t.Fatalf("dispatch with the feed down = %v, want ErrFeedDown", err)
	}
	if p, _ := patrolByName(c, "BORG 91"); p.Status != PatrolFree {
		t.Errorf("BORG 91 after a failed dispatch: %s", p.Status)
	}
}

func TestPatrolGuardNeedsTeamChief(t *testing.T) {
	c := openTestConsoleTB(t)
	ms := time.Now().UnixMilli()
	feed := newFakeFeed(t, fmt.Sprintf("POS BORG_91 50.800000 5.340000 %d\n", ms))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		c.CloseDispatch()
	})
	if err := c.StartPatrols(ctx, PatrolConfig{Addr: feed.ln.Addr().String()}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "unit", 5*time.Second, func() bool { return len(unitsOf(c)) == 1 })
	g := loginTB(t, c, "bewaker")
	var de *DeniedError
	if _, err := c.DispatchToCamera(context.Background(), g, "cam01", "x"); !errors.As(err, &de) || de.Decision.Code != CodeGuardWithoutSupervisor {
		t.Fatalf("guard without team chief: %v", err)
	}
	if _, cmds := feed.state(); len(cmds) != 0 {
		t.Fatalf("a refused dispatch reached the feed: %q", cmds)
	}
}

// A console restarted in the middle of a shift remembers which units it
// sent and which the dispatcher took off duty (issue 17 item 4): the feed
// brings their positions back, the console their statuses.
func TestPatrolStatusSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func() (*Console, *Session) {
		c, err := openSim(ctx, t, Config{DataDir: dir, Console: "pos-1", Logger: testLog()}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.StartPatrols(ctx, PatrolConfig{}); err != nil {
			t.Fatal(err)
		}
		s := login(t, c, "dispatcher")
		waitFor(t, "units reported", 30*time.Second, func() bool {
			ps, _ := c.Patrols(ctx, s)
			return len(ps) >= 3 && !ps[0].LastReport.IsZero()
		})
		return c, s
	}
	c, s := open()
	a, err := c.DispatchToCamera(ctx, s, "cam01", "ronde")
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := c.Patrols(ctx, s)
	var off string
	for _, p := range ps {
		if p.Status == PatrolFree {
			off = p.CallSign
			break
		}
	}
	if err := c.SetPatrolStatus(ctx, s, off, PatrolUnavailable); err != nil {
		t.Fatal(err)
	}
	c.Logout(ctx, s)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	c2, s2 := open()
	got := map[string]PatrolStatus{}
	ps, _ = c2.Patrols(ctx, s2)
	for _, p := range ps {
		got[p.CallSign] = p.Status
	}
	if got[a.Unit.CallSign] == PatrolFree || got[off] != PatrolUnavailable {
		t.Fatalf("after a restart: %s is %s (sent before), %s is %s (taken off duty before)",
			a.Unit.CallSign, got[a.Unit.CallSign], off, got[off])
	}
}
