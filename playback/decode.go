package playback

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"

	"github.com/politiezone/zoneconsole/video"
)

// decode brings the decoder to frame p and returns its picture. It goes on
// from where the decoder is when p lies ahead in the same segment (jumping
// to a later keyframe when there is one on the way), and otherwise starts
// again with a fresh decoder from the keyframe at or before p: a fresh one,
// because a decoder that reorders may still hold pictures of before the jump.
func (r *Reader) decode(p pos) (*image.RGBA, error) {
	tr := r.segs[p.seg].track
	target, d := tr.Frame(p.frame)
	pts := target.PTS()
	restart := !r.run.ok || r.run.seg != p.seg || (r.run.out && pts <= r.run.last)
	if !restart && r.run.next > d && !slices.Contains(r.run.pending, pts) {
		restart = true // fed already, yet not given back: start over
	}
	if !restart {
		if k := lastSync(tr, d); k > r.run.next {
			// A keyframe lies between: whatever precedes it is not needed.
			r.run.next, r.run.pending = k, r.run.pending[:0]
		}
	} else {
		if err := r.newDecoder(tr.Codec); err != nil {
			return nil, err
		}
		r.run = run{ok: true, seg: p.seg, next: max(lastSync(tr, d), 0), fresh: true, pending: r.run.pending[:0]}
	}
	for r.run.next < len(tr.Samples) {
		i := r.run.next
		r.run.next++
		s := tr.Samples[i]
		au, err := r.readAU(p.seg, tr, s)
		if err != nil {
			r.run.ok = false
			return nil, err
		}
		// The picture that comes out, if one does, is the smallest PTS
		// fed and not yet given back: convert only when that is p.
		cand := s.PTS()
		for _, v := range r.run.pending {
			cand = min(cand, v)
		}
		var img *image.RGBA
		if cand == pts {
			img, err = r.dec.DecodeInto(au, r.img)
		} else {
			err = r.dec.DecodeSkip(au)
		}
		switch {
		case err == nil:
			if cand != s.PTS() {
				r.run.pending = slices.DeleteFunc(r.run.pending, func(v int64) bool { return v == cand })
				r.run.pending = append(r.run.pending, s.PTS())
			}
			r.run.out, r.run.last = true, cand
			if cand == pts {
				r.img = img
				return img, nil
			}
		case errors.Is(err, video.ErrNoFrame):
			r.run.pending = append(r.run.pending, s.PTS())
		case i == d:
			r.run.ok = false
			return nil, &SegmentError{Path: r.segs[p.seg].rec.Path, Err: fmt.Errorf("frame %d: %w", p.frame, err)}
		default:
			// A damaged picture before the target: the decoder conceals
			// it and resynchronises; the target may still come out right.
		}
	}
	r.run.ok = false
	return nil, &SegmentError{Path: r.segs[p.seg].rec.Path, Err: fmt.Errorf("%w: frame %d: no picture from the decoder", ErrCorrupt, p.frame)}
}

// lastSync is the decode index of the last keyframe at or before d, -1 if
// none.
func lastSync(tr *Track, d int) int {
	for k := d; k >= 0; k-- {
		if tr.Samples[k].Sync {
			return k
		}
	}
	return -1
}

func (r *Reader) newDecoder(c video.Codec) error {
	if r.dec != nil {
		r.dec.Close()
	}
	dec, err := video.NewDecoder(c)
	if err != nil {
		r.dec = nil
		return fmt.Errorf("playback: %w", err)
	}
	r.dec = dec
	return nil
}

// readAU reads sample s of segment si and splits its 4-byte length
// prefixed NAL units (AVCC, as the recorder stores them) into what the
// decoder takes: NAL units without prefix or start code. The first unit of
// a run gets the init part's parameter sets in front, for files whose
// keyframes do not carry them.
func (r *Reader) readAU(si int, tr *Track, s Sample) ([][]byte, error) {
	if r.fileSeg != si {
		if r.file != nil {
			r.file.Close()
		}
		f, err := os.Open(filepath.Join(r.dir, filepath.FromSlash(r.segs[si].rec.Path)))
		if err != nil {
			r.file, r.fileSeg = nil, -1
			return nil, &SegmentError{Path: r.segs[si].rec.Path, Err: err}
		}
		r.file, r.fileSeg = f, si
	}
	if cap(r.payload) < int(s.Size) {
		r.payload = make([]byte, s.Size+s.Size/2)
	}
	buf := r.payload[:s.Size]
	if _, err := r.file.ReadAt(buf, s.Offset); err != nil {
		return nil, &SegmentError{Path: r.segs[si].rec.Path, Err: fmt.Errorf("sample at %d: %w", s.Offset, err)}
	}
	r.nalus = r.nalus[:0]
	if r.run.fresh {
		r.run.fresh = false
		for _, ps := range [][]byte{tr.Params.VPS, tr.Params.SPS, tr.Params.PPS} {
			if len(ps) > 0 {
				r.nalus = append(r.nalus, ps)
			}
		}
	}
	nalus, err := SplitAVCC(r.nalus, buf)
	if err != nil {
		return nil, &SegmentError{Path: r.segs[si].rec.Path, Err: fmt.Errorf("sample at %d: %w", s.Offset, err)}
	}
	r.nalus = nalus
	return nalus, nil
}

// SplitAVCC appends to dst the NAL units of an AVCC payload (each after a
// 4-byte big-endian length), as views into payload.
func SplitAVCC(dst [][]byte, payload []byte) ([][]byte, error) {
	for len(payload) > 0 {
		if len(payload) < 4 {
			return dst, fmt.Errorf("%w: NAL unit length cut", ErrCorrupt)
		}
		n := binary.BigEndian.Uint32(payload)
		if n == 0 || uint64(n) > uint64(len(payload)-4) {
			return dst, fmt.Errorf("%w: NAL unit of %d bytes in %d", ErrCorrupt, n, len(payload)-4)
		}
		dst = append(dst, payload[4:4+n])
		payload = payload[4+n:]
	}
	return dst, nil
}
