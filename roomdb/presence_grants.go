package roomdb

import (
	"context"
	"errors"
	"slices"
	"time"
)

// grantsKept is how long after its end a grant stays in a console's copy,
// so the policy can tell an operator the grant ended rather than that
// none was given.
const grantsKept = 24 * time.Hour

// PutGrant states that a grant was given at this console. It returns at
// once; the row is written (through the outbox) now or when the server is
// back, and this console's copy holds it meanwhile.
func (p *Presence) PutGrant(g Grant) {
	p.mu.Lock()
	p.grants[g.ID] = g
	p.unwritten[g.ID] = g
	p.grantGen++
	p.mu.Unlock()
	p.Later("grant "+g.ID, func(ctx context.Context, r *Room) error {
		err := r.PutGrant(ctx, g)
		if !errors.Is(err, ErrUnavailable) {
			p.mu.Lock()
			delete(p.unwritten, g.ID)
			p.mu.Unlock()
		}
		return err
	})
}

// EndGrant states that grant id, given at any console, was revoked at at.
func (p *Presence) EndGrant(id string, at time.Time) {
	p.mu.Lock()
	if g, ok := p.grants[id]; ok && g.Until.After(at) {
		g.Until = at
		p.grants[id] = g
		p.grantGen++
	}
	p.mu.Unlock()
	p.Later("grant "+id+" revoked", func(ctx context.Context, r *Room) error { return r.EndGrant(ctx, id, at) })
}

// GrantsVersion counts the changes of the grants' copy, so a caller that
// keeps a converted copy of Grants reads it again only when it moved.
func (p *Presence) GrantsVersion() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.grantGen
}

// Grants are the room's grants given at any console that ended less than a
// day ago or are still in force, oldest first, as last seen.
func (p *Presence) Grants() []Grant {
	cut := p.cfg.Now().Add(-grantsKept)
	out := copyOf(p, p.grants, func(g Grant) bool { return g.Until.After(cut) },
		func(a, b Grant) int { return byStart(a.From, b.From, a.ID, b.ID) })
	for i := range out {
		out[i].Cameras = slices.Clone(out[i].Cameras)
	}
	return out
}

// reloadGrants replaces the copy's grants with the room's, keeping the
// ones this console has not written yet (a revocation not yet written is
// applied again when it is).
func (p *Presence) reloadGrants(ctx context.Context) error {
	gs, err := p.room.Grants(ctx, p.cfg.Now().Add(-grantsKept))
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.grants)
	for _, g := range gs {
		p.grants[g.ID] = g
	}
	for id, g := range p.unwritten {
		if _, ok := p.grants[id]; !ok {
			p.grants[id] = g
		}
	}
	p.grantGen++
	return nil
}
