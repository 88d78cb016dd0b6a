package chain

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"time"
)

// encodingVersion is the first byte of every canonical encoding. A new
// encoding gets a new version; old entries keep hashing under the old one.
const encodingVersion = 1

// Domain separation: an entry hash, a checkpoint signature and a head
// signature can never be mistaken for one another.
const (
	entryPrefix      = 0x00
	checkpointPrefix = 0x01
	headPrefix       = 0x02
)

// AppendCanonical appends the canonical bytes of e to dst: the version byte,
// then Seq and Time (UnixNano) as 8-byte big-endian integers, then each text
// field as a 4-byte big-endian length and its bytes, in a fixed order. The
// hashes themselves are not part of it.
func AppendCanonical(dst []byte, e *Entry) []byte {
	dst = append(dst, encodingVersion)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Seq))
	dst = binary.BigEndian.AppendUint64(dst, uint64(TimeNanos(e.Time)))
	for _, s := range [...]string{
		e.User, e.Role, e.Console, string(e.Action), e.Subject,
		e.JustKind, e.JustText, e.JustRef, e.AuthRef,
		string(e.Outcome), e.Reason, e.Detail,
	} {
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// EntryHash is SHA-256(0x00 ‖ prev ‖ canonical(e)).
func EntryHash(prev Digest, e *Entry) Digest {
	var hs Hasher
	return hs.Sum(prev, e)
}

// Hasher computes EntryHash reusing its buffer and SHA-256 state, so
// verifying (or appending) a million entries does not allocate a million
// buffers. The zero value is ready to use; it is not safe for concurrent use.
type Hasher struct {
	h   hash.Hash
	buf []byte
	out []byte
}

// Sum is EntryHash(prev, e).
func (hs *Hasher) Sum(prev Digest, e *Entry) Digest {
	if hs.h == nil {
		hs.h = sha256.New()
	}
	hs.buf = append(hs.buf[:0], entryPrefix)
	hs.buf = append(hs.buf, prev[:]...)
	hs.buf = AppendCanonical(hs.buf, e)
	hs.h.Reset()
	hs.h.Write(hs.buf)
	hs.out = hs.h.Sum(hs.out[:0])
	var d Digest
	copy(d[:], hs.out)
	return d
}

// TimeNanos is the stored and hashed form of a time: nanoseconds since the
// Unix epoch, UTC. It covers 1678 to 2262.
func TimeNanos(t time.Time) int64 { return t.UnixNano() }

// NanosTime is the time TimeNanos stored, in UTC.
func NanosTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// checkpointMessage is what a checkpoint signature covers.
func checkpointMessage(seq int64, head Digest, t time.Time) []byte {
	m := make([]byte, 0, 1+len(checkpointContext)+8+HashSize+8)
	m = append(m, checkpointPrefix)
	m = append(m, checkpointContext...)
	m = binary.BigEndian.AppendUint64(m, uint64(seq))
	m = append(m, head[:]...)
	m = binary.BigEndian.AppendUint64(m, uint64(TimeNanos(t)))
	return m
}

const (
	checkpointContext = "zoneconsole audit checkpoint v1\x00"
	headContext       = "zoneconsole audit head v1\x00"
)
