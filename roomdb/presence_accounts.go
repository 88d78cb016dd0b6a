package roomdb

import (
	"context"
	"errors"
)

// PutAccount states that an account changed at this console. It returns
// at once; the row is written now or when the server is back (the room
// keeps the newer of its copy and this one).
func (p *Presence) PutAccount(a Account) {
	p.mu.Lock()
	p.accountOps = append(p.accountOps, a)
	p.mu.Unlock()
	p.poke()
}

// writeAccounts writes the account changes stated since the last call, in
// order; one the server refuses for another reason than being away is
// logged and dropped (the next change of the account, or the console's
// next start, writes it again).
func (p *Presence) writeAccounts(ctx context.Context) error {
	for {
		p.mu.Lock()
		if len(p.accountOps) == 0 {
			p.mu.Unlock()
			return nil
		}
		a := p.accountOps[0]
		p.mu.Unlock()
		err := p.room.PutAccount(ctx, a)
		if errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
			return err
		}
		if err != nil {
			p.cfg.Log.Error("roomdb: account not written to the room", "user", a.Name, "err", err)
		}
		p.mu.Lock()
		p.accountOps = p.accountOps[1:]
		p.mu.Unlock()
	}
}
