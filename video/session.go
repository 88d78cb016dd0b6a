package video

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph265"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtpmjpeg"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/pion/rtp"
)

// session is the recipe for one connection attempt of a Source.
type session struct {
	src       *Source
	u         *base.URL
	transport *gortsplib.Transport
}

func newSessionConfig(s *Source) (*session, error) {
	u, err := base.ParseURL(s.cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("camera %s: url %s: %w", s.cfg.ID, s.safeURL, err)
	}
	ss := &session{src: s, u: u}
	switch s.cfg.Transport {
	case "tcp":
		t := gortsplib.TransportTCP
		ss.transport = &t
	case "udp":
		t := gortsplib.TransportUDP
		ss.transport = &t
	case "auto":
		// nil lets gortsplib try UDP first and fall back to TCP.
	default:
		return nil, fmt.Errorf("camera %s: transport %q: want tcp, udp or auto", s.cfg.ID, s.cfg.Transport)
	}
	return ss, nil
}

// run performs one connection: describe, setup, play, then receive until the
// stream fails, stalls or ctx ends. wasLive tells whether any access unit came.
func (ss *session) run(ctx context.Context) (wasLive bool, err error) {
	s := ss.src
	id := s.cfg.ID
	c := &gortsplib.Client{
		Scheme:      ss.u.Scheme,
		Host:        ss.u.Host,
		Transport:   ss.transport,
		ReadTimeout: 5 * time.Second,
	}
	if err := c.Start2(); err != nil {
		return false, fmt.Errorf("camera %s: start client: %w", id, err)
	}
	// Client.Close is idempotent and waits for the client's goroutines, so once
	// it returns no packet callback can touch the decoder any more.
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { c.Close(); close(closed) })
	var t *track
	defer func() {
		if !stop() {
			<-closed
		}
		c.Close()
		if t != nil {
			t.close()
		}
	}()

	desc, _, err := c.Describe(ss.u)
	if err != nil {
		return false, classify(id, "describe", err)
	}
	t, err = newTrack(s, desc)
	if err != nil {
		return false, err
	}
	if _, err := c.Setup(desc.BaseURL, t.media, 0, 0); err != nil {
		return false, classify(id, "setup", err)
	}
	t.client = c
	t.session = s.units.session.Add(1)
	s.units.markGap()
	c.OnPacketRTP(t.media, t.format, t.onPacket)
	start := time.Now()
	s.lastAU.Store(start.UnixNano())
	s.lastPic.Store(0) // the new session's pictures count from its first unit
	if _, err := c.Play(nil); err != nil {
		return false, classify(id, "play", err)
	}
	s.log.Debug("playing", "codec", t.codec.String(), "transport", s.cfg.Transport)

	waitErr := make(chan error, 1)
	go func() { waitErr <- c.Wait() }()
	defer func() {
		c.Close()
		<-waitErr
	}()
	tick := time.NewTicker(s.cfg.StallTimeout / 4)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return t.live.Load(), ctx.Err()
		case err := <-waitErr:
			waitErr <- err // for the deferred drain
			return t.live.Load(), classify(id, "stream", err)
		case now := <-tick.C:
			last := time.Unix(0, s.lastAU.Load())
			if now.Sub(last) > s.cfg.StallTimeout {
				return t.live.Load(), fmt.Errorf("camera %s: %w: nothing for %v", id, ErrStalled, now.Sub(last).Round(time.Millisecond))
			}
			t.checkPicture(now)
		}
	}
}

func classify(id, step string, err error) error {
	var bad liberrors.ErrClientBadStatusCode
	if errors.As(err, &bad) && bad.Code == base.StatusUnauthorized {
		return fmt.Errorf("camera %s: %s: %w", id, step, ErrUnauthorised)
	}
	return fmt.Errorf("camera %s: %s: %w", id, step, err)
}

// track is the per-connection receive path: depacketiser, decoder and the
// parameter sets. Only the packet callback goroutine touches it after Play.
type track struct {
	src    *Source
	codec  Codec
	media  *description.Media
	format format.Format
	live   atomic.Bool

	depack  func(*rtp.Packet) ([][]byte, error)
	dec     *Decoder
	params  [3][]byte // VPS (H.265 only), SPS, PPS as last seen
	needKey bool      // wait for a random access unit before decoding
	idle    bool      // no subscriber when the last access unit came
	// noPicture: the Source says "no picture" (set by checkPicture on the
	// session's goroutine, cleared by the reader at the next frame).
	noPicture atomic.Bool
	gop       gopCache // access units since the last IDR, for a fast resume

	out     delivery  // the sizes and frames of the picture being delivered, reused
	one     [1][]byte // MJPEG access unit holder, reused
	paramAU [1][]byte // one parameter set at a time, reused

	fpsCount int
	fpsStart time.Time

	client  *gortsplib.Client // for the PTS and NTP of a packet (unit tap)
	session uint64            // Unit.Session of this connection
	sizes   spsSize           // picture size of the current SPS
	pts     int64             // of the packet being handled, in clock-rate ticks
	ptsOK   bool
}

