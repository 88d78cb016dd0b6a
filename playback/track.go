package playback

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/politiezone/zoneconsole/video"
)

// ErrCorrupt is wrapped by every error about a segment file that is not
// what the recorder writes (as opposed to one that cannot be opened).
var ErrCorrupt = errors.New("corrupt segment")

// Sample is one access unit of a segment file.
type Sample struct {
	Offset    int64  // of its payload (length-prefixed NAL units) in the file
	Size      uint32 // of the payload
	DTS       int64  // decode time in track units from the segment start
	PTSOffset int32  // presentation time minus decode time
	Duration  uint32 // in track units
	Sync      bool   // a keyframe: decoding may start here
}

// PTS is the presentation time in track units from the segment start.
func (s Sample) PTS() int64 { return s.DTS + int64(s.PTSOffset) }

// Track is the video track of one segment file: its codec description from
// the init part and the table of its samples from the parts, in decode order.
type Track struct {
	Path      string
	Codec     video.Codec
	Params    video.Params // from the init part (SPS/PPS, VPS for H.265)
	MP4Codec  mp4.Codec    // the same, as the MP4 sample entry describes it
	TimeScale uint32
	Samples   []Sample
	// Size is where the last whole part ends: the file is read up to there.
	Size int64
	// Torn tells that bytes follow Size that are not a whole part: the part
	// being written of an open segment, or what a crash left.
	Torn bool

	trackID uint32
	order   []int32 // decode index of each frame in presentation order; nil when the same
}

// ReadTrack reads the init part and every whole part of the segment file at
// path. Only the boxes' headers and the moofs are read, not the pictures.
func ReadTrack(path string) (*Track, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	t := &Track{Path: path}
	if err := t.readInit(f, st.Size()); err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	if err := t.readParts(f, st.Size()); err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	return t, nil
}

