package recording

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/politiezone/zoneconsole/sqlitedb"
	"github.com/politiezone/zoneconsole/video"
)

// timeScale is the MP4 track clock: RTP video's 90 kHz, so no rounding.
const timeScale = 90000

// recorder turns the units of one camera stream into segments. It is owned
// by one goroutine and is not safe for concurrent use.
type recorder struct {
	camera, stream string
	dir            string // the recordings directory
	segLen         time.Duration
	partLen        time.Duration
	idx            *Index
	log            *slog.Logger

	seg     *openSeg
	codec   video.Codec
	session uint64
	dts264  h264.DTSExtractor
	dts265  h265.DTSExtractor

	part     []*fmp4.Sample
	partBase int64 // DTS of the part's first sample
	pending  *fmp4.Sample
	pendDTS  int64
	lastDur  uint32
	segments int // closed by this recorder, for tests and logs
}

// openSeg is the segment being written.
type openSeg struct {
	id       int64
	file     *segFile
	rel      string
	start    time.Time
	firstDTS int64
	params   video.Params
	w, h     int
	samples  int
}

func newRecorder(camera, stream, dir string, segLen, partLen time.Duration, idx *Index, log *slog.Logger) *recorder {
	return &recorder{camera: camera, stream: stream, dir: dir, segLen: segLen, partLen: partLen, idx: idx, log: log}
}

// write takes one unit. A nil error with no segment open means the unit was
// skipped while waiting for a keyframe.
func (r *recorder) write(ctx context.Context, u video.Unit) error {
	if u.Codec != video.CodecH264 && u.Codec != video.CodecH265 {
		return fmt.Errorf("camera %s: %s: %w", r.camera, u.Codec, ErrCodecRefused)
	}
	if u.Gap || u.Session != r.session {
		// A hole or a new connection: PTS may restart, so the segment
		// ends here and the next one starts at a keyframe.
		if err := r.finish(ctx); err != nil {
			return err
		}
		r.session = u.Session
		r.resetDTS()
	}
	if r.seg != nil && (!sameParams(r.seg.params, u.Params) || r.seg.w != u.Width || r.seg.h != u.Height) {
		r.log.Info("parameters changed: new segment", "width", u.Width, "height", u.Height)
		if err := r.finish(ctx); err != nil {
			return err
		}
		r.resetDTS()
	}
	if r.seg == nil && !u.RandomAccess {
		return nil
	}
	au := u.AU
	if u.RandomAccess {
		au = withParams(u)
	}
	r.codec = u.Codec
	// In two steps so that a session of days does not overflow.
	pts := int64(u.PTS/time.Second)*timeScale + int64(u.PTS%time.Second)*timeScale/int64(time.Second)
	dts, err := r.extractDTS(au, pts)
	if err != nil {
		r.log.Warn("no DTS for access unit: resync at the next keyframe", "err", err)
		if ferr := r.finish(ctx); ferr != nil {
			return ferr
		}
		r.resetDTS()
		return nil
	}
	if r.seg != nil && u.RandomAccess && time.Duration(dts-r.seg.firstDTS)*time.Second/timeScale >= r.segLen {
		if err := r.closeSample(dts); err != nil {
			return err
		}
		if err := r.finish(ctx); err != nil {
			return err
		}
	}
	if r.seg == nil {
		if err := r.startSegment(ctx, u, dts); err != nil {
			return err
		}
	} else if err := r.closeSample(dts); err != nil {
		return err
	}
	s := &fmp4.Sample{}
	if u.Codec == video.CodecH264 {
		err = s.FillH264(int32(pts-dts), au)
	} else {
		err = s.FillH265(int32(pts-dts), au)
	}
	if err != nil {
		return fmt.Errorf("camera %s: sample: %w", r.camera, err)
	}
	s.IsNonSyncSample = !u.RandomAccess
	r.pending, r.pendDTS = s, dts
	return nil
}

func (r *recorder) resetDTS() {
	r.dts264 = h264.DTSExtractor{}
	r.dts264.Initialize()
	r.dts265 = h265.DTSExtractor{}
	r.dts265.Initialize()
}

func (r *recorder) extractDTS(au [][]byte, pts int64) (int64, error) {
	if r.seg == nil {
		// A segment starts with a fresh extractor: its first unit is a
		// keyframe, which is what the extractors need to begin.
		r.resetDTS()
	}
	if r.codec == video.CodecH265 {
		return r.dts265.Extract(au, pts)
	}
	return r.dts264.Extract(au, pts)
}

// closeSample gives the pending sample its duration (up to the next DTS),
// adds it to the part, and writes the part once it is long enough.
func (r *recorder) closeSample(nextDTS int64) error {
	if r.pending == nil {
		return nil
	}
	d := nextDTS - r.pendDTS
	if d <= 0 {
		d = 1
	}
	r.pending.Duration = uint32(d)
	r.lastDur = uint32(d)
	if len(r.part) == 0 {
		r.partBase = r.pendDTS
	}
	r.part = append(r.part, r.pending)
	r.seg.samples++
	r.pending = nil
	if time.Duration(nextDTS-r.partBase)*time.Second/timeScale >= r.partLen {
		return r.writePart()
	}
	return nil
}

