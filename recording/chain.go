package recording

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// chainVersion is the first byte of the canonical encoding; a change of the
// encoding gets a new version, never a silent reinterpretation.
const chainVersion = 1

// chainPrefix separates segment chain hashes from every other SHA-256 the
// console makes (audit entries, exports).
var chainPrefix = []byte("zoneconsole/recording/segment\x00")

// encodeSegment is the canonical encoding of the chained fields of s: a
// version byte, then each field length-prefixed (uint32, big endian), in a
// fixed order. The row id and the deletion mark are not chained: the first
// is local to one database, the second is written later by the cleaner.
func encodeSegment(s Segment) []byte {
	var b []byte
	b = append(b, chainVersion)
	field := func(p []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	num := func(v int64) { field(binary.BigEndian.AppendUint64(nil, uint64(v))) }
	field([]byte(s.Camera))
	field([]byte(s.Stream))
	num(s.Seq)
	num(ns(s.Start))
	num(ns(s.End))
	field([]byte(s.Path))
	num(s.Bytes)
	field(s.SHA256)
	field(s.Prev)
	return b
}

// chainHash is SHA-256(prefix ‖ canonical encoding, which ends with the
// previous chain hash).
func chainHash(s Segment) []byte {
	h := sha256.New()
	h.Write(chainPrefix)
	h.Write(encodeSegment(s))
	return h.Sum(nil)
}

// Problem is what Verify found wrong with a segment.
type Problem string

// Problems Verify reports.
const (
	ProblemChain   Problem = "chain broken (row changed, removed or reordered)"
	ProblemMissing Problem = "file missing"
	ProblemChanged Problem = "file changed"
)

// SegmentError names the first segment that does not verify.
type SegmentError struct {
	Camera  string
	Seq     int64
	Path    string
	Problem Problem
	Want    []byte // expected hash, when one was compared
	Got     []byte
}

func (e *SegmentError) Error() string {
	s := fmt.Sprintf("camera %s: segment %d (%s): %s", e.Camera, e.Seq, e.Path, e.Problem)
	if e.Want != nil {
		s += fmt.Sprintf(": want %x, got %x", e.Want, e.Got)
	}
	return s
}

// VerifyChain checks rows (every closed row, deleted ones too, ordered by
// camera then seq) without any I/O: each camera's chain starts at seq 1 from
// zeros, every seq follows the one before, every prev is the chain hash of
// the row before, and every chain hash is recomputed. Starts are not
// required to increase: a segment may start on the camera's NTP clock after
// one that started on arrival time, and a reordering is caught by the chain.
func VerifyChain(rows []Segment) error {
	zero := make([]byte, 32)
	var prev *Segment
	for i := range rows {
		s := &rows[i]
		if prev != nil && s.Camera != prev.Camera {
			prev = nil
		}
		wantSeq, wantPrev := int64(1), zero
		if prev != nil {
			wantSeq, wantPrev = prev.Seq+1, prev.Chain
		}
		if s.Seq != wantSeq || !bytes.Equal(s.Prev, wantPrev) {
			return &SegmentError{Camera: s.Camera, Seq: s.Seq, Path: s.Path, Problem: ProblemChain, Want: wantPrev, Got: s.Prev}
		}
		if got := chainHash(*s); !bytes.Equal(got, s.Chain) {
			return &SegmentError{Camera: s.Camera, Seq: s.Seq, Path: s.Path, Problem: ProblemChain, Want: s.Chain, Got: got}
		}
		prev = s
	}
	return nil
}

// ErrUnreadable wraps a failure to read the index or a file for a reason
// other than the file being absent (exit 2 for `record verify`).
var ErrUnreadable = errors.New("unreadable")

// Verify checks the index's chains and then every file that was not deleted
// by the cleaner against its size and SHA-256. It returns nil when intact,
// a *SegmentError naming the first bad segment, or an error wrapping
// ErrUnreadable.
func (x *Index) Verify(ctx context.Context, recordingsDir string) error {
	rows, err := x.chainRows(ctx)
	if err != nil {
		return fmt.Errorf("verify: %w: %w", ErrUnreadable, err)
	}
	if err := VerifyChain(rows); err != nil {
		return err
	}
	for _, s := range rows {
		if !s.Deleted.IsZero() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		sum, size, err := hashFile(filepath.Join(recordingsDir, filepath.FromSlash(s.Path)))
		switch {
		case errors.Is(err, os.ErrNotExist):
			return &SegmentError{Camera: s.Camera, Seq: s.Seq, Path: s.Path, Problem: ProblemMissing}
		case err != nil:
			return fmt.Errorf("verify %s: %w: %w", s.Path, ErrUnreadable, err)
		case size != s.Bytes || !bytes.Equal(sum, s.SHA256):
			return &SegmentError{Camera: s.Camera, Seq: s.Seq, Path: s.Path, Problem: ProblemChanged, Want: s.SHA256, Got: sum}
		}
	}
	return nil
}

// ExitCode maps Verify's result to `zoneconsole record verify`'s exit: 0
// intact, 1 a segment changed or missing, 2 unreadable.
func ExitCode(err error) int {
	var se *SegmentError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &se):
		return 1
	}
	return 2
}
