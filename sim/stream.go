package sim

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
)

var (
	streamNames = [2]string{"main", "sub"}
	streamSizes = [2][2]int{{1280, 720}, {640, 360}}
	// streamCRF: the main stream is what ANPR reads, so it gets more bits.
	streamCRF = [2]float64{21, 23}
)

const (
	// joinDelay lets a new reader's session become active before the
	// keyframe meant for it is written.
	joinDelay = 10 * time.Millisecond
	// encoderIdle is how long an encoder is kept open with no reader, so
	// that camera rounds hopping back and forth do not reopen it each time.
	encoderIdle = 10 * time.Second
)

// h264Params are the SPS and PPS every encoder of one size emits.
type h264Params struct{ sps, pps []byte }

// probeParams opens one encoder per kind of stream, encodes a grey frame
// and keeps its SPS/PPS for the SDP: every encoder with those settings
// emits the same, so clients know the picture size before the first frame.
func probeParams(fps int) ([2]h264Params, error) {
	var out [2]h264Params
	for k, sz := range streamSizes {
		enc, err := newEncoder(sz[0], sz[1], fps, fps, streamCRF[k])
		if err != nil {
			return out, err
		}
		pic, err := enc.picture()
		if err == nil {
			pic.fill(image.Rect(0, 0, pic.W, pic.H), rgb(128, 128, 128))
			var buf []byte
			buf, err = enc.encode(nil, 0, true)
			var p h264Params
			for _, n := range splitAnnexB(buf) {
				switch n[0] & 0x1f {
				case 7:
					p.sps = bytes.Clone(n)
				case 8:
					p.pps = bytes.Clone(n)
				}
			}
			if err == nil && (p.sps == nil || p.pps == nil) {
				err = fmt.Errorf("probe %dx%d: no SPS/PPS in the first frame", sz[0], sz[1])
			}
			out[k] = p
		}
		enc.close()
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// stream is one RTSP path (cam01/main): a gortsplib stream fed by one
// goroutine that renders and encodes only while someone is watching.
type stream struct {
	z      *Zone
	cam    *camState
	name   string
	w, h   int
	crf    float64
	ss     *gortsplib.ServerStream
	medi   *description.Media
	rtpEnc *rtph264.Encoder

	mu       sync.Mutex
	sessions map[*gortsplib.ServerSession]bool // set up here; true once playing
	playing  int
	idr      bool
	wake     chan struct{}

	// Owned by run.
	enc     *encoder
	rend    *renderer
	seq     uint64
	buf     []byte
	rtpBase uint32
	rng     *rand.Rand
	lastOut time.Time
}

func newStream(z *Zone, c *camState, k int, p h264Params) (*stream, error) {
	name, w, h := streamNames[k], streamSizes[k][0], streamSizes[k][1]
	forma := &format.H264{PayloadTyp: 96, PacketizationMode: 1, SPS: p.sps, PPS: p.pps}
	medi := &description.Media{Type: description.MediaTypeVideo, Formats: []format.Format{forma}}
	st := &stream{z: z, cam: c, name: name, w: w, h: h, medi: medi, crf: streamCRF[k],
		sessions: map[*gortsplib.ServerSession]bool{}, wake: make(chan struct{}, 1),
		rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))}
	st.rtpBase = st.rng.Uint32()
	st.ss = &gortsplib.ServerStream{Server: z.srv, Desc: &description.Session{Medias: []*description.Media{medi}}}
	if err := st.ss.Initialize(); err != nil {
		return nil, fmt.Errorf("stream %s: %w", name, err)
	}
	var err error
	st.rtpEnc, err = forma.CreateEncoder()
	if err != nil {
		st.ss.Close()
		return nil, fmt.Errorf("stream %s: rtp encoder: %w", name, err)
	}
	return st, nil
}

func (st *stream) setup(ss *gortsplib.ServerSession) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.sessions[ss]; !ok {
		st.sessions[ss] = false
	}
}

func (st *stream) play(ss *gortsplib.ServerSession) {
	st.mu.Lock()
	if !st.sessions[ss] {
		st.sessions[ss] = true
		st.playing++
	}
	st.mu.Unlock()
	// The keyframe for this reader is decided by run, after joinDelay: a
	// frame being encoded right now may reach the reader only in part
	// (its session becomes active after OnPlay returns).
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

func (st *stream) pause(ss *gortsplib.ServerSession) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sessions[ss] {
		st.sessions[ss] = false
		st.playing--
	}
}

func (st *stream) leave(ss *gortsplib.ServerSession) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if playing, ok := st.sessions[ss]; ok {
		if playing {
			st.playing--
		}
		delete(st.sessions, ss)
	}
}

func (st *stream) readers() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.playing
}

// requestIDR makes the next frame a keyframe.
func (st *stream) requestIDR() {
	st.mu.Lock()
	st.idr = true
	st.mu.Unlock()
}

