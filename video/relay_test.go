package video

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/auth"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/pion/rtp"
)

// relay is a loopback RTSP server that accepts publishers (ffmpeg, RECORD) and
// serves what they send to readers, like gortsplib's examples/server. Readers
// must present user/pass when those are set.
type relay struct {
	srv        *gortsplib.Server
	addr       string
	user, pass string

	decodeErrors atomic.Int64

	mu      sync.RWMutex
	streams map[string]*relayPath
}

type relayPath struct {
	stream    *gortsplib.ServerStream
	publisher *gortsplib.ServerSession
}

// startRelay starts the relay; methods are the authentications it offers
// and accepts (gortsplib's default, basic and digest MD5, when none).
func startRelay(t testing.TB, user, pass string, methods ...auth.VerifyMethod) *relay {
	t.Helper()
	r := &relay{user: user, pass: pass, streams: map[string]*relayPath{}}
	rtpPort := freeUDPPair(t)
	r.addr = fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t))
	r.srv = &gortsplib.Server{
		Handler:        r,
		RTSPAddress:    r.addr,
		UDPRTPAddress:  fmt.Sprintf("127.0.0.1:%d", rtpPort),
		UDPRTCPAddress: fmt.Sprintf("127.0.0.1:%d", rtpPort+1),
		AuthMethods:    methods,
	}
	if err := r.srv.Start(); err != nil {
		t.Fatalf("relay start: %v", err)
	}
	t.Cleanup(r.srv.Close)
	return r
}

func (r *relay) url(path string) string { return "rtsp://" + r.addr + "/" + path }

func (r *relay) has(path string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.streams[path] != nil
}

func (r *relay) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p, rp := range r.streams {
		if rp.publisher == ctx.Session {
			rp.stream.Close()
			delete(r.streams, p)
		}
	}
}

func (r *relay) authorised(c *gortsplib.ServerConn, req *base.Request) bool {
	return r.user == "" || c.VerifyCredentials(req, r.user, r.pass)
}

func (r *relay) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if !r.authorised(ctx.Conn, ctx.Request) {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, liberrors.ErrServerAuth{}
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	rp := r.streams[strings.TrimPrefix(ctx.Path, "/")]
	if rp == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, rp.stream, nil
}

func (r *relay) OnAnnounce(ctx *gortsplib.ServerHandlerOnAnnounceCtx) (*base.Response, error) {
	path := strings.TrimPrefix(ctx.Path, "/")
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.streams[path]; old != nil {
		old.stream.Close()
		old.publisher.Close()
	}
	st := &gortsplib.ServerStream{Server: r.srv, Desc: ctx.Description}
	if err := st.Initialize(); err != nil {
		return &base.Response{StatusCode: base.StatusInternalServerError}, err
	}
	r.streams[path] = &relayPath{stream: st, publisher: ctx.Session}
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (r *relay) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if ctx.Session.State() == gortsplib.ServerSessionStatePreRecord {
		return &base.Response{StatusCode: base.StatusOK}, nil, nil
	}
	if !r.authorised(ctx.Conn, ctx.Request) {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, liberrors.ErrServerAuth{}
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	rp := r.streams[strings.TrimPrefix(ctx.Path, "/")]
	if rp == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, rp.stream, nil
}

func (r *relay) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (r *relay) OnRecord(ctx *gortsplib.ServerHandlerOnRecordCtx) (*base.Response, error) {
	path := strings.TrimPrefix(ctx.Path, "/")
	r.mu.RLock()
	rp := r.streams[path]
	r.mu.RUnlock()
	if rp == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil
	}
	ctx.Session.OnPacketRTPAny(func(medi *description.Media, _ format.Format, pkt *rtp.Packet) {
		_ = rp.stream.WritePacketRTP(medi, pkt) // a reader gone mid-write is not the publisher's problem
	})
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// publishFFmpeg starts ffmpeg sending a test pattern with the given encoder
// arguments to the relay path, and waits until the relay has the stream.
func publishFFmpeg(t testing.TB, r *relay, path string, size string, codecArgs ...string) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatalf("ffmpeg is required for this test (Debian package ffmpeg): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	args := []string{"-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
		"-i", "testsrc2=size=" + size + ":rate=15"}
	args = append(args, codecArgs...)
	args = append(args, "-f", "rtsp", "-rtsp_transport", "tcp", r.url(path))
	cmd := exec.CommandContext(ctx, "ffmpeg", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("ffmpeg start: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("ffmpeg stderr: %s", stderr.String())
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for !r.has(path) {
		select {
		case <-done:
			t.Fatalf("ffmpeg exited before publishing: %s", stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("ffmpeg did not publish within 15 s: %s", stderr.String())
		}
	}
}

func freeTCPPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// freeUDPPair finds an even UDP port whose successor is free too (RTP, RTCP).
func freeUDPPair(t testing.TB) int {
	t.Helper()
	for range 100 {
		a, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("free udp port: %v", err)
		}
		p := a.LocalAddr().(*net.UDPAddr).Port
		a.Close()
		if p%2 == 1 || p > 65000 {
			continue
		}
		a, err1 := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", p))
		b, err2 := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", p+1))
		if a != nil {
			a.Close()
		}
		if b != nil {
			b.Close()
		}
		if err1 == nil && err2 == nil {
			return p
		}
	}
	t.Fatalf("no free UDP port pair")
	return 0
}

func (r *relay) OnDecodeError(ctx *gortsplib.ServerHandlerOnDecodeErrorCtx) {
	r.decodeErrors.Add(1)
}
