package policy

import (
	"slices"
	"time"
)

// MaxGrant is the longest live view a team chief can grant at once: a major
// event's day. A longer event takes a new grant, which is audited again.
const MaxGrant = 24 * time.Hour

// DefaultGrant is the longest grant when the zone file sets none (issue 16
// item 5): half a day covers an event's shift; a zone may allow up to MaxGrant.
const DefaultGrant = 12 * time.Hour

// Grant is a team chief's permission for one municipal operator to watch
// some cameras live, for a major event or an emergency, for a limited time.
// The policy reads it; identity keeps the table of them.
type Grant struct {
	ID      string
	To      string // the municipal operator
	By      string // the team chief
	Cameras []string
	From    time.Time
	Until   time.Time // exclusive; a revoked grant ends when it was revoked
	Reason  Reason    // JustEvent or JustEmergency with the event or incident in Ref
}

// ActiveAt reports whether the grant is in force at t.
func (g Grant) ActiveAt(t time.Time) bool { return !t.Before(g.From) && t.Before(g.Until) }

// Names reports whether the grant covers the camera.
func (g Grant) Names(camera string) bool { return camera != "" && slices.Contains(g.Cameras, camera) }

// Clone is a copy that shares no slice with g.
func (g Grant) Clone() Grant {
	g.Cameras = slices.Clone(g.Cameras)
	return g
}
