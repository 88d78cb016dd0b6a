package video

import (
	"bytes"
	"image"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/auth"
)

// TestFFmpegPeer plays a stream published by a real ffmpeg through the Source,
// for every codec and transport we claim.
func TestFFmpegPeer(t *testing.T) {
	r := startRelay(t, "", "")
	x264 := []string{"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15", "-pix_fmt", "yuv420p"}
	cases := []struct {
		name      string
		codec     []string
		size      string
		transport string
		want      image.Rectangle
	}{
		{"h264-tcp", x264, "640x360", "tcp", image.Rect(0, 0, 640, 360)},
		{"h264-udp", x264, "640x360", "udp", image.Rect(0, 0, 640, 360)},
		{"h264-auto", x264, "640x360", "auto", image.Rect(0, 0, 640, 360)},
		{"h265-tcp", []string{"-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency",
			"-x265-params", "keyint=15:log-level=error", "-pix_fmt", "yuv420p"}, "320x180", "tcp", image.Rect(0, 0, 320, 180)},
		{"mjpeg-tcp", []string{"-c:v", "mjpeg", "-huffman", "default", "-q:v", "5", "-pix_fmt", "yuvj420p"}, "320x240", "tcp", image.Rect(0, 0, 320, 240)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.name
			publishFFmpeg(t, r, path, tc.size, tc.codec...)
			s := NewSource(SourceConfig{ID: tc.name, URL: r.url(path), Transport: tc.transport, Logger: testLogger(t)})
			sub := s.Subscribe()
			defer sub.Close()
			runSource(t, s)
			frames := collect(t, sub, 5, 20*time.Second, true)
			for i, f := range frames {
				if f.bounds != tc.want {
					t.Errorf("frame %d bounds %v, want %v", i, f.bounds, tc.want)
				}
				if i > 0 && f.seq <= frames[i-1].seq {
					t.Errorf("frame %d seq %d after %d: not increasing", i, f.seq, frames[i-1].seq)
				}
				if f.decoded.Before(f.received) {
					t.Errorf("frame %d decoded %v before received %v", i, f.decoded, f.received)
				}
				if !notBlank(f.img) {
					t.Errorf("frame %d is blank", i)
				}
			}
			if st := s.Status(); st.State != StateLive {
				t.Errorf("state %v (err %v), want live", st.State, st.Err)
			}
		})
	}
}

// TestUnauthorisedRelay: a server asking for credentials puts the Source in
// the unauthorised state without them or with a wrong password, and plays
// with them in the URL, whether it asks for basic authentication only, for
// digest only (MD5, what cameras ask; SHA-256, what newer ones may) or
// offers both.
func TestUnauthorisedRelay(t *testing.T) {
	for _, tc := range []struct {
		name    string
		methods []auth.VerifyMethod
	}{
		{"basic and digest", nil},
		{"basic only", []auth.VerifyMethod{auth.VerifyMethodBasic}},
		{"digest MD5 only", []auth.VerifyMethod{auth.VerifyMethodDigestMD5}},
		{"digest SHA-256 only", []auth.VerifyMethod{auth.VerifyMethodDigestSHA256}},
	} {
		t.Run(tc.name, func(t *testing.T) { testUnauthorisedRelay(t, tc.methods) })
	}
}

func testUnauthorisedRelay(t *testing.T, methods []auth.VerifyMethod) {
	r := startRelay(t, "agent", "s3cret", methods...)
	publishFFmpeg(t, r, "cam", "320x180", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15", "-pix_fmt", "yuv420p")

	bad := NewSource(SourceConfig{ID: "nocreds", URL: r.url("cam"), Logger: testLogger(t)})
	runSource(t, bad)
	waitState(t, bad, StateUnauthorised, 10*time.Second)

	var logs lockedBuffer
	debugLog := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	wrong := NewSource(SourceConfig{ID: "wrong", URL: "rtsp://agent:nope@" + r.addr + "/cam", Logger: debugLog})
	runSource(t, wrong)
	waitState(t, wrong, StateUnauthorised, 10*time.Second)
	if u := wrong.URL(); u != "rtsp://"+r.addr+"/cam" {
		t.Errorf("URL() = %q, want it without credentials", u)
	}

	good := NewSource(SourceConfig{ID: "good", URL: "rtsp://agent:s3cret@" + r.addr + "/cam", Logger: debugLog})
	sub := good.Subscribe()
	defer sub.Close()
	runSource(t, good)
	collect(t, sub, 2, 15*time.Second, false)
	out := logs.String()
	if !strings.Contains(out, "unauthorised") {
		t.Errorf("log has no unauthorised state line:\n%s", out)
	}
	for _, secret := range []string{"nope", "s3cret"} {
		if strings.Contains(out, secret) {
			t.Errorf("log reveals the password %q:\n%s", secret, out)
		}
	}
}

// lockedBuffer is a log sink shared by goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
