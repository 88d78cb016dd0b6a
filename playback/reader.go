package playback

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/video"
)

// KeyframesAbove is the playback speed above which only keyframes are
// decoded (SetKeyframesOnly): decoding every frame of a 720p stream at 8x
// would take more than a core.
const KeyframesAbove = 4.0

// maxLoaded bounds the sample tables kept in memory: a year of segments
// may be opened for a timeline, but only the few around the play head are
// read.
const maxLoaded = 8

// Frame is one decoded picture and when the camera captured it.
type Frame struct {
	// Image is the reader's buffer: valid until the next call on the Reader.
	Image    *image.RGBA
	Time     time.Time     // capture time: the segment's start plus the frame's PTS
	Duration time.Duration // until the next frame
	Keyframe bool
	Segment  string // path relative to the recordings directory
}

// SegmentError names a segment that could not be read (missing, cut short
// or corrupt). The Reader goes on with the other segments.
type SegmentError struct {
	Path string // relative to the recordings directory
	Err  error
}

func (e *SegmentError) Error() string { return fmt.Sprintf("segment %s: %v", e.Path, e.Err) }
func (e *SegmentError) Unwrap() error { return e.Err }

// Reader plays back the segments of one camera. It is not safe for
// concurrent use.
type Reader struct {
	dir     string
	segs    []segment
	keyOnly bool

	cur    pos
	hasCur bool

	dec *video.Decoder
	run run
	img *image.RGBA

	file    *os.File
	fileSeg int
	payload []byte
	nalus   [][]byte
	loaded  []int // segment indices with a table in memory, oldest first
	skipped []*SegmentError
}

type segment struct {
	rec   recording.Segment
	track *Track
	err   *SegmentError
}

// pos is a frame: a segment index and the frame's place in presentation order.
type pos struct{ seg, frame int }

// run is the decoder's state: which segment it decodes, the next sample
// (decode order) it will be fed, and the PTS of the pictures fed but not
// yet output (a decoder that reorders gives them back later, smallest first).
type run struct {
	ok      bool
	seg     int
	next    int
	out     bool
	last    int64
	pending []int64
	fresh   bool // no unit fed yet: the parameter sets go first
}

// Open makes a Reader over segs (one camera's, in any order); segment paths
// are relative to recordingsDir. No file is read until a frame is asked for,
// so a year's segments open at once.
func Open(recordingsDir string, segs []recording.Segment) (*Reader, error) {
	if len(segs) == 0 {
		return nil, errors.New("playback: no segments")
	}
	r := &Reader{dir: recordingsDir, fileSeg: -1}
	for _, s := range segs {
		if s.Camera != segs[0].Camera {
			return nil, fmt.Errorf("playback: segments of cameras %s and %s: one camera per reader", segs[0].Camera, s.Camera)
		}
		r.segs = append(r.segs, segment{rec: s})
	}
	sort.SliceStable(r.segs, func(i, j int) bool { return r.segs[i].rec.Start.Before(r.segs[j].rec.Start) })
	return r, nil
}

// SetKeyframesOnly makes Next, Prev and SeekTo go from keyframe to
// keyframe, decoding nothing in between (speeds above KeyframesAbove).
func (r *Reader) SetKeyframesOnly(on bool) { r.keyOnly = on }

// Skipped lists the segments found unreadable so far, each once.
func (r *Reader) Skipped() []*SegmentError { return slices.Clone(r.skipped) }

// Close frees the decoder and the open file. It is idempotent.
func (r *Reader) Close() error {
	if r.dec != nil {
		r.dec.Close()
		r.dec = nil
	}
	var err error
	if r.file != nil {
		err = r.file.Close()
		r.file, r.fileSeg = nil, -1
	}
	return err
}

// SeekTo shows the frame on screen at t: the one whose display interval
// holds t, decoded forward from the keyframe at or before it. In a gap it
// shows the first frame after the gap, and before the first recording the
// first frame; after the last it returns io.EOF. In keyframe mode it shows
// the keyframe at or before that frame.
func (r *Reader) SeekTo(t time.Time) (Frame, error) {
	p, ok := r.locate(t)
	if !ok {
		return Frame{}, io.EOF
	}
	if r.keyOnly {
		p = r.syncAtOrBefore(p)
	}
	return r.show(p)
}

// Next shows the frame after the current one (the first frame before any
// seek), or the next keyframe in keyframe mode; io.EOF past the last.
func (r *Reader) Next() (Frame, error) {
	var p pos
	var ok bool
	if !r.hasCur {
		p, ok = r.firstFrom(0)
	} else {
		p, ok = r.after(r.cur)
	}
	for ok && r.keyOnly && !r.sync(p) {
		p, ok = r.after(p)
	}
	if !ok {
		return Frame{}, io.EOF
	}
	return r.show(p)
}