func newTrack(s *Source, desc *description.Session) (*track, error) {
	id := s.cfg.ID
	t := &track{src: s, needKey: true, idle: true}
	var h264f *format.H264
	var h265f *format.H265
	var mjpegf *format.MJPEG
	switch {
	case desc.FindFormat(&h264f) != nil:
		t.media, t.format, t.codec = desc.FindFormat(&h264f), h264f, CodecH264
		d, err := h264f.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("camera %s: h264 depacketiser: %w", id, err)
		}
		t.depack = func(p *rtp.Packet) ([][]byte, error) {
			au, err := d.Decode(p)
			if errors.Is(err, rtph264.ErrMorePacketsNeeded) || errors.Is(err, rtph264.ErrNonStartingPacketAndNoPrevious) {
				return nil, nil
			}
			return au, err
		}
		t.params = [3][]byte{nil, h264f.SPS, h264f.PPS}
	case desc.FindFormat(&h265f) != nil:
		t.media, t.format, t.codec = desc.FindFormat(&h265f), h265f, CodecH265
		d, err := h265f.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("camera %s: h265 depacketiser: %w", id, err)
		}
		t.depack = func(p *rtp.Packet) ([][]byte, error) {
			au, err := d.Decode(p)
			if errors.Is(err, rtph265.ErrMorePacketsNeeded) || errors.Is(err, rtph265.ErrNonStartingPacketAndNoPrevious) {
				return nil, nil
			}
			return au, err
		}
		t.params = [3][]byte{h265f.VPS, h265f.SPS, h265f.PPS}
	case desc.FindFormat(&mjpegf) != nil:
		t.media, t.format, t.codec = desc.FindFormat(&mjpegf), mjpegf, CodecMJPEG
		d, err := mjpegf.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("camera %s: mjpeg depacketiser: %w", id, err)
		}
		t.depack = func(p *rtp.Packet) ([][]byte, error) {
			img, err := d.Decode(p)
			if errors.Is(err, rtpmjpeg.ErrMorePacketsNeeded) || errors.Is(err, rtpmjpeg.ErrNonStartingPacketAndNoPrevious) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			t.one[0] = img
			return t.one[:], nil
		}
	default:
		return nil, fmt.Errorf("camera %s: no H.264, H.265 or MJPEG video in the stream: %w", id, ErrUnsupportedCodec)
	}
	dec, err := NewDecoder(t.codec)
	if err != nil {
		return nil, fmt.Errorf("camera %s: %w", id, err)
	}
	t.dec = dec
	// The SDP's parameter sets go in before any packet, so the first IDR decodes
	// even when the camera only announces them out of band.
	t.feedParams()
	return t, nil
}

func (t *track) close() {
	if t.dec != nil {
		t.dec.Close()
	}
}

func (t *track) feedParams() {
	for _, p := range t.params {
		if len(p) == 0 {
			continue
		}
		t.paramAU[0] = p
		if _, err := t.dec.Decode(t.paramAU[:]); err != nil && !errors.Is(err, ErrNoFrame) {
			t.src.log.Debug("parameter set rejected", "err", err)
		}
	}
	t.paramAU[0] = nil
}

