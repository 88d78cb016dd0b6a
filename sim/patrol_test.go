package sim

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPatrolFeed(t *testing.T) {
	t.Parallel() // mostly waiting for the scene clock
	z := startZone(t, Config{Cameras: 1, Seed: 3, PatrolReport: 100 * time.Millisecond, PatrolSpeedup: 40})
	conn, err := net.DialTimeout("tcp", z.PatrolFeedAddr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(40 * time.Second))
	sc := bufio.NewScanner(conn)
	next := func() []string {
		t.Helper()
		if !sc.Scan() {
			t.Fatalf("feed ended: %v", sc.Err())
		}
		return strings.Fields(sc.Text())
	}
	if f := next(); len(f) < 2 || f[0] != "HELLO" {
		t.Fatalf("first line %q, want HELLO", f)
	}
	first := map[string][2]float64{}
	for len(first) < 4 {
		f := next()
		if f[0] != "POS" || len(f) != 5 {
			t.Fatalf("line %q, want POS <callsign> <lat> <lon> <unix-ms>", f)
		}
		lat, _ := strconv.ParseFloat(f[2], 64)
		lon, _ := strconv.ParseFloat(f[3], 64)
		ms, _ := strconv.ParseInt(f[4], 10, 64)
		if lat < 50.7 || lat > 50.9 || lon < 5.2 || lon > 5.5 {
			t.Errorf("%s at %v,%v: not near Borgloon", f[1], lat, lon)
		}
		if d := time.Since(time.UnixMilli(ms)); d < -time.Second || d > 5*time.Second {
			t.Errorf("%s: time %v off by %v", f[1], time.UnixMilli(ms), d)
		}
		first[f[1]] = [2]float64{lat, lon}
	}
	if _, ok := first["BORG_11"]; !ok {
		t.Fatalf("no BORG_11 among %v", first)
	}
	// Units move.
	moved := false
	for i := 0; i < 40 && !moved; i++ {
		f := next()
		if f[0] == "POS" && f[1] == "BORG_11" && (f[2] != fmt.Sprintf("%.6f", first["BORG_11"][0]) || f[3] != fmt.Sprintf("%.6f", first["BORG_11"][1])) {
			moved = true
		}
	}
	if !moved {
		t.Fatal("BORG_11 did not move")
	}
	// Dispatch: GOTO a spot near the Carrefour car park; the unit gets there.
	dest := LatLon{50.79790, 5.35300}
	fmt.Fprintf(conn, "GOTO BORG 11 %.5f %.5f\n", dest.Lat, dest.Lon)
	fmt.Fprintf(conn, "GOTO BORG_99 1 2\n")
	var ok, errLine, arrived bool
	for !arrived {
		f := next()
		switch {
		case f[0] == "OK" && len(f) == 3 && f[1] == "GOTO" && f[2] == "BORG_11":
			ok = true
		case f[0] == "ERR":
			errLine = true
		case f[0] == "ARRIVED" && f[1] == "BORG_11":
			arrived = true
			lat, _ := strconv.ParseFloat(f[2], 64)
			lon, _ := strconv.ParseFloat(f[3], 64)
			if d := distance(dest, LatLon{lat, lon}); d > 5 {
				t.Errorf("arrived %.0f m from the spot", d)
			}
		}
	}
	if !ok || !errLine {
		t.Errorf("GOTO replies: ok=%v, err for an unknown unit=%v", ok, errLine)
	}
	for _, p := range z.Patrols() {
		if p.CallSign == "BORG 11" && p.State != PatrolArrived {
			t.Errorf("BORG 11 state %q after ARRIVED", p.State)
		}
	}
	if len(z.Streets()) < 5 {
		t.Errorf("only %d streets", len(z.Streets()))
	}
}

func TestRoadGraphConnected(t *testing.T) {
	g := newRoadGraph()
	for i := range g.nodes {
		if i != 0 && g.route(0, i) == nil {
			t.Errorf("node %d (%v) unreachable from node 0", i, g.nodes[i])
		}
	}
}
