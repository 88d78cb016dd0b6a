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
// head file (chain.ParseHead reads it). Its lock is the store's writer
// lock: a Log holds it from reading the store's end to writing the head
// after its commit, so several processes appending to one store take
// turns and fork nothing.
type HeadFile struct {
	f    *os.File
	priv ed25519.PrivateKey
	cur  chain.SignedHead
}

// OpenHeadFile opens (or, with create, creates) the head file, locks it
// and returns its bytes for chain.ParseHead. The caller holds the lock
// until Unlock.
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
	hf := &HeadFile{f: f, priv: priv}
	b, err := hf.Lock()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return hf, b, nil
}

// Lock waits for the store's writer lock and returns the head file's bytes
// as they are now (another process may have written since): the caller
// parses them and names the newest record with SetCurrent.
func (hf *HeadFile) Lock() ([]byte, error) {
	if err := lockFile(hf.f); err != nil {
		return nil, fmt.Errorf("audit head file %s: lock: %w", hf.f.Name(), err)
	}
	b := make([]byte, 2*chain.HeadSlotSize+1) // one more: a longer file is tampered with
	n, err := hf.f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		hf.Unlock()
		return nil, fmt.Errorf("audit head file: %w", err)
	}
	return b[:n], nil
}

// Unlock lets another writer of the store commit.
func (hf *HeadFile) Unlock() {
	_ = unlockFile(hf.f) // closing the file releases it too
}

// Key is the public key the heads are signed with.
func (hf *HeadFile) Key() ed25519.PublicKey { return hf.priv.Public().(ed25519.PublicKey) }

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