// onPacket runs on gortsplib's reader goroutine for every RTP packet.
func (t *track) onPacket(p *rtp.Packet) {
	s := t.src
	// gortsplib's time decoder must see every packet (it starts on one whose
	// PTS equals its DTS), not only the last of an access unit.
	t.pts, t.ptsOK = t.client.PacketPTS2(t.media, p)
	au, err := t.depack(p)
	if err != nil {
		s.decodeErr.Add(1)
		s.log.Debug("depacketise", "err", err)
		return
	}
	if au == nil {
		return
	}
	now := time.Now()
	s.lastAU.Store(now.UnixNano())
	seq := s.seq.Add(1)
	if !t.live.Load() {
		t.live.Store(true)
		s.setState(StateLive, nil)
	}
	t.countFPS(now)
	t.noteParams(au)

	ra := t.isRandomAccess(au)
	if s.units.n.Load() > 0 {
		// Before the idle check: a recorder needs every unit even when no
		// tile decodes.
		t.tapUnit(p, au, ra, now)
	}
	if t.codec != CodecMJPEG {
		t.gop.add(au, ra)
	}
	if s.nsubs.Load() == 0 {
		// Nobody watches: stay connected and skip the decoder.
		t.idle = true
		s.lastPic.Store(0)
		return
	}
	if s.lastPic.Load() == 0 {
		s.lastPic.Store(now.UnixNano())
	}
	if t.idle {
		t.idle = false
		t.needKey = true
		if !ra && t.gop.len() > 1 && t.replay() {
			t.needKey = false
		}
	}
	if t.needKey {
		if !ra {
			return
		}
		t.needKey = false
		t.feedParams()
	}
	pic, err := t.dec.decodeHeld(au)
	if err == nil {
		// One conversion per size the subscribers ask for, here on the
		// camera's goroutine, from the picture the decoder holds.
		err = s.deliver(t.dec, &t.out, pic, seq, now)
	}
	if err != nil {
		if errors.Is(err, ErrNoFrame) {
			return
		}
		s.decodeErr.Add(1)
		s.log.Debug("decode", "err", err)
		msg := err.Error()
		s.lastErr.Store(&msg)
		t.needKey = true
		t.gop.reset(false) // never replay a broken GOP
		return
	}
	s.decoded.Add(1)
	s.lastPic.Store(now.UnixNano())
	if t.noPicture.CompareAndSwap(true, false) {
		s.log.Info("picture back")
		s.setState(StateLive, nil)
	}
}

// replay runs the cached GOP, except its last access unit (the current one),
// through the decoder without producing pictures. It reports whether the
// decoder is now ready for the current access unit.
func (t *track) replay() bool {
	t.feedParams()
	n := t.gop.len() - 1
	for i := range n {
		if err := t.dec.skip(t.gop.au(i)); err != nil {
			t.src.decodeErr.Add(1)
			t.src.log.Debug("replay", "err", err)
			t.gop.reset(false)
			return false
		}
	}
	t.src.log.Debug("resumed from cached GOP", "access_units", n)
	return true
}

func (t *track) countFPS(now time.Time) {
	t.fpsCount++
	if t.fpsStart.IsZero() {
		t.fpsStart = now
		return
	}
	if d := now.Sub(t.fpsStart); d >= time.Second {
		t.src.fpsBits.Store(math.Float64bits(float64(t.fpsCount) / d.Seconds()))
		t.fpsCount = 0
		t.fpsStart = now
	}
}

// noteParams keeps the newest in-band parameter sets, copying only on change,
// so that decoding can resume at an IDR after an idle stretch.
func (t *track) noteParams(au [][]byte) {
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		i := -1
		switch t.codec {
		case CodecH264:
			switch n[0] & 0x1f {
			case 7:
				i = 1
			case 8:
				i = 2
			}
		case CodecH265:
			switch (n[0] >> 1) & 0x3f {
			case 32:
				i = 0
			case 33:
				i = 1
			case 34:
				i = 2
			}
		}
		if i >= 0 && !bytes.Equal(t.params[i], n) {
			t.params[i] = append([]byte(nil), n...)
		}
	}
}

// isRandomAccess is mediacommon's check without its panic on an empty NAL unit.
func (t *track) isRandomAccess(au [][]byte) bool {
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		switch t.codec {
		case CodecMJPEG:
			return true
		case CodecH264:
			if n[0]&0x1f == 5 {
				return true
			}
		case CodecH265:
			switch (n[0] >> 1) & 0x3f {
			case 19, 20, 21: // IDR_W_RADL, IDR_N_LP, CRA
				return true
			}
		}
	}
	return false
}

// tapUnit hands a copy of au to the unit subscribers.
func (t *track) tapUnit(p *rtp.Packet, au [][]byte, ra bool, now time.Time) {
	pts, ok := t.pts, t.ptsOK
	if !ok {
		t.src.units.markGap()
		return
	}
	u := Unit{
		Codec:        t.codec,
		AU:           copyAU(au),
		PTS:          ticksToDuration(pts, int64(t.format.ClockRate())),
		Received:     now,
		RandomAccess: ra,
		Params:       Params{VPS: t.params[0], SPS: t.params[1], PPS: t.params[2]},
		Session:      t.session,
	}
	if ntp, ok := t.client.PacketNTP(t.media, p); ok {
		u.NTP = ntp.UTC()
	}
	if t.codec != CodecMJPEG {
		u.Width, u.Height = t.sizes.size(t.codec, t.params[1])
	}
	t.src.units.deliver(u)
}
