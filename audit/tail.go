package audit

import "fmt"

// lockTail takes the store's writer lock (the head file's) and reads the
// store's end and checkpoints as they are under it, so that this Log
// appends after whatever another process (serve, the CLI) appended. The
// end must be one the signed head allows; anything else is a store changed
// behind the writers' backs, and nothing is appended to it. Without a head
// file (benchmarks) there is one writer and nothing to lock.
func (l *Log) lockTail() (unlock func(), err error) {
	if l.head == nil {
		return func() {}, nil
	}
	b, err := l.head.Lock()
	if err != nil {
		return nil, err
	}
	unlock = l.head.Unlock
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	h, _, err := ParseHead(b)
	if err != nil || h == nil {
		return nil, fmt.Errorf("%w: the signed head cannot be read (%v)", ErrBroken, err)
	}
	if !h.Valid(l.head.Key()) {
		return nil, fmt.Errorf("%w: the signed head's signature is not this store's key's", ErrBroken)
	}
	l.head.SetCurrent(*h)
	if err := l.loadTail(); err != nil {
		return nil, err
	}
	if cur := (Head{Seq: l.seq, Hash: l.hash}); cur != h.Committed && cur != h.Pending {
		return nil, fmt.Errorf("%w: the store ends at seq %d, its signed head at %d", ErrBroken, l.seq, h.Committed.Seq)
	}
	return unlock, nil
}

// loadTail reads the store's last entry (checking its own hash) and last
// checkpoint into the writer's state.
func (l *Log) loadTail() error {
	last, found, err := lastEntry(l.wdb)
	if err != nil {
		return fmt.Errorf("reading the store's end: %w", err)
	}
	l.seq, l.hash = 0, Digest{}
	if found {
		if got := EntryHash(last.PrevHash, &last); got != last.Hash {
			return fmt.Errorf("%w: %w", ErrBroken, &ChainError{Seq: last.Seq, Kind: KindHash, Want: last.Hash.String(), Got: got.String()})
		}
		l.seq, l.hash = last.Seq, last.Hash
	}
	if err := l.wdb.QueryRow(`SELECT coalesce(max(seq), 0) FROM checkpoints`).Scan(&l.lastCP); err != nil {
		return fmt.Errorf("reading the checkpoints: %w", err)
	}
	return nil
}
