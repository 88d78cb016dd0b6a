package roomdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/roomdb"
)

// A grant given at one console is in force at the other within a second;
// revoked at the other, it ends at the first; nobody lengthens one.
func TestGrantsAcrossConsoles(t *testing.T) {
	srv, open := newRoom(t)
	a, b := presence(t, open("chief")), presence(t, open("pos-2"))
	now := time.Now().UTC().Truncate(time.Millisecond)
	g := roomdb.Grant{ID: "g-1", To: "stad", By: "teamchef", Cameras: []string{"cam02", "cam04"}, From: now, Until: now.Add(4 * time.Hour), Reason: "kermis"}
	a.PutGrant(g)
	waitFor(t, time.Second, "the grant at pos-2", func() bool {
		gs := b.Grants()
		return len(gs) == 1 && gs[0].To == "stad" && gs[0].Console == "chief" && len(gs[0].Cameras) == 2 && gs[0].Until.Equal(g.Until)
	})
	end := time.Now().UTC().Truncate(time.Millisecond)
	b.EndGrant("g-1", end)
	waitFor(t, time.Second, "the revocation at chief", func() bool {
		gs := a.Grants()
		return len(gs) == 1 && !gs[0].Until.After(end)
	})
	conn := connectAs(t, srv.As(roomdb.ConsoleRole))
	if _, err := conn.Exec(context.Background(), "UPDATE room.grants SET valid_until = now() + interval '1 day' WHERE id = 'g-1'"); err == nil {
		t.Fatal("the console role lengthened a grant")
	}
}
