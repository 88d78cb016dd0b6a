package identity

import (
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// DefaultUserRecheck is how often a session's account is compared with the
// store, so that a change made elsewhere (the CLI, another console) ends the
// session within that time; changes made through Sessions end it at once.
const DefaultUserRecheck = 2 * time.Second

// CameraLookup describes a camera of the zone for the grant checks: its
// owner and municipality (zone.Zone.Resource is one); false when the zone
// has no such camera.
type CameraLookup func(id string) (policy.Resource, bool)

// Option sets a zone-set limit of the session table.
type Option func(*config)

type config struct {
	idleLock    time.Duration
	maxGrant    time.Duration
	cameras     CameraLookup
	userRecheck time.Duration
	room        Room
}

// WithIdleLock locks a session that has not been touched (Touch) for d:
// it is not active until its user types the password again (Unlock).
// 0 means never; the zone file's idle_lock (zone.Zone.IdleLockAfter) is
// what the console passes.
func WithIdleLock(d time.Duration) Option { return func(c *config) { c.idleLock = max(d, 0) } }

// WithMaxGrant bounds a municipal live grant (zone.Zone.GrantLimit); it is
// clamped to policy.MaxGrant, and 0 keeps policy.DefaultGrant.
func WithMaxGrant(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.maxGrant = min(d, policy.MaxGrant)
		}
	}
}

// WithCameras gives the zone's cameras to the grant checks. Without it no
// grant is given: a camera that cannot be looked up cannot be shown to be
// the operator's municipality's own.
func WithCameras(lookup CameraLookup) Option { return func(c *config) { c.cameras = lookup } }

// WithUserRecheck sets how often accounts are compared with the store
// (DefaultUserRecheck when d <= 0).
func WithUserRecheck(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.userRecheck = d
		}
	}
}
