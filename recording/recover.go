package recording

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
)

// box is one top-level MP4 box of a file.
type box struct {
	typ        string
	off, size  int64
	headerSize int64
}

// scanBoxes lists the complete top-level boxes of f (size bytes long) and
// stops at the first torn one.
func scanBoxes(f io.ReaderAt, size int64) ([]box, error) {
	var out []box
	var hdr [16]byte
	for off := int64(0); off+8 <= size; {
		if _, err := f.ReadAt(hdr[:8], off); err != nil {
			return out, err
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		hs := int64(8)
		if n == 1 {
			if off+16 > size {
				break
			}
			if _, err := f.ReadAt(hdr[8:16], off+8); err != nil {
				return out, err
			}
			n, hs = int64(binary.BigEndian.Uint64(hdr[8:16])), 16
		}
		if n < hs || off+n > size {
			break // torn (or size 0, "to the end", which we never write)
		}
		out = append(out, box{typ: string(hdr[4:8]), off: off, size: n, headerSize: hs})
		off += n
	}
	return out, nil
}

// validLength is the length of the file's whole init and whole parts (each
// a moof followed by its mdat), and the last part's boxes.
func validLength(boxes []box) (n int64, lastMoof, lastMdat *box) {
	if len(boxes) < 2 || boxes[0].typ != "ftyp" || boxes[1].typ != "moov" {
		return 0, nil, nil
	}
	n = boxes[1].off + boxes[1].size
	for i := 2; i+1 < len(boxes); i += 2 {
		if boxes[i].typ != "moof" || boxes[i+1].typ != "mdat" {
			break
		}
		lastMoof, lastMdat = &boxes[i], &boxes[i+1]
		n = lastMdat.off + lastMdat.size
	}
	return n, lastMoof, lastMdat
}

// fileDuration is the media duration a segment file holds: the last part's
// base time plus its sample durations.
func fileDuration(path string) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	boxes, err := scanBoxes(f, st.Size())
	if err != nil {
		return 0, fmt.Errorf("segment %s: %w", path, err)
	}
	_, moof, mdat := validLength(boxes)
	if moof == nil {
		return 0, fmt.Errorf("segment %s: no complete part", path)
	}
	return partEnd(f, path, moof, mdat)
}

func partEnd(f io.ReaderAt, path string, moof, mdat *box) (time.Duration, error) {
	buf := make([]byte, mdat.off+mdat.size-moof.off)
	if _, err := f.ReadAt(buf, moof.off); err != nil {
		return 0, fmt.Errorf("segment %s: last part: %w", path, err)
	}
	var parts fmp4.Parts
	if err := parts.Unmarshal(buf); err != nil || len(parts) == 0 || len(parts[0].Tracks) == 0 {
		return 0, fmt.Errorf("segment %s: last part unreadable: %v", path, err)
	}
	tr := parts[0].Tracks[0]
	end := tr.BaseTime
	for _, s := range tr.Samples {
		end += uint64(s.Duration)
	}
	return time.Duration(end/timeScale)*time.Second + time.Duration(end%timeScale)*time.Second/timeScale, nil
}

// recoverSegments closes the segments a crash left open: the file is cut
// after its last whole part, its real end is read from that part, and it is
// hashed, indexed and chained. A row whose file is missing or holds no whole
// part is dropped (it never held footage).
func recoverSegments(ctx context.Context, idx *Index, dir string, log *slog.Logger) (int, error) {
	open, err := idx.openSegments(ctx)
	if err != nil {
		return 0, fmt.Errorf("recover: %w", err)
	}
	n := 0
	for _, s := range open {
		ok, err := recoverOne(ctx, idx, dir, s)
		if err != nil {
			return n, fmt.Errorf("camera %s: recover %s: %w", s.Camera, s.Path, err)
		}
		if ok {
			n++
			log.Info("unfinished segment closed", "camera", s.Camera, "path", s.Path)
		}
	}
	return n, nil
}

func recoverOne(ctx context.Context, idx *Index, dir string, s Segment) (bool, error) {
	path := filepath.Join(dir, filepath.FromSlash(s.Path))
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, idx.dropOpen(ctx, s.ID)
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	boxes, err := scanBoxes(f, st.Size())
	if err != nil {
		return false, err
	}
	n, moof, mdat := validLength(boxes)
	if moof == nil {
		f.Close()
		if err := os.Remove(path); err != nil {
			return false, err
		}
		return false, idx.dropOpen(ctx, s.ID)
	}
	if n < st.Size() {
		if err := f.Truncate(n); err != nil {
			return false, fmt.Errorf("cut torn part: %w", err)
		}
	}
	if err := f.Sync(); err != nil {
		return false, err
	}
	dur, err := partEnd(f, path, moof, mdat)
	if err != nil {
		return false, err
	}
	sum, size, err := hashFile(path)
	if err != nil {
		return false, err
	}
	_, err = idx.closeSegment(ctx, s.ID, s.Start.Add(dur), size, sum)
	return err == nil, err
}
