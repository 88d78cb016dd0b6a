package evidence

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/pmp4"

	"github.com/politiezone/zoneconsole/playback"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
)

// encoded is one re-encoded sample in the spool file.
type encoded struct {
	off      int64
	size     uint32
	key      bool
	duration uint32
}

// writeMasked decodes run, blacks out the masks in every picture
// (zone.CopyMasked, as the live wall does) and encodes it again with
// libx264: masks are drawn after decoding and the recording is never
// re-encoded, so a masked clip is the one export that must be. The encoded
// samples go to spoolPath first (an hour of 720p does not fit in memory
// comfortably), then into the MP4. Keyframes stay where the source had them.
func writeMasked(ctx context.Context, w io.Writer, spoolPath string, r *run, masks []zone.Mask, prog *progress) (undecodable int, err error) {
	spool, err := os.OpenFile(spoolPath, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	defer func() {
		spool.Close()
		if rerr := os.Remove(spoolPath); rerr != nil && err == nil {
			err = fmt.Errorf("removing the spool: %w", rerr)
		}
	}()
	sw := bufio.NewWriterSize(spool, 1<<20)
	first := r.pieces[0].tr
	dec, err := video.NewDecoder(first.Codec)
	if err != nil {
		return 0, err
	}
	defer dec.Close()
	pr := &payloadReader{ctx: ctx, prog: prog}
	defer pr.close()

	var (
		enc       *video.Encoder
		out       []encoded
		durs      []uint32 // of pictures sent and not yet out of the encoder
		off       int64
		sps, pps  []byte
		masked    *image.RGBA
		nalus     [][]byte
		lenPrefix [4]byte
		acc       int64 // clip time of the next picture, in track units
	)
	defer func() { enc.Close() }()
	take := func(units []video.EncodedUnit) error {
		for _, u := range units {
			var size uint32
			for _, n := range u.AU {
				// The sample entry takes the parameter sets of the first
				// keyframe; libx264 repeats them in band with every IDR.
				if u.Keyframe && len(out) == 0 {
					switch n[0] & 0x1f {
					case 7:
						sps = append([]byte(nil), n...)
					case 8:
						pps = append([]byte(nil), n...)
					}
				}
				binary.BigEndian.PutUint32(lenPrefix[:], uint32(len(n)))
				sw.Write(lenPrefix[:])
				if _, err := sw.Write(n); err != nil {
					return fmt.Errorf("spool: %w", err)
				}
				size += 4 + uint32(len(n))
			}
			if len(durs) == 0 {
				return errors.New("encoder gave more pictures than it was sent")
			}
			out = append(out, encoded{off: off, size: size, key: u.Keyframe, duration: durs[0]})
			durs = durs[1:]
			off += int64(size)
		}
		return nil
	}
	fresh := true
	for _, s := range r.samples() {
		src := s.p.tr.Samples[s.i]
		payload, err := pr.read(s.p.path, src.Offset, src.Size)
		if err != nil {
			return undecodable, err
		}
		nalus = nalus[:0]
		if fresh {
			for _, ps := range [][]byte{s.p.tr.Params.VPS, s.p.tr.Params.SPS, s.p.tr.Params.PPS} {
				if len(ps) > 0 {
					nalus = append(nalus, ps)
				}
			}
			fresh = false
		}
		if nalus, err = playback.SplitAVCC(nalus, payload); err != nil {
			return undecodable, fmt.Errorf("source %s: %w", s.p.path, err)
		}
		pts90 := acc * 90000 / int64(first.TimeScale)
		acc += s.duration
		img, err := dec.Decode(nalus)
		if err != nil {
			// The picture is lost: the one before is shown for longer.
			undecodable++
			switch {
			case len(durs) > 0:
				durs[len(durs)-1] += uint32(s.duration)
			case len(out) > 0:
				out[len(out)-1].duration += uint32(s.duration)
			}
			continue
		}
		masked = zone.CopyMasked(masked, img, masks)
		if enc == nil {
			fps := int(int64(first.TimeScale) / max(s.duration, 1))
			enc, err = video.NewEncoder(video.EncoderConfig{Width: img.Rect.Dx(), Height: img.Rect.Dy(),
				FPS: max(fps, 1), GOP: 10 * max(fps, 1)})
			if err != nil {
				return undecodable, err
			}
		}
		durs = append(durs, uint32(s.duration))
		units, err := enc.Encode(masked, pts90, src.Sync || len(out) == 0)
		if err != nil {
			return undecodable, err
		}
		if err := take(units); err != nil {
			return undecodable, err
		}
	}
	if enc == nil {
		return undecodable, errors.New("no picture could be decoded")
	}
	units, err := enc.Flush()
	if err != nil {
		return undecodable, err
	}
	if err := take(units); err != nil {
		return undecodable, err
	}
	if err := sw.Flush(); err != nil {
		return undecodable, fmt.Errorf("spool: %w", err)
	}
	if sps == nil || pps == nil {
		return undecodable, errors.New("libx264 gave no SPS/PPS")
	}
	rd := &payloadReader{ctx: ctx, prog: &progress{}, path: spoolPath, f: spool}
	tr := &pmp4.Track{ID: 1, TimeScale: first.TimeScale, Codec: &mp4.CodecH264{SPS: sps, PPS: pps}}
	for _, e := range out {
		tr.Samples = append(tr.Samples, &pmp4.Sample{
			Duration: e.duration, IsNonSyncSample: !e.key, PayloadSize: e.size,
			GetPayload: func() ([]byte, error) { return rd.read(spoolPath, e.off, e.size) },
		})
	}
	p := pmp4.Presentation{Tracks: []*pmp4.Track{tr}}
	if err := p.Marshal(w); err != nil {
		return undecodable, fmt.Errorf("write mp4: %w", err)
	}
	return undecodable, nil
}
