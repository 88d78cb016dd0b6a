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

// grantOp is a grant this console gave or revoked, to write to the room.
type grantOp struct {
	put *Grant    // a grant given here
	end string    // or the id of one revoked here
	at  time.Time // the revocation's time
}

// PutGrant states that a grant was given at this console. It returns at
// once; the row is written now or when the server is back.
func (p *Presence) PutGrant(g Grant) {
	p.mu.Lock()
	p.grantOps = append(p.grantOps, grantOp{put: &g})
	p.grants[g.ID] = g // this console's copy holds it at once
	p.grantGen++
	p.mu.Unlock()
	p.poke()
}

// EndGrant states that grant id, given at any console, was revoked at at.
func (p *Presence) EndGrant(id string, at time.Time) {
	p.mu.Lock()
	p.grantOps = append(p.grantOps, grantOp{end: id, at: at})
	if g, ok := p.grants[id]; ok && g.Until.After(at) {
		g.Until = at
		p.grants[id] = g
		p.grantGen++
	}
	p.mu.Unlock()
	p.poke()
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

// writeGrants writes the grant operations stated since the last call, in
// order; an operation the server refuses for another reason than being
// away is logged and dropped (the console's own audit has it).
func (p *Presence) writeGrants(ctx context.Context) error {
	for {
		p.mu.Lock()
		if len(p.grantOps) == 0 {
			p.mu.Unlock()
			return nil
		}
		op := p.grantOps[0]
		p.mu.Unlock()
		var err error
		if op.put != nil {
			err = p.room.PutGrant(ctx, *op.put)
		} else {
			err = p.room.EndGrant(ctx, op.end, op.at)
		}
		if errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
			return err
		}
		if err != nil {
			p.cfg.Log.Error("roomdb: grant not written to the room", "err", err)
		}
		p.mu.Lock()
		p.grantOps = p.grantOps[1:]
		p.mu.Unlock()
	}
}

// reloadGrants replaces the copy's grants with the room's, keeping the
// ones this console has not written yet.
func (p *Presence) reloadGrants(ctx context.Context) error {
	gs, err := p.room.Grants(ctx, p.cfg.Now().Add(-grantsKept))
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pending := map[string]Grant{}
	for _, op := range p.grantOps {
		if op.put != nil {
			pending[op.put.ID] = *op.put
		}
	}
	clear(p.grants)
	for _, g := range gs {
		p.grants[g.ID] = g
	}
	for id, g := range pending {
		if _, ok := p.grants[id]; !ok {
			p.grants[id] = g
		}
	}
	p.grantGen++
	return nil
}
