package roomdb

import (
	"context"
	"errors"
)

// outboxOp is one write this console stated, for the presence goroutine
// to make now or when the server is back.
type outboxOp struct {
	what  string // for the log
	write func(ctx context.Context, r *Room) error
}

// Later queues a write to the room, made in order, now or after an
// outage. One the server refuses for another reason than being away is
// logged and dropped: the console's own stores and audit keep what it was.
func (p *Presence) Later(what string, write func(ctx context.Context, r *Room) error) {
	p.mu.Lock()
	p.outbox = append(p.outbox, outboxOp{what: what, write: write})
	p.mu.Unlock()
	p.poke()
}

// PutAccount states that an account changed at this console; the room
// keeps the newer of its copy and this one.
func (p *Presence) PutAccount(a Account) {
	p.Later("account "+a.Name, func(ctx context.Context, r *Room) error { return r.PutAccount(ctx, a) })
}

func (p *Presence) writeOutbox(ctx context.Context) error {
	for {
		p.mu.Lock()
		if len(p.outbox) == 0 {
			p.mu.Unlock()
			return nil
		}
		op := p.outbox[0]
		p.mu.Unlock()
		err := op.write(ctx, p.room)
		if errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
			return err
		}
		if err != nil {
			p.cfg.Log.Error("roomdb: not written to the room", "what", op.what, "err", err)
		}
		p.mu.Lock()
		p.outbox = p.outbox[1:]
		p.mu.Unlock()
	}
}
