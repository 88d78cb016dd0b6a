package recording

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
)

// segFile is one segment file being written: the init part, then one part
// after the other, each appended with a single write so that a kill loses
// at most the part in flight. It hashes what it writes, so closing needs no
// second read of the file.
type segFile struct {
	f      *os.File
	path   string // absolute
	size   int64  // bytes known good (whole init and parts)
	hash   hash.Hash
	seq    uint32
	buf    seekablebuffer.Buffer
	broken bool // a write failed: the hash no longer matches, rehash on close
}

func createSegFile(path string, init *fmp4.Init) (*segFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	s := &segFile{f: f, path: path, hash: sha256.New()}
	if err := init.Marshal(&s.buf); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("segment %s: init: %w", path, err)
	}
	if err := s.append(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return s, nil
}

// writePart appends one part.
func (s *segFile) writePart(tr *fmp4.PartTrack) error {
	s.seq++
	p := fmp4.Part{SequenceNumber: s.seq, Tracks: []*fmp4.PartTrack{tr}}
	if err := p.Marshal(&s.buf); err != nil {
		s.buf.Reset()
		return fmt.Errorf("segment %s: part %d: %w", s.path, s.seq, err)
	}
	return s.append()
}

// append writes the marshalled buffer. A short or failed write is cut off
// again, so the file always ends on a whole part.
func (s *segFile) append() error {
	b := s.buf.Bytes()
	defer func() {
		s.buf.Reset()
		// Reset keeps the seekable buffer's position: rewind it too.
		s.buf.Seek(0, io.SeekStart) //nolint:errcheck // cannot fail at 0
	}()
	n, err := s.f.Write(b)
	if err == nil {
		s.hash.Write(b)
		s.size += int64(n)
		return nil
	}
	if n > 0 {
		s.broken = true
		if terr := s.f.Truncate(s.size); terr != nil {
			err = errors.Join(err, fmt.Errorf("cutting the torn part: %w", terr))
		}
	}
	if isNoSpace(err) {
		return fmt.Errorf("segment %s: %w: %w", s.path, ErrDiskFull, err)
	}
	return fmt.Errorf("segment %s: %w", s.path, err)
}

// close syncs and closes the file and returns its size and SHA-256.
func (s *segFile) close() (int64, []byte, error) {
	serr := s.f.Sync()
	cerr := s.f.Close()
	if s.broken {
		sum, size, err := hashFile(s.path)
		if err != nil {
			return 0, nil, err
		}
		return size, sum, nil
	}
	if err := errors.Join(serr, cerr); err != nil {
		return s.size, s.hash.Sum(nil), fmt.Errorf("segment %s: close: %w", s.path, err)
	}
	return s.size, s.hash.Sum(nil), nil
}

// hashFile returns the SHA-256 and size of a file.
func hashFile(path string) ([]byte, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return h.Sum(nil), n, nil
}
