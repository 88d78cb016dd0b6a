package sim

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/pion/rtp"
)

// received is one access unit as a test reader saw it.
type received struct {
	at      time.Time
	idr     bool
	corrupt bool // a slice whose first_mb_in_slice is not 0 (the zone sends one slice per frame)
	params  bool // SPS and PPS in-band
	sdpSame bool // and equal to the SDP's
}

// testReader plays one stream with gortsplib's client over TCP and records
// what arrives, without decoding pictures.
type testReader struct {
	c      *gortsplib.Client
	playAt time.Time
	done   chan error

	mu  sync.Mutex
	aus []received
}

func statusOf(err error) base.StatusCode {
	var bad liberrors.ErrClientBadStatusCode
	if errors.As(err, &bad) {
		return bad.Code
	}
	return 0
}

func openReader(t testing.TB, url string) (*testReader, error) {
	t.Helper()
	u, err := base.ParseURL(url)
	if err != nil {
		return nil, err
	}
	tcp := gortsplib.TransportTCP
	r := &testReader{c: &gortsplib.Client{Scheme: u.Scheme, Host: u.Host, Transport: &tcp, ReadTimeout: 5 * time.Second}, done: make(chan error, 1)}
	if err := r.c.Start2(); err != nil {
		return nil, err
	}
	desc, _, err := r.c.Describe(u)
	if err != nil {
		r.c.Close()
		return nil, fmt.Errorf("describe: %w", err)
	}
	var forma *format.H264
	medi := desc.FindFormat(&forma)
	if medi == nil {
		r.c.Close()
		return nil, errors.New("no H.264 in the SDP")
	}
	dec, err := forma.CreateDecoder()
	if err != nil {
		r.c.Close()
		return nil, err
	}
	if _, err := r.c.Setup(desc.BaseURL, medi, 0, 0); err != nil {
		r.c.Close()
		return nil, fmt.Errorf("setup: %w", err)
	}
	r.c.OnPacketRTP(medi, forma, func(pkt *rtp.Packet) {
		au, err := dec.Decode(pkt)
		if err != nil {
			return
		}
		rc := received{at: time.Now()}
		var sps, pps []byte
		for _, n := range au {
			switch n[0] & 0x1f {
			case 7:
				sps = n
			case 8:
				pps = n
			case 5:
				rc.idr = true
				fallthrough
			case 1:
				if len(n) < 2 || n[1]&0x80 == 0 {
					rc.corrupt = true
				}
			}
		}
		rc.params = sps != nil && pps != nil
		rc.sdpSame = rc.params && bytes.Equal(sps, forma.SPS) && bytes.Equal(pps, forma.PPS)
		r.mu.Lock()
		r.aus = append(r.aus, rc)
		r.mu.Unlock()
	})
	r.playAt = time.Now()
	if _, err := r.c.Play(nil); err != nil {
		r.c.Close()
		return nil, fmt.Errorf("play: %w", err)
	}
	go func() { r.done <- r.c.Wait() }()
	t.Cleanup(r.close)
	return r, nil
}

func (r *testReader) close() { r.c.Close() }

func (r *testReader) snapshot() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.aus...)
}

func (r *testReader) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.aus)
}

// waitFor polls cond until it holds or d has passed.
func waitFor(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}
