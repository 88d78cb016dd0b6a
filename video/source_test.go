package video

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestSourceBadConfig: a Source that can never work says so from Run at once
// instead of retrying forever.
func TestSourceBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  SourceConfig
	}{
		{"transport", SourceConfig{ID: "x", URL: "rtsp://127.0.0.1:1/x", Transport: "sctp"}},
		{"url", SourceConfig{ID: "x", URL: "http://[::1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSource(tc.cfg)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Run(ctx); err == nil {
				t.Fatalf("Run(%+v) = nil, want an error", tc.cfg)
			}
			if st := s.Status(); st.State != StateLost || st.Err == nil {
				t.Errorf("Status() = %v / %v, want lost with the reason", st.State, st.Err)
			}
		})
	}
}

// TestSourceRefused: nothing listening means lost (with the dial error) and
// retries until the context ends, when Run returns nil.
func TestSourceRefused(t *testing.T) {
	s := NewSource(SourceConfig{ID: "gone", URL: fmt.Sprintf("rtsp://127.0.0.1:%d/x", freeTCPPort(t)), MinBackoff: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	waitState(t, s, StateLost, 5*time.Second)
	if err := s.Run(ctx); err == nil {
		t.Error("second Run on one Source = nil, want an error")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
}

func TestStateString(t *testing.T) {
	for st, want := range map[State]string{StateConnecting: "connecting", StateLive: "live", StateLost: "lost", StateUnauthorised: "unauthorised", State(9): "State(9)"} {
		if got := st.String(); got != want {
			t.Errorf("State(%d).String() = %q, want %q", int(st), got, want)
		}
	}
}
