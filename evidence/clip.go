package evidence

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/pmp4"
)

// progress reports bytes of source footage done, at most every half
// percent, so that a UI callback is not called for every frame.
type progress struct {
	fn          func(done, total int64)
	done, total int64
	last        int64
}

func (p *progress) add(n int64) {
	p.done += n
	if p.fn != nil && (p.done-p.last >= p.total/200 || p.done == p.total) {
		p.last = p.done
		p.fn(p.done, p.total)
	}
}

// payloadReader reads sample payloads file after file, keeping one open,
// into one reused buffer: pmp4 writes each payload before it asks for the
// next.
type payloadReader struct {
	ctx  context.Context
	f    *os.File
	path string
	buf  []byte
	prog *progress
}

func (pr *payloadReader) read(path string, off int64, size uint32) ([]byte, error) {
	if err := pr.ctx.Err(); err != nil {
		return nil, err
	}
	if pr.path != path {
		pr.close()
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("source %w", err)
		}
		pr.f, pr.path = f, path
	}
	if cap(pr.buf) < int(size) {
		pr.buf = make([]byte, size+size/2)
	}
	b := pr.buf[:size]
	if _, err := pr.f.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("source %s at %d: %w", path, off, err)
	}
	pr.prog.add(int64(size))
	return b, nil
}

func (pr *payloadReader) close() {
	if pr.f != nil {
		pr.f.Close()
		pr.f, pr.path = nil, ""
	}
}

// hashedFile is a file being written with its SHA-256 and size taken on
// the way, so that a clip of an hour is not read again to be hashed.
type hashedFile struct {
	f    *os.File
	bw   *bufio.Writer
	h    hash.Hash
	n    int64
	name string
}

func createHashed(path, name string) (*hashedFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	return &hashedFile{f: f, bw: bufio.NewWriterSize(f, 1<<20), h: sha256.New(), name: name}, nil
}

func (hf *hashedFile) Write(b []byte) (int, error) {
	n, err := hf.bw.Write(b)
	hf.h.Write(b[:n])
	hf.n += int64(n)
	return n, err
}

// finish flushes, syncs and closes the file and returns its entry.
func (hf *hashedFile) finish() (FileEntry, error) {
	err := hf.bw.Flush()
	if err == nil {
		err = hf.f.Sync()
	}
	if cerr := hf.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return FileEntry{}, fmt.Errorf("%s: %w", hf.name, err)
	}
	return FileEntry{Name: hf.name, SHA256: hex.EncodeToString(hf.h.Sum(nil)), Bytes: hf.n}, nil
}

func (hf *hashedFile) abort() { hf.f.Close() }

// writeRemux writes run as a plain MP4 without re-encoding: the source
// samples as they were recorded, on the clip timeline of run.samples.
func writeRemux(ctx context.Context, w io.Writer, r *run, prog *progress) error {
	pr := &payloadReader{ctx: ctx, prog: prog}
	defer pr.close()
	first := r.pieces[0].tr
	tr := &pmp4.Track{ID: 1, TimeScale: first.TimeScale, Codec: first.MP4Codec}
	for _, s := range r.samples() {
		src := s.p.tr.Samples[s.i]
		path := s.p.path
		tr.Samples = append(tr.Samples, &pmp4.Sample{
			Duration:        uint32(min(s.duration, 1<<32-1)),
			PTSOffset:       src.PTSOffset,
			IsNonSyncSample: !src.Sync,
			PayloadSize:     src.Size,
			GetPayload:      func() ([]byte, error) { return pr.read(path, src.Offset, src.Size) },
		})
	}
	p := pmp4.Presentation{Tracks: []*pmp4.Track{tr}}
	if err := p.Marshal(w); err != nil {
		return fmt.Errorf("write mp4: %w", err)
	}
	return nil
}
