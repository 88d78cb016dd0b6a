package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// loadOrCreateKey reads the ed25519 seed at path, or creates it (0600, in a
// 0700 directory) with its public key at path+".pub" when neither exists.
// create is false when the caller must not invent a key (a store that
// already has entries, a read-only verification).
func loadOrCreateKey(path string, create bool) (ed25519.PrivateKey, bool, error) {
	seed, err := os.ReadFile(path)
	if err == nil {
		if len(seed) != ed25519.SeedSize {
			return nil, false, fmt.Errorf("audit key %s: %d bytes, want %d", path, len(seed), ed25519.SeedSize)
		}
		return ed25519.NewKeyFromSeed(seed), false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return nil, false, fmt.Errorf("audit key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("audit key directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("audit key directory: %w", err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("audit key: generate: %w", err)
	}
	if err := writeFileSync(path, priv.Seed(), 0o600, true); err != nil {
		return nil, false, fmt.Errorf("audit key: %w", err)
	}
	if err := writeFileSync(path+".pub", []byte(hex.EncodeToString(pub)+"\n"), 0o644, false); err != nil {
		return nil, false, fmt.Errorf("audit public key: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return nil, false, fmt.Errorf("audit key directory: %w", err)
	}
	return priv, true, nil
}

// loadPublicKey reads the hex public key at keyPath+".pub", so that a
// verification needs no access to the private key.
func loadPublicKey(keyPath string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(keyPath + ".pub")
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	pub, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("audit public key %s: not a hex ed25519 key", keyPath+".pub")
	}
	return ed25519.PublicKey(pub), nil
}

func writeFileSync(path string, data []byte, perm os.FileMode, exclusive bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if exclusive {
		flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flag, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Head names one entry of the chain by its seq and hash.
type Head struct {
	Seq  int64
	Hash Digest
}

// SignedHead is the record kept in the head file next to the key. Pending
// is written and synced before a commit, Committed after it, so that after a
// crash the store ends either at Committed or at Pending, and anywhere else
// means entries were cut off or appended by someone without the key.
type SignedHead struct {
	Counter   uint64
	Committed Head
	Pending   Head
	Time      time.Time
	Sig       []byte
}

const (
	headSlotSize = 256
	headMagic    = "ZCAH"
	headBodySize = 4 + 1 + 8 + 8 + HashSize + 8 + HashSize + 8
)

func (h *SignedHead) body() []byte {
	b := make([]byte, 0, headBodySize)
	b = append(b, headMagic...)
	b = append(b, 1)
	b = binary.BigEndian.AppendUint64(b, h.Counter)
	b = binary.BigEndian.AppendUint64(b, uint64(h.Committed.Seq))
	b = append(b, h.Committed.Hash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(h.Pending.Seq))
	b = append(b, h.Pending.Hash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(timeNanos(h.Time)))
	return b
}

func headMessage(body []byte) []byte {
	m := make([]byte, 0, 1+len(headContext)+len(body))
	m = append(m, headPrefix)
	m = append(m, headContext...)
	return append(m, body...)
}

// Valid reports whether the head's signature verifies under pub.
func (h *SignedHead) Valid(pub ed25519.PublicKey) bool {
	return len(h.Sig) == ed25519.SignatureSize && ed25519.Verify(pub, headMessage(h.body()), h.Sig)
}

func parseHeadSlot(b []byte) (SignedHead, bool) {
	if len(b) < headBodySize+ed25519.SignatureSize || string(b[:4]) != headMagic || b[4] != 1 {
		return SignedHead{}, false
	}
	var h SignedHead
	p := b[5:]
	h.Counter = binary.BigEndian.Uint64(p)
	h.Committed.Seq = int64(binary.BigEndian.Uint64(p[8:]))
	copy(h.Committed.Hash[:], p[16:])
	h.Pending.Seq = int64(binary.BigEndian.Uint64(p[48:]))
	copy(h.Pending.Hash[:], p[56:])
	h.Time = nanosTime(int64(binary.BigEndian.Uint64(p[88:])))
	h.Sig = append([]byte(nil), b[headBodySize:headBodySize+ed25519.SignatureSize]...)
	return h, true
}

// ParseHeadFile returns the head records found in the bytes of a head file
// (two alternating slots, so a torn write leaves the other one whole).
func ParseHeadFile(b []byte) []SignedHead {
	var out []SignedHead
	for off := 0; off+headSlotSize <= len(b); off += headSlotSize {
		if h, ok := parseHeadSlot(b[off : off+headSlotSize]); ok {
			out = append(out, h)
		}
	}
	return out
}

// SelectHead picks the newest head whose signature verifies. When none
// verifies it returns the newest one and false.
func SelectHead(pub ed25519.PublicKey, hs []SignedHead) (SignedHead, bool) {
	var best, newest SignedHead
	found := false
	for i, h := range hs {
		if i == 0 || h.Counter > newest.Counter {
			newest = h
		}
		if h.Valid(pub) && (!found || h.Counter > best.Counter) {
			best, found = h, true
		}
	}
	if found {
		return best, true
	}
	return newest, false
}

// headFile writes signed heads into alternating slots of one small file.
type headFile struct {
	f    *os.File
	priv ed25519.PrivateKey
	cur  SignedHead
}

func openHeadFile(path string, priv ed25519.PrivateKey, create bool) (*headFile, []SignedHead, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("audit head file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("audit head file %s: another Log has this store open: %w", path, err)
	}
	b := make([]byte, 2*headSlotSize)
	n, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, nil, fmt.Errorf("audit head file: %w", err)
	}
	return &headFile{f: f, priv: priv}, ParseHeadFile(b[:n]), nil
}

// write replaces the older slot with a new signed head. With sync it returns
// only once the head is on disk: the pending head must be, before the commit
// it allows. The settled head written after a commit is not synced; the
// next pending write flushes it, and until then a power loss leaves the
// pending head, which still allows the store's end.
func (hf *headFile) write(committed, pending Head, now time.Time, sync bool) error {
	h := SignedHead{Counter: hf.cur.Counter + 1, Committed: committed, Pending: pending, Time: now}
	body := h.body()
	h.Sig = ed25519.Sign(hf.priv, headMessage(body))
	slot := make([]byte, headSlotSize)
	copy(slot, body)
	copy(slot[headBodySize:], h.Sig)
	if _, err := hf.f.WriteAt(slot, int64(h.Counter%2)*headSlotSize); err != nil {
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

func (hf *headFile) close() error { return hf.f.Close() }
