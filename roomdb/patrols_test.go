package roomdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/roomdb"
)

// Two dispatchers at two consoles sending the same unit at once: one
// claim stands, the other is told whose; the claim and its end reach the
// other console's feed; a freed unit can be sent again.
func TestClaimPatrolOnceForTheRoom(t *testing.T) {
	_, open := newRoom(t)
	a, b := open("pos-1"), open("pos-2")
	ctx := context.Background()
	events := make(chan roomdb.Event, 8)
	p := b.Presence(roomdb.PresenceConfig{OnPatrol: func(ev roomdb.Event) { events <- ev }})
	t.Cleanup(func() { p.Close(ctx) })
	waitFor(t, 30*time.Second, "presence online", func() bool { on, _ := p.Online(); return on })

	for round := range 20 {
		type result struct {
			c   roomdb.PatrolClaim
			won bool
			err error
		}
		res := make(chan result, 2)
		for i, r := range []*roomdb.Room{a, b} {
			go func() {
				c, won, err := r.ClaimPatrol(ctx, "BORG 11", []string{"anna", "bert"}[i], "hit-1", 50.78, 5.34)
				res <- result{c, won, err}
			}()
		}
		r1, r2 := <-res, <-res
		if r1.err != nil || r2.err != nil {
			t.Fatalf("round %d: ClaimPatrol: %v, %v", round, r1.err, r2.err)
		}
		if r1.won == r2.won || r1.c.ID != r2.c.ID || r1.c.User != r2.c.User {
			t.Fatalf("round %d: claims %+v and %+v: want one winner, the other told its claim", round, r1, r2)
		}
		if err := a.FreePatrol(ctx, "BORG 11"); err != nil {
			t.Fatal(err)
		}
	}
	var claimed, freed int
	for deadline := time.After(5 * time.Second); claimed < 20 || freed < 20; {
		select {
		case ev := <-events:
			switch ev.Kind {
			case roomdb.PatrolClaimed:
				claimed++
			case roomdb.PatrolFreed:
				freed++
			}
		case <-deadline:
			t.Fatalf("feed at pos-2: %d claims and %d frees of 20 each", claimed, freed)
		}
	}
	left, err := b.PatrolClaims(ctx)
	if err != nil || len(left) != 0 {
		t.Fatalf("open claims after the last free: %+v, %v", left, err)
	}
}