func (r *recorder) writePart() error {
	if len(r.part) == 0 {
		return nil
	}
	tr := &fmp4.PartTrack{ID: 1, BaseTime: uint64(r.partBase - r.seg.firstDTS), Samples: r.part}
	err := r.seg.file.writePart(tr)
	r.part = r.part[:0]
	if err != nil {
		return fmt.Errorf("camera %s: %w", r.camera, err)
	}
	return nil
}

func (r *recorder) startSegment(ctx context.Context, u video.Unit, dts int64) error {
	start := u.NTP
	if start.IsZero() {
		start = u.Received
	}
	start = start.UTC()
	camDir := filepath.Join(r.dir, r.camera)
	if err := sqlitedb.PrivateDir(camDir); err != nil {
		return fmt.Errorf("camera %s: %w", r.camera, err)
	}
	rel := r.camera + "/" + start.Format("2006-01-02T15-04-05.000Z") + ".mp4"
	id, err := r.idx.addOpen(ctx, r.camera, r.stream, rel, start)
	if err != nil {
		return err
	}
	var codec mp4.Codec
	if u.Codec == video.CodecH264 {
		codec = &mp4.CodecH264{SPS: u.Params.SPS, PPS: u.Params.PPS}
	} else {
		codec = &mp4.CodecH265{VPS: u.Params.VPS, SPS: u.Params.SPS, PPS: u.Params.PPS}
	}
	init := &fmp4.Init{Tracks: []*fmp4.InitTrack{{ID: 1, TimeScale: timeScale, Codec: codec}}}
	f, err := createSegFile(filepath.Join(r.dir, filepath.FromSlash(rel)), init)
	if err != nil {
		if derr := r.idx.dropOpen(ctx, id); derr != nil {
			r.log.Warn("dropping the row of a segment that could not be made", "path", rel, "err", derr)
		}
		if isNoSpace(err) && !errors.Is(err, ErrDiskFull) {
			err = fmt.Errorf("%w: %w", ErrDiskFull, err)
		}
		return fmt.Errorf("camera %s: %w", r.camera, err)
	}
	r.seg = &openSeg{id: id, file: f, rel: rel, start: start, firstDTS: dts, params: u.Params, w: u.Width, h: u.Height}
	r.log.Debug("segment started", "path", rel, "width", u.Width, "height", u.Height)
	return nil
}

// finish closes the open segment, if any: the pending sample gets the last
// sample duration, the last part is written, the file is synced, hashed and
// chained in the index. A segment that holds no sample is removed.
func (r *recorder) finish(ctx context.Context) error {
	seg := r.seg
	if seg == nil {
		return nil
	}
	var werr error
	if r.pending != nil {
		d := r.lastDur
		if d == 0 {
			d = timeScale / 15 // one frame at the simulator's rate: nothing better known
		}
		werr = r.closeSample(r.pendDTS + int64(d))
	}
	if werr == nil {
		werr = r.writePart()
	}
	r.part, r.pending = r.part[:0], nil
	r.seg = nil
	size, sum, cerr := seg.file.close()
	if cerr != nil {
		// The row stays open: the next start recovers the file.
		return errors.Join(werr, fmt.Errorf("camera %s: %w", r.camera, cerr))
	}
	if seg.file.seq == 0 {
		if err := os.Remove(seg.file.path); err != nil {
			r.log.Warn("removing an empty segment", "path", seg.rel, "err", err)
		}
		return errors.Join(werr, r.idx.dropOpen(ctx, seg.id))
	}
	// The end is what the file holds: the last part written (a failed last
	// part is not in the file).
	dur, derr := fileDuration(seg.file.path)
	if derr != nil {
		return errors.Join(werr, fmt.Errorf("camera %s: %w", r.camera, derr))
	}
	end := seg.start.Add(dur)
	if _, err := r.idx.closeSegment(context.WithoutCancel(ctx), seg.id, end, size, sum); err != nil {
		return errors.Join(werr, err)
	}
	r.segments++
	r.log.Debug("segment closed", "path", seg.rel, "bytes", size, "duration", dur)
	return werr
}

func sameParams(a, b video.Params) bool {
	return bytes.Equal(a.SPS, b.SPS) && bytes.Equal(a.PPS, b.PPS) && bytes.Equal(a.VPS, b.VPS)
}

// withParams puts the parameter sets in front of a keyframe that lacks them
// (cameras that announce them only in the SDP), so every segment and every
// part starting there decodes on its own and the DTS extractor sees the SPS.
func withParams(u video.Unit) [][]byte {
	has := false
	for _, n := range u.AU {
		if len(n) == 0 {
			continue
		}
		if u.Codec == video.CodecH264 && n[0]&0x1f == 7 || u.Codec == video.CodecH265 && (n[0]>>1)&0x3f == 33 {
			has = true
			break
		}
	}
	if has || len(u.Params.SPS) == 0 {
		return u.AU
	}
	out := make([][]byte, 0, len(u.AU)+3)
	if u.Codec == video.CodecH265 && len(u.Params.VPS) > 0 {
		out = append(out, u.Params.VPS)
	}
	out = append(out, u.Params.SPS)
	if len(u.Params.PPS) > 0 {
		out = append(out, u.Params.PPS)
	}
	return append(out, u.AU...)
}