// Refresh reads the parts appended since the last read: a segment still
// being written grows by one part about every second.
func (t *Track) Refresh() (added int, err error) {
	f, err := os.Open(t.Path)
	if err != nil {
		return 0, fmt.Errorf("segment %s: %w", t.Path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("segment %s: %w", t.Path, err)
	}
	n := len(t.Samples)
	if err := t.readParts(f, st.Size()); err != nil {
		return len(t.Samples) - n, fmt.Errorf("segment %s: %w", t.Path, err)
	}
	return len(t.Samples) - n, nil
}

// Frames is the number of samples.
func (t *Track) Frames() int { return len(t.Samples) }

// Frame returns the sample shown p-th (presentation order) and its index
// in decode order.
func (t *Track) Frame(p int) (Sample, int) {
	d := p
	if t.order != nil {
		d = int(t.order[p])
	}
	return t.Samples[d], d
}

// Time converts track units to a duration.
func (t *Track) Time(units int64) time.Duration {
	ts := int64(t.TimeScale)
	return time.Duration(units/ts)*time.Second + time.Duration(units%ts)*time.Second/time.Duration(ts)
}

// Duration is the media time the track holds: the end of its last sample.
func (t *Track) Duration() time.Duration {
	if len(t.Samples) == 0 {
		return 0
	}
	last := t.Samples[len(t.Samples)-1]
	return t.Time(last.DTS + int64(last.Duration))
}

// header reads the box header at off: type, total size and header length.
// ok is false when the box does not fit in size (torn).
func header(f io.ReaderAt, off, size int64) (typ string, n, hs int64, ok bool, err error) {
	var h [16]byte
	if off+8 > size {
		return "", 0, 0, false, nil
	}
	if _, err := f.ReadAt(h[:8], off); err != nil {
		return "", 0, 0, false, err
	}
	n, hs = int64(binary.BigEndian.Uint32(h[:4])), 8
	if n == 1 {
		if off+16 > size {
			return "", 0, 0, false, nil
		}
		if _, err := f.ReadAt(h[8:16], off+8); err != nil {
			return "", 0, 0, false, err
		}
		n, hs = int64(binary.BigEndian.Uint64(h[8:16])), 16
	}
	if n < hs || off+n > size {
		return string(h[4:8]), n, hs, false, nil
	}
	return string(h[4:8]), n, hs, true, nil
}

func (t *Track) readInit(f io.ReaderAt, size int64) error {
	typ, n, _, ok, err := header(f, 0, size)
	if err != nil {
		return err
	}
	if !ok || typ != "ftyp" {
		return fmt.Errorf("%w: no ftyp box at the start", ErrCorrupt)
	}
	typ, m, _, ok, err := header(f, n, size)
	if err != nil {
		return err
	}
	if !ok || typ != "moov" {
		return fmt.Errorf("%w: no whole moov box after ftyp", ErrCorrupt)
	}
	buf := make([]byte, n+m)
	if _, err := f.ReadAt(buf, 0); err != nil {
		return err
	}
	var init fmp4.Init
	if err := init.Unmarshal(bytes.NewReader(buf)); err != nil {
		return fmt.Errorf("%w: init: %w", ErrCorrupt, err)
	}
	if len(init.Tracks) != 1 {
		return fmt.Errorf("%w: %d tracks, the recorder writes one", ErrCorrupt, len(init.Tracks))
	}
	it := init.Tracks[0]
	switch c := it.Codec.(type) {
	case *mp4.CodecH264:
		t.Codec, t.Params = video.CodecH264, video.Params{SPS: c.SPS, PPS: c.PPS}
	case *mp4.CodecH265:
		t.Codec, t.Params = video.CodecH265, video.Params{VPS: c.VPS, SPS: c.SPS, PPS: c.PPS}
	default:
		return fmt.Errorf("%w: codec %T not played", ErrCorrupt, it.Codec)
	}
	if it.TimeScale == 0 {
		return fmt.Errorf("%w: time scale 0", ErrCorrupt)
	}
	t.MP4Codec, t.TimeScale, t.trackID = it.Codec, it.TimeScale, uint32(it.ID)
	t.Size = n + m
	return nil
}

// readParts appends the samples of the whole moof+mdat pairs from t.Size
// on. One read per part takes the moof and the mdat header together.
func (t *Track) readParts(f io.ReaderAt, size int64) error {
	buf := make([]byte, 4096)
	t.Torn = false
	for off := t.Size; off < size; {
		typ, n, _, ok, err := header(f, off, size)
		if err != nil {
			return err
		}
		if !ok {
			t.Torn = true
			break
		}
		if typ != "moof" {
			// Another box (free, a foreign tool's): not a part, skip it.
			off += n
			continue
		}
		need := n + 16
		if need > int64(len(buf)) {
			buf = make([]byte, need)
		}
		m := min(need, size-off)
		if _, err := f.ReadAt(buf[:m], off); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		mtyp, mn, mhs, mok, err := header(bytes.NewReader(buf[:m]), n, m)
		if err != nil || mtyp != "mdat" {
			if off+n+8 > size {
				t.Torn = true
				break
			}
			return fmt.Errorf("%w: part at %d: moof without mdat", ErrCorrupt, off)
		}
		if !mok {
			// The header fits but the mdat runs past the end of what was
			// read: whole only if the file holds it.
			if off+n+mn > size || mn < mhs {
				t.Torn = true
				break
			}
		}
		dataStart, dataEnd := off+n+mhs, off+n+mn
		samples, err := t.parseMoof(buf[8:n], off)
		if err != nil {
			return fmt.Errorf("part at %d: %w", off, err)
		}
		for _, s := range samples {
			if s.Offset < dataStart || s.Offset+int64(s.Size) > dataEnd {
				return fmt.Errorf("%w: part at %d: sample outside its mdat", ErrCorrupt, off)
			}
		}
		t.Samples = append(t.Samples, samples...)
		off += n + mn
		t.Size = off
	}
	t.sortOrder()
	return nil
}

// sortOrder builds the presentation order when it differs from the decode
// order (B-frames).
func (t *Track) sortOrder() {
	t.order = nil
	reordered := false
	for i := 1; i < len(t.Samples); i++ {
		if t.Samples[i].PTS() < t.Samples[i-1].PTS() {
			reordered = true
			break
		}
	}
	if !reordered {
		return
	}
	t.order = make([]int32, len(t.Samples))
	for i := range t.order {
		t.order[i] = int32(i)
	}
	sort.SliceStable(t.order, func(a, b int) bool {
		return t.Samples[t.order[a]].PTS() < t.Samples[t.order[b]].PTS()
	})
}