func (st *stream) takeIDR() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	v := st.idr
	st.idr = false
	return v
}

// closeSessions ends every session on this stream (FaultStop). The
// sessions are closed outside the lock: their close callback takes it.
func (st *stream) closeSessions() {
	st.mu.Lock()
	list := make([]*gortsplib.ServerSession, 0, len(st.sessions))
	for ss := range st.sessions {
		list = append(list, ss)
	}
	st.mu.Unlock()
	for _, ss := range list {
		ss.Close()
	}
}

// run renders, encodes and sends frames on the zone's frame grid while the
// stream has readers, and sleeps otherwise. The scene clock does not stop:
// a frame shows the scene as it is at the moment it is rendered.
func (st *stream) run(ctx context.Context) {
	log := st.z.log.With("camera", st.cam.pub.ID, "stream", st.name)
	defer func() {
		st.enc.close()
		st.ss.Close()
	}()
	period := time.Second / time.Duration(st.z.cfg.FPS)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	next := time.Now()
	joined := false // a reader joined: the next frame is its keyframe
	var lastWarn time.Time
	failed := 0
	for {
		active := st.readers() > 0
		wait := time.Until(next)
		if !active {
			if st.enc != nil && time.Since(st.lastOut) > encoderIdle {
				st.enc.close()
				st.enc = nil
			}
			wait = time.Second
		}
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-st.wake:
				next = time.Now().Add(joinDelay)
				joined = true
				continue
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			return
		}
		if !active {
			continue
		}
		now := time.Now()
		// Frames fall on the zone's frame grid, whatever started them.
		next = now.Add(period - st.z.since(now)%period)
		idr := joined
		joined = false
		if err := st.frame(Fault(st.cam.fault.Load()), idr); err != nil {
			// Start again with a fresh encoder; say so at most every few
			// seconds, not at the frame rate.
			failed++
			if time.Since(lastWarn) > 5*time.Second {
				log.Warn("frame failed; reopening the encoder", "err", err, "failures", failed)
				lastWarn, failed = time.Now(), 0
			}
			st.enc.close()
			st.enc = nil
		}
	}
}

// frame renders, encodes and writes one frame.
func (st *stream) frame(fault Fault, idr bool) error {
	if fault == FaultStall || fault == FaultStop {
		return nil
	}
	if st.rend == nil {
		r, err := newRenderer(st.cam.spec, st.cam.pub.ID, st.cam.sched, st.w, st.h, st.z.ttf)
		if err != nil {
			return err
		}
		if st.cam.ptz != nil {
			r.attachView(st.cam.ptz)
		}
		st.rend = r
	}
	if st.enc == nil {
		enc, err := newEncoder(st.w, st.h, st.z.cfg.FPS, st.z.cfg.FPS, st.crf)
		if err != nil {
			return err
		}
		st.enc = enc
		idr = true
	}
	pic, err := st.enc.picture()
	if err != nil {
		return err
	}
	captured := time.Now()
	st.seq++
	since := st.z.since(captured)
	st.rend.draw(pic, since, st.seq, captured)
	pts := int64(since) * 90000 / int64(time.Second)
	idr = st.takeIDR() || idr
	st.buf, err = st.enc.encode(st.buf[:0], pts, idr)
	if err != nil {
		return err
	}
	st.lastOut = time.Now()
	// Packets are queued, not sent, by WritePacketRTP, and single-NALU
	// packets point into their NALU: give them memory of their own.
	nalus := splitAnnexB(bytes.Clone(st.buf))
	if len(nalus) == 0 {
		return nil
	}
	if fault == FaultGarbage {
		st.corrupt(nalus)
	}
	pkts, err := st.rtpEnc.Encode(nalus)
	if err != nil {
		return fmt.Errorf("rtp: %w", err)
	}
	ts := st.rtpBase + uint32(pts)
	for _, pkt := range pkts {
		pkt.Timestamp = ts
		if err := st.ss.WritePacketRTPWithNTP(st.medi, pkt, captured); err != nil {
			return fmt.Errorf("write rtp: %w", err)
		}
	}
	return nil
}

// corrupt overwrites the payload of the slices with random bytes, keeping
// the NAL headers and parameter sets: a decoder then fails in the slice
// data, as it does with a camera whose encoder has gone wrong.
func (st *stream) corrupt(nalus [][]byte) {
	for _, n := range nalus {
		if t := n[0] & 0x1f; t != 1 && t != 5 {
			continue
		}
		for i := 1; i < len(n); i++ {
			n[i] = byte(st.rng.Uint32())
		}
	}
}

// splitAnnexB splits an Annex-B byte stream into NAL units (no start codes).
func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	start := -1
	i := 0
	for i+2 < len(b) {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				end := i
				if end > start && b[end-1] == 0 {
					end--
				}
				if end > start {
					out = append(out, b[start:end])
				}
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(b) {
		out = append(out, b[start:])
	}
	return out
}
