package access

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// PanelAuditEvery is how often a panel that stays open (who watches what,
// the patrols' positions) is audited again.
const PanelAuditEvery = 15 * time.Minute

// Panels is the consultation of panels that refresh every few seconds: the
// policy decides at every refresh, and the audit entry is written when the
// panel starts and again every PanelAuditEvery, so the trail shows who kept
// looking without an entry a second.
type Panels struct {
	gate *Gate
	mu   sync.Mutex
	last map[string]time.Time // session id + panel -> last audited
}

// NewPanels tracks the panels consulted through g.
func NewPanels(g *Gate) *Panels { return &Panels{gate: g, last: map[string]time.Time{}} }

// Consult decides (and audits when due) one refresh of panel for s.
func (p *Panels) Consult(ctx context.Context, s *identity.Session, panel string, act policy.Action, d trail.Detail) error {
	if s == nil {
		return identity.ErrNoSession
	}
	key := s.ID + "/" + panel
	now := p.gate.now()
	p.mu.Lock()
	last, seen := p.last[key]
	p.mu.Unlock()
	if seen && now.Sub(last) < PanelAuditEvery {
		if dec := p.gate.Recheck(s, act, policy.Resource{}, s.Shift); !dec.Allow {
			return &policy.DeniedError{Decision: dec}
		}
		return nil
	}
	if _, err := p.gate.Check(ctx, s, act, policy.Resource{Target: "panel:" + panel}, s.Shift, d); err != nil {
		return err
	}
	p.mu.Lock()
	p.last[key] = now
	p.mu.Unlock()
	return nil
}

// Allow is Check for callers that need no consultation value (an edit, a
// decision recorded for an action that yields nothing).
func (g *Gate) Allow(ctx context.Context, s *identity.Session, act policy.Action, res policy.Resource, why policy.Reason, d trail.Detail) error {
	_, err := g.Check(ctx, s, act, res, why, d)
	return err
}

// CameraResource is what the policy weighs of a camera: its owner,
// municipality and covertness.
func CameraResource(cam zone.Camera, live bool) policy.Resource {
	return policy.Resource{Camera: cam.ID, Owner: cam.Owner, Municipality: cam.Municipality, Covert: cam.Covert, Live: live}
}

// System writes an entry for the console's own work, done with nobody
// logged in (the retention cleaner, a recording alarm): actor names the
// service ("system:recorder") and console the machine.
func (g *Gate) System(ctx context.Context, actor, console, subject string, d trail.Detail) error {
	detail, err := trail.Encode(d, trail.Facts{})
	if err != nil {
		return err
	}
	e := audit.Entry{Time: g.now(), User: actor, Console: console, Action: d.Action(), Subject: subject,
		Outcome: audit.OutcomeAllowed, Detail: detail}
	if _, err := g.log.Append(ctx, e); err != nil {
		return fmt.Errorf("%s: audit: %w", d.Action(), err)
	}
	return nil
}
