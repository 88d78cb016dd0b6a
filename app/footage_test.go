package app

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/trail"
)

// TestConsoleRecordsHoldsAndCleans runs the whole path of issue 12 on the
// simulated zone: the console records every camera over the connection it
// shares with the wall, an investigator holds one camera's footage (a
// dispatcher may not), and a year later the cleaner deletes the unheld
// footage and keeps the held, each step audited.
func TestConsoleRecordsHoldsAndCleans(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := openSim(ctx, t, Config{DataDir: dir, Console: "rec", Logger: testLog(), Record: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both cameras recording", 15*time.Second, func() bool {
		return c.RecordingStatus("cam01").Recording && c.RecordingStatus("cam02").Recording
	})
	// A wall view of the same stream does not open a second connection.
	disp := loginTB(t, c, "dispatcher")
	v, err := c.OpenLive(ctx, disp, "cam01", StreamMain, disp.Shift)
	if err != nil {
		t.Fatal(err)
	}
	waitFrame(t, v)
	if n := c.pool.Len(); n != 2 {
		t.Errorf("%d camera connections for two recorded cameras and one view, want 2 (shared)", n)
	}
	v.Close()
	time.Sleep(2 * time.Second)

	now := time.Now().UTC()
	req := HoldRequest{Cameras: []string{"cam01"}, From: now.Add(-time.Hour), To: now.Add(time.Hour), Case: "PV HA.12.L3.77/26"}
	admin := Reason{Kind: "administrative", Ref: "PV HA.12.L3.77/26", Text: "inbraak juwelier"}
	var de *DeniedError
	if _, err := c.PlaceHold(ctx, disp, req, admin); !errors.As(err, &de) || de.Decision.Code != CodeRoleNotPermitted {
		t.Fatalf("a dispatcher's hold = %v, want role_not_permitted", err)
	}
	inv := loginTB(t, c, "recherche")
	if _, err := c.PlaceHold(ctx, inv, req, Reason{Kind: JustShift}); !errors.As(err, &de) {
		t.Fatalf("a hold on a shift ground = %v, want a refusal", err)
	}
	h, err := c.PlaceHold(ctx, inv, req, admin)
	if err != nil {
		t.Fatal(err)
	}
	hs := auditOf(t, c, trail.ActEvidenceHold)
	if len(hs) != 3 || hs[2].Outcome != "allowed" || hs[2].User != "recherche" || !strings.Contains(hs[2].Detail, `"case":"PV HA.12.L3.77/26"`) ||
		!strings.Contains(hs[2].Detail, `"cameras":["cam01"]`) {
		t.Fatalf("evidence.hold entries = %+v", hs)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	// Every segment is closed, chained and readable by a peer.
	idx, err := recording.OpenIndexReadOnly(filepath.Join(dir, "recordings.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Verify(ctx, filepath.Join(dir, "recordings")); err != nil {
		t.Fatalf("recordings verify: %v", err)
	}
	for _, cam := range []string{"cam01", "cam02"} {
		segs, err := idx.List(ctx, cam, time.Time{}, time.Now().Add(time.Hour))
		if err != nil || len(segs) == 0 {
			t.Fatalf("%s: %d segments, %v", cam, len(segs), err)
		}
		for _, s := range segs {
			if !s.Closed() || s.Bytes == 0 {
				t.Errorf("%s: segment %+v not closed", cam, s)
			}
			probeDuration(t, filepath.Join(dir, "recordings", s.Path), s.End.Sub(s.Start))
		}
	}

	// A year and a day later: cam02's footage is past retention and goes,
	// cam01's is held and stays; the run is audited with what it deleted.
	later := time.Now().Add(366 * 24 * time.Hour)
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	c2, err := openSim(ctx2, t, Config{DataDir: dir, Console: "rec", Logger: testLog(), Now: func() time.Time { return later }}, 2)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c2.CleanRecordings(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	deleted := map[string]int{}
	for _, d := range rep.Deleted {
		deleted[d.Camera] += d.Segments
	}
	if deleted["cam02"] == 0 || deleted["cam01"] != 0 || rep.HeldKept == 0 {
		t.Fatalf("clean a year later: deleted %v, held kept %d; want cam02 gone and cam01 kept (hold %d)", deleted, rep.HeldKept, h.ID)
	}
	cl := auditOf(t, c2, trail.ActRecordClean)
	if len(cl) == 0 || cl[len(cl)-1].User != "system:recorder" || !strings.Contains(cl[len(cl)-1].Detail, `"camera":"cam02"`) {
		t.Fatalf("record.clean entries = %+v", cl)
	}
}

// probeDuration has ffprobe (a peer we did not write) read a segment and
// checks its duration against the index within a frame interval or two.
func probeDuration(t *testing.T, path string, want time.Duration) {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffprobe missing (make deps installs ffmpeg)")
		}
		t.Skip("ffprobe missing")
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	secs, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("ffprobe %s: %q", path, out)
	}
	if got := time.Duration(secs * float64(time.Second)); got < want-150*time.Millisecond || got > want+150*time.Millisecond {
		t.Errorf("%s: ffprobe reads %s, the index says %s", filepath.Base(path), got, want)
	}
}
