package app

import (
	"context"
	"time"

	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// Grant is a municipal operator's live access to cameras of their own
// municipality, for an event or an emergency, for a few hours.
type Grant = policy.Grant

// Grant gives the municipal operator to live view of cameras until until,
// for the event or emergency in why. The session must be a team chief's;
// every camera must be the operator's municipality's own, and the grant
// lasts at most the zone's limit. Decided and audited (identity.Sessions);
// in a room it holds at every console.
func (c *Console) Grant(ctx context.Context, s *Session, to string, cameras []string, until time.Time, why Reason) (Grant, error) {
	return c.sessions.Grant(ctx, s, to, cameras, until, why)
}

// Revoke ends a grant now, whichever console of the room gave it; the
// operator's views under it end at the next recheck (within seconds).
func (c *Console) Revoke(ctx context.Context, s *Session, id string) error {
	if err := c.sessions.Revoke(ctx, s, id); err != nil {
		return err
	}
	c.live.Recheck()
	return nil
}

// Grants lists the grants in force, given at any console of the room, to a
// session that reviews who watches what (a team chief): who may see which
// camera is personal data, so the look is decided and audited as a panel
// (once when it starts, again every PanelAuditEvery while it refreshes).
func (c *Console) Grants(ctx context.Context, s *Session) ([]Grant, error) {
	if err := c.panels.Consult(ctx, s, "grants", ActLiveReview, trail.LiveReview{Panel: "grants"}); err != nil {
		return nil, err
	}
	return c.sessions.Grants(), nil
}

// MunicipalCameras are the zone's cameras a grant may name for the
// municipality: its own, overt ones.
func (c *Console) MunicipalCameras(municipality string) []Camera {
	var out []Camera
	for _, cam := range c.zone.Cameras {
		if cam.Owner == policy.OwnerMunicipality && cam.Municipality == municipality && !cam.Covert {
			out = append(out, cam)
		}
	}
	return out
}