// Prev shows the frame before the current one, decoded again from the
// keyframe before it, or the previous keyframe in keyframe mode; io.EOF
// before the first.
func (r *Reader) Prev() (Frame, error) {
	if !r.hasCur {
		return Frame{}, io.EOF
	}
	p, ok := r.before(r.cur)
	for ok && r.keyOnly && !r.sync(p) {
		p, ok = r.before(p)
	}
	if !ok {
		return Frame{}, io.EOF
	}
	return r.show(p)
}

func (r *Reader) show(p pos) (Frame, error) {
	img, err := r.decode(p)
	if err != nil {
		return Frame{}, err
	}
	r.cur, r.hasCur = p, true
	tr := r.segs[p.seg].track
	s, _ := tr.Frame(p.frame)
	return Frame{
		Image:    img,
		Time:     r.segs[p.seg].rec.Start.Add(tr.Time(s.PTS())),
		Duration: tr.Time(int64(s.Duration)),
		Keyframe: s.Sync,
		Segment:  r.segs[p.seg].rec.Path,
	}, nil
}

// locate finds the frame on screen at t (see SeekTo).
func (r *Reader) locate(t time.Time) (pos, bool) {
	i := sort.Search(len(r.segs), func(i int) bool { return r.segs[i].rec.Start.After(t) }) - 1
	if i < 0 {
		return r.firstFrom(0)
	}
	tr := r.load(i)
	if tr == nil {
		return r.firstFrom(i + 1)
	}
	off := t.Sub(r.segs[i].rec.Start)
	if off >= tr.Duration() && r.segs[i].rec.End.IsZero() {
		tr.Refresh() //nolint:errcheck // an unreadable tail shows as the end of the footage
	}
	if off >= tr.Duration() {
		return r.firstFrom(i + 1)
	}
	n := tr.Frames()
	k := sort.Search(n, func(k int) bool {
		s, _ := tr.Frame(k)
		return tr.Time(s.PTS()) > off
	}) - 1
	return pos{i, max(k, 0)}, true
}

// load returns segment i's sample table, reading it on first use; nil for a
// segment that cannot be read or holds no frame (recorded in Skipped).
func (r *Reader) load(i int) *Track {
	sg := &r.segs[i]
	if sg.track != nil {
		return sg.track
	}
	if sg.err != nil {
		return nil
	}
	tr, err := ReadTrack(filepath.Join(r.dir, filepath.FromSlash(sg.rec.Path)))
	if err == nil && tr.Frames() == 0 && !sg.rec.End.IsZero() {
		err = fmt.Errorf("%w: no whole part", ErrCorrupt)
	}
	if err != nil {
		sg.err = &SegmentError{Path: sg.rec.Path, Err: err}
		r.skipped = append(r.skipped, sg.err)
		return nil
	}
	if tr.Frames() == 0 {
		return nil // open, nothing written yet
	}
	sg.track = tr
	r.loaded = append(r.loaded, i)
	if len(r.loaded) > maxLoaded {
		for k, j := range r.loaded {
			if j != r.cur.seg && j != r.run.seg && j != i {
				r.segs[j].track = nil
				r.loaded = append(r.loaded[:k], r.loaded[k+1:]...)
				break
			}
		}
	}
	return tr
}

// firstFrom is the first frame of the first readable segment from i on.
func (r *Reader) firstFrom(i int) (pos, bool) {
	for ; i < len(r.segs); i++ {
		if r.load(i) != nil {
			return pos{i, 0}, true
		}
	}
	return pos{}, false
}

func (r *Reader) after(p pos) (pos, bool) {
	tr := r.load(p.seg)
	if tr == nil {
		return r.firstFrom(p.seg + 1)
	}
	if p.frame+1 < tr.Frames() {
		return pos{p.seg, p.frame + 1}, true
	}
	if p.seg == len(r.segs)-1 && r.segs[p.seg].rec.End.IsZero() {
		// The segment being written: its newest parts may have come.
		if n, _ := tr.Refresh(); n > 0 {
			return pos{p.seg, p.frame + 1}, true
		}
	}
	return r.firstFrom(p.seg + 1)
}

func (r *Reader) before(p pos) (pos, bool) {
	if p.frame > 0 {
		return pos{p.seg, p.frame - 1}, true
	}
	for i := p.seg - 1; i >= 0; i-- {
		if tr := r.load(i); tr != nil {
			return pos{i, tr.Frames() - 1}, true
		}
	}
	return pos{}, false
}

func (r *Reader) sync(p pos) bool {
	tr := r.load(p.seg)
	if tr == nil {
		return false
	}
	s, _ := tr.Frame(p.frame)
	return s.Sync
}

func (r *Reader) syncAtOrBefore(p pos) pos {
	for q := p; ; {
		if r.sync(q) {
			return q
		}
		prev, ok := r.before(q)
		if !ok || prev.seg != p.seg {
			return p // no keyframe before it in its segment: show it as it is
		}
		q = prev
	}
}
