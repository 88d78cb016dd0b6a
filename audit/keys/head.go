package keys

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/politiezone/zoneconsole/audit/chain"
)

// HeadFile writes signed heads into the alternating slots of the one small
// head file (chain.ParseHead reads it). It holds an exclusive lock on the
// file for its life: two writers on one store would fork the chain.
type HeadFile struct {
	f    *os.File
	priv ed25519.PrivateKey
	cur  chain.SignedHead
}

// OpenHeadFile opens (or, with create, creates) the head file, locks it
// and returns its bytes for chain.ParseHead.
func OpenHeadFile(path string, priv ed25519.PrivateKey, create bool) (*HeadFile, []byte, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("audit head file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("audit head file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("audit head file %s: another Log has this store open: %w", path, err)
	}
	b := make([]byte, 2*chain.HeadSlotSize+1) // one more: a longer file is tampered with
	n, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, nil, fmt.Errorf("audit head file: %w", err)
	}
	return &HeadFile{f: f, priv: priv}, b[:n], nil
}

// Current is the newest record written (or set with SetCurrent).
func (hf *HeadFile) Current() chain.SignedHead { return hf.cur }

// SetCurrent names the newest record the file holds, read at open, so that
// the next Write takes the next counter and the other slot.
func (hf *HeadFile) SetCurrent(h chain.SignedHead) { hf.cur = h }

// Write replaces the older slot with a new signed head. With sync it returns
// only once the head is on disk: the pending head must be, before the commit
// it allows. The settled head written after a commit is not synced; the
// next pending write flushes it, and until then a power loss leaves the
// pending head, which still allows the store's end.
func (hf *HeadFile) Write(committed, pending chain.Head, now time.Time, sync bool) error {
	h := chain.SignHead(hf.priv, chain.SignedHead{Counter: hf.cur.Counter + 1, Committed: committed, Pending: pending, Time: now})
	if _, err := hf.f.WriteAt(h.Slot(), int64(h.Counter%2)*chain.HeadSlotSize); err != nil {
		return fmt.Errorf("audit head file: %w", err)
	}
	if sync {
		if err := datasync(hf.f); err != nil {
			return fmt.Errorf("audit head file: sync: %w", err)
		}
	}
	hf.cur = h
	return nil
}

// Close closes the file and so releases its lock.
func (hf *HeadFile) Close() error { return hf.f.Close() }
