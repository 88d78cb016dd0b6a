package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/trail"
)

// TestPassageRetentionIsEnforced: passages older than the zone's ANPR
// retention are deleted (not only hidden), except those an evidence hold
// keeps; the run is audited with its counts. Within the retention, an old
// passage is found by a judicial search with an authorisation, and not by
// an administrative one.
func TestPassageRetentionIsEnforced(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "purge", Logger: testLog()}, 4, func(z *Zone) {
		z.ANPR.Retention = Duration{Duration: 60 * 24 * time.Hour}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseDispatch() })
	_, ps, err := c.stores(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := c.now()
	add := func(plate, cam string, age time.Duration) {
		if _, err := ps.Add(ctx, anpr.Passage{Time: now.Add(-age), Camera: cam, Plate: plate, Display: plate, Country: "BE", Confidence: 0.9}); err != nil {
			t.Fatal(err)
		}
	}
	add("1AAA111", "cam03", 90*24*time.Hour) // past the retention
	add("1BBB222", "cam03", 70*24*time.Hour) // past it, but held
	add("1CCC333", "cam03", 40*24*time.Hour) // within it, past 30 days
	add("1DDD444", "cam03", time.Hour)
	inv := loginTB(t, c, "recherche")
	judicial := Reason{Kind: JustJudicial, Ref: "PV HA.12.L3.8/26", Text: "gestolen wagen", AuthRef: "ONDERZ 3/26"}
	heldAt := now.Add(-70 * 24 * time.Hour)
	if _, err := c.PlaceHold(ctx, inv, HoldRequest{Cameras: []string{"cam03"}, From: heldAt.Add(-time.Hour), To: heldAt.Add(time.Hour),
		Case: "PV HA.12.L3.8/26"}, judicial); err != nil {
		t.Fatal(err)
	}
	d, err := c.PurgePassages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Passages != 1 || d.Kept != 1 {
		t.Fatalf("purge = %+v, want one deleted and one kept by the hold", d)
	}
	es := auditOf(t, c, trail.ActPassagePurge)
	if len(es) != 1 || es[0].User != "system:anpr" || !strings.Contains(es[0].Detail, `"passages":1`) {
		t.Fatalf("anpr.purge entries = %+v", es)
	}
	all, err := ps.Search(ctx, anpr.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, p := range all {
		left = append(left, p.Plate)
	}
	if strings.Contains(strings.Join(left, ","), "1AAA111") {
		t.Errorf("a passage past the retention is still stored: %v", left)
	}
	got, err := c.SearchPassages(ctx, inv, PassageQuery{Pattern: "1CCC333", From: now.Add(-45 * 24 * time.Hour)}, judicial)
	if err != nil || len(got) != 1 {
		t.Errorf("judicial search 40 days back = %d, %v; want the passage", len(got), err)
	}
	var de *DeniedError
	admin := Reason{Kind: "administrative", Ref: "BM-1", Text: "overlast"}
	if _, err := c.SearchPassages(ctx, inv, PassageQuery{Pattern: "1CCC333", From: now.Add(-45 * 24 * time.Hour)}, admin); !errors.As(err, &de) ||
		de.Decision.Code != "over_30_days_needs_judicial" {
		t.Errorf("administrative search 40 days back = %v", err)
	}
}
