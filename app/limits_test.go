package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// An administrator changes the recording limits from the console: applied
// by the cleaner's next run without a restart, written to the zone file,
// audited; nobody else may, and a retention past the law's year is refused.
func TestRecordingLimitsWithoutARestart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	zpath := filepath.Join(t.TempDir(), "zone.toml")
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "beheer", ZonePath: zpath, Logger: testLog()}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := zone.SaveZone(zpath, c.Zone()); err != nil {
		t.Fatal(err)
	}
	adm, chief := login(t, c, "beheerder"), login(t, c, "teamchef")
	if err := c.SetRecordingLimits(ctx, chief, 7*24*time.Hour, 0, 0); err == nil {
		t.Fatal("a team chief changed the recording limits")
	}
	if err := c.SetRecordingLimits(ctx, adm, 400*24*time.Hour, 0, 0); err == nil {
		t.Fatal("a retention past a year was taken")
	}
	if err := c.SetRecordingLimits(ctx, adm, 7*24*time.Hour, 50, 2); err != nil {
		t.Fatal(err)
	}
	rep, err := c.footage.Clean(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if age := time.Since(rep.Cutoff); age < 7*24*time.Hour-time.Minute || age > 7*24*time.Hour+time.Minute {
		t.Fatalf("the cleaner's cutoff is %s ago, want the new 7 days", age)
	}
	z, err := zone.LoadZone(zpath)
	if err != nil {
		t.Fatal(err)
	}
	if z.Recording.Retention.Duration != 7*24*time.Hour || z.Recording.QuotaGB != 50 || z.Recording.MinFreeGB != 2 {
		t.Fatalf("zone file's [recording] after the change: %+v", z.Recording)
	}
	if lim, err := c.RecordingLimitsOf(ctx, adm); err != nil || lim.QuotaGB != 50 {
		t.Fatalf("RecordingLimitsOf = %+v, %v", lim, err)
	}
	var audited bool
	for _, e := range entries(t, c, trail.ActSettings) {
		audited = audited || strings.Contains(e.Detail, `"retention":"168h0m0s"`) && strings.Contains(e.Detail, `"quota_gb":50`)
	}
	if !audited {
		t.Error("the change is not in the audit trail with its values")
	}
}
