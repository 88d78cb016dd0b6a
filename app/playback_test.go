package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/trail"
)

// TestPlaybackShowsTheRecordedFramesUnderThe30DayRules records the
// simulated zone, then plays it back: the frame shown for a moment is the
// one the simulator stamped then, the interval is audited, and the same
// footage seen from later clocks follows the law's table (30 days for an
// administrative or judicial mission, then judicial with the prosecutor's
// authorisation, never past the retention unless held; guards never,
// municipal operators only their own cameras).
func TestPlaybackShowsTheRecordedFramesUnderThe30DayRules(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := openSim(ctx, t, Config{DataDir: dir, Console: "pb", Logger: testLog(), Record: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "recording", 15*time.Second, func() bool { return c.RecordingStatus("cam01").Recording })
	time.Sleep(4 * time.Second)
	at := time.Now().Add(-2 * time.Second)
	if err := c.Close(); err != nil { // closes the segments: a finished recording
		t.Fatal(err)
	}

	admin := Reason{Kind: "administrative", Ref: "BM-2026-7", Text: "vandalisme bushokje"}
	later := func(d time.Duration) *Console {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		now := func() time.Time { return time.Now().Add(d) }
		c, err := openSim(ctx, t, Config{DataDir: dir, Console: "pb", Logger: testLog(), Now: now}, 2)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c1 := later(0)
	disp := loginTB(t, c1, "dispatcher")
	p, err := c1.OpenPlayback(ctx, disp, "cam01", at, admin)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := p.SeekTo(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := sim.ReadStamp(fr.Image)
	if !ok {
		t.Fatal("the frame shown carries no simulator stamp")
	}
	if d := st.Captured.Sub(at); d < -200*time.Millisecond || d > 200*time.Millisecond {
		t.Errorf("asked for %s, shown the frame stamped %s (%s off)", at.Format("15:04:05.000"), st.Captured.Format("15:04:05.000"), d)
	}
	next, err := p.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st2, ok := sim.ReadStamp(next.Image); !ok || st2.Seq != st.Seq+1 {
		t.Errorf("Next shows frame %d after %d, want the next one", st2.Seq, st.Seq)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	starts, stops := auditOf(t, c1, trail.ActPlayback), auditOf(t, c1, trail.ActPlaybackStop)
	if len(starts) != 1 || len(stops) != 1 || starts[0].Outcome != "allowed" || !strings.Contains(stops[0].Detail, `"shown_from"`) {
		t.Fatalf("playback entries %+v / %+v", starts, stops)
	}
	var de *DeniedError
	if _, err := c1.OpenPlayback(ctx, loginTB(t, c1, "bewaker"), "cam01", at, admin); !errors.As(err, &de) {
		t.Errorf("a guard's playback = %v, want a refusal", err)
	}
	// cam01 is the police's; the municipal operator sees only the town's.
	if _, err := c1.OpenPlayback(ctx, loginTB(t, c1, "stad"), "cam01", at, admin); !errors.As(err, &de) || de.Decision.Code != "municipal_own_cameras_only" {
		t.Errorf("a municipal operator's playback of a police camera = %v", err)
	}
	c1.Close()

	judicial := Reason{Kind: JustJudicial, Ref: "PV HA.12.L3.5/26", Text: "inbraak"}
	withAuth := judicial
	withAuth.AuthRef = "ONDERZ 12/26"
	c40 := later(40 * 24 * time.Hour)
	disp40, inv40 := loginTB(t, c40, "dispatcher"), loginTB(t, c40, "recherche")
	for _, tc := range []struct {
		name string
		s    *Session
		why  Reason
		code string
	}{
		{"dispatcher, 40 days, administrative", disp40, admin, "over_30_days_needs_judicial"},
		{"investigator, 40 days, judicial without authorisation", inv40, judicial, "over_30_days_needs_authorisation"},
		{"investigator, 40 days, judicial with authorisation", inv40, withAuth, ""},
	} {
		p, err := c40.OpenPlayback(ctx, tc.s, "cam01", at, tc.why)
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.code != "" && (!errors.As(err, &de) || de.Decision.Code != tc.code):
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
		if p != nil {
			if _, err := p.SeekTo(ctx, at); err != nil {
				t.Errorf("%s: seek: %v", tc.name, err)
			}
			p.Close()
		}
	}
	c40.Close()

	c400 := later(400 * 24 * time.Hour)
	if _, err := c400.OpenPlayback(ctx, loginTB(t, c400, "recherche"), "cam01", at, withAuth); !errors.As(err, &de) || de.Decision.Code != CodeRetentionExpired {
		t.Errorf("footage past the retention = %v, want %s", err, CodeRetentionExpired)
	}
}
