package recording

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/pion/rtp"
)

// relay is a gortsplib server that takes one publisher (RECORD) and serves
// what it sends to readers (PLAY), as a camera or a media server would.
type relay struct {
	srv    *gortsplib.Server
	addr   string
	mu     sync.Mutex
	stream *gortsplib.ServerStream
	pub    *gortsplib.ServerSession
	codecs []string
}

func startRelay(t *testing.T) *relay {
	t.Helper()
	r := &relay{}
	r.srv = &gortsplib.Server{
		Handler:     r,
		RTSPAddress: "127.0.0.1:0",
		Listen: func(network, address string) (net.Listener, error) {
			l, err := net.Listen(network, address)
			if err == nil {
				r.addr = l.Addr().String()
			}
			return l, err
		},
	}
	if err := r.srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.srv.Close)
	return r
}

func (r *relay) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stream != nil && ctx.Session == r.pub {
		r.stream.Close()
		r.stream = nil
	}
}

func (r *relay) OnDescribe(*gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stream == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, r.stream, nil
}

func (r *relay) OnAnnounce(ctx *gortsplib.ServerHandlerOnAnnounceCtx) (*base.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := &gortsplib.ServerStream{Server: r.srv, Desc: ctx.Description}
	if err := st.Initialize(); err != nil {
		return &base.Response{StatusCode: base.StatusBadRequest}, err
	}
	for _, m := range ctx.Description.Medias {
		for _, f := range m.Formats {
			r.codecs = append(r.codecs, f.Codec())
		}
	}
	r.stream, r.pub = st, ctx.Session
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (r *relay) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if ctx.Session.State() == gortsplib.ServerSessionStatePreRecord {
		return &base.Response{StatusCode: base.StatusOK}, nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stream == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, r.stream, nil
}

func (r *relay) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (r *relay) OnRecord(ctx *gortsplib.ServerHandlerOnRecordCtx) (*base.Response, error) {
	r.mu.Lock()
	st := r.stream
	r.mu.Unlock()
	ctx.Session.OnPacketRTPAny(func(m *description.Media, _ format.Format, p *rtp.Packet) {
		st.WritePacketRTP(m, p) //nolint:errcheck // a reader that left is not the publisher's problem
	})
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (r *relay) published() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stream != nil
}

// TestRecordH265FromFFmpeg records H.265 that ffmpeg's libx265 encoded
// (with B-frames, so DTS differs from PTS) and published to a relay.
func TestRecordH265FromFFmpeg(t *testing.T) {
	ff := needTool(t, "ffmpeg")
	needTool(t, "ffprobe")
	enc, _ := exec.Command(ff, "-hide_banner", "-encoders").Output()
	if !strings.Contains(string(enc), "libx265") {
		t.Fatal("ffmpeg has no libx265 encoder")
	}
	r := startRelay(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, ff, "-hide_banner", "-loglevel", "error", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
		"-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=25:min-keyint=25:bframes=2:log-level=error",
		"-t", "60", "-f", "rtsp", "-rtsp_transport", "tcp", "rtsp://"+r.addr+"/h265")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	waitFor(t, "ffmpeg publishing", 20*time.Second, r.published)
	if len(r.codecs) == 0 || r.codecs[0] != "H265" {
		t.Fatalf("ffmpeg announced %v, want H265", r.codecs)
	}
	src := startSource(t, "ext01", "rtsp://"+r.addr+"/h265")
	sub := src.SubscribeUnits(256)
	defer sub.Close()
	dir := t.TempDir()
	svc := newService(t, dir, func(c *Config) { c.SegmentLength = 2 * time.Second })
	if err := svc.Record(context.Background(), "ext01", "main", sub.Units()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three H.265 segments", 30*time.Second, func() bool {
		segs, _ := svc.Index().List(context.Background(), "ext01", time.Time{}, time.Time{})
		return len(segs) >= 3
	})
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	svc2 := newService(t, dir, nil)
	segs := checkSegments(t, svc2, "ext01", time.Second/25, "hevc")
	for _, s := range segs[:len(segs)-1] {
		if p := ffprobe(t, svc2.Dir()+"/"+s.Path); p.width != 640 || p.height != 360 {
			t.Errorf("%s: %dx%d, want 640x360", s.Path, p.width, p.height)
		}
	}
	if err := svc2.Verify(context.Background()); err != nil {
		t.Errorf("Verify = %v", err)
	}
	if stderr.Len() > 0 {
		t.Logf("ffmpeg: %s", stderr.String())
	}
}
