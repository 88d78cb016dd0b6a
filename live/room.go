package live

import "github.com/politiezone/zoneconsole/identity"

// Room shares "who watches what" with the dispatch room's other consoles
// (a room database's presence). Without it (Config.Room nil) the console's
// own views are the whole room.
type Room interface {
	// ViewOpened and ViewEnded publish a view of this console; they must
	// not block on the network.
	ViewOpened(s *identity.Session, w Watch)
	ViewEnded(viewID string)
	// Elsewhere are the views open at the room's other consoles, as last
	// seen.
	Elsewhere() []Watch
}

type aloneRoom struct{}

func (aloneRoom) ViewOpened(*identity.Session, Watch) {}
func (aloneRoom) ViewEnded(string)                    {}
func (aloneRoom) Elsewhere() []Watch                  { return nil }
