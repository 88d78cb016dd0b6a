package app

import (
	"context"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/simzone"
)

// TestPassagesForwardedToTheAMS: a console that records forwards every
// stored passage, signed, to the zone's one AMS endpoint (the simulated
// zone's stand-in checks the signature), once; the administrator sees the
// queue's state, a dispatcher may not.
func TestPassagesForwardedToTheAMS(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "ams", Logger: testLog(), Record: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := amsOf.Load(c)
	sz := v.(*simzone.Zone)
	_, ps, err := c.stores(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, plate := range []string{"1ABC123", "2XYZ987"} {
		p := anpr.Passage{Time: time.Now().Add(-time.Duration(i) * time.Second), Camera: "cam01", Plate: plate, Display: plate, Country: "BE", Confidence: 0.9}
		if p.ID, err = ps.Add(ctx, p); err != nil {
			t.Fatal(err)
		}
		c.forward(p)
	}
	waitFor(t, "both passages at the AMS", 15*time.Second, func() bool { return len(sz.AMS.Stats().Messages) == 2 })
	st := sz.AMS.Stats()
	if st.BadSignatures != 0 || st.AfterAck != 0 || st.Messages[0].Sender != "5434" {
		t.Errorf("receiver stats %+v", st)
	}
	admin := loginTB(t, c, "beheerder")
	waitFor(t, "the queue drained", 10*time.Second, func() bool {
		s, err := c.AMSForwarding(ctx, admin)
		return err == nil && s.Queued == 0
	})
	if _, err := c.AMSForwarding(ctx, loginTB(t, c, "dispatcher")); err == nil {
		t.Error("a dispatcher sees the AMS queue")
	}
}
