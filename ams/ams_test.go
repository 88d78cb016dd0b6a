package ams_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/ams"
	"github.com/politiezone/zoneconsole/ams/amstest"
)

func newKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func testConfig(r *amstest.Receiver, key ed25519.PrivateKey) ams.Config {
	return ams.Config{Endpoint: r.URL(), Sender: "5339", Key: key, Client: r.Client(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, AllowLoopbackForTests: true}
}

func openQueue(t *testing.T, path string, cfg ams.Config) *ams.Queue {
	t.Helper()
	q, err := ams.Open(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// run starts q's sender and returns the func that stops it and waits.
func run(t *testing.T, q *ams.Queue) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func state(t *testing.T, q *ams.Queue) ams.State {
	t.Helper()
	s, err := q.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func passage(i int) ams.Passage {
	return ams.Passage{ID: int64(i), Time: time.Date(2026, 3, 1, 12, 0, i%60, 0, time.UTC), Camera: "cam01",
		Plate: fmt.Sprintf("1ABC%03d", i%1000), Country: "BE", Confidence: 0.9}
}

func enqueue(t *testing.T, q *ams.Queue, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := q.Enqueue(context.Background(), passage(i)); err != nil {
			t.Fatal(err)
		}
	}
}

// checkOnce fails unless every passage in [from, to) was stored and
// acknowledged exactly once and nothing acknowledged came back.
func checkOnce(t *testing.T, r *amstest.Receiver, from, to int) {
	t.Helper()
	st := r.Stats()
	if st.AfterAck != 0 {
		t.Errorf("%d messages sent again after the receiver acknowledged them", st.AfterAck)
	}
	for i := from; i < to; i++ {
		k := ams.Key("5339", int64(i))
		if st.Acked[k] != 1 {
			t.Errorf("key %s acknowledged %d times, want 1", k, st.Acked[k])
		}
	}
	if len(st.Acked) != to-from {
		t.Errorf("receiver acknowledged %d keys, want %d", len(st.Acked), to-from)
	}
}

func TestRestartWithFullQueue(t *testing.T) {
	pub, priv := newKey(t)
	r := amstest.NewReceiver(pub)
	t.Cleanup(r.Close)
	path := filepath.Join(t.TempDir(), "ams-queue.db")
	r.SetDown(true)
	q, err := ams.Open(path, testConfig(r, priv))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, q)
	enqueue(t, q, 1, 301)
	waitFor(t, "a recorded failure", func() bool { return state(t, q).LastError != "" })
	stop()
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}

	// A new process: the queue file is all that is left.
	r.SetDown(false)
	q = openQueue(t, path, testConfig(r, priv))
	if s := state(t, q); s.Queued != 300 || s.OldestPending.IsZero() || !strings.Contains(s.LastError, "503") {
		t.Fatalf("state after restart = %+v; want 300 queued, the oldest and the 503", s)
	}
	run(t, q)
	waitFor(t, "an empty queue", func() bool { return state(t, q).Queued == 0 })
	checkOnce(t, r, 1, 301)
	s := state(t, q)
	if s.LastSuccess.IsZero() || s.LastError != "" || !s.OldestPending.IsZero() {
		t.Errorf("state after delivery = %+v", s)
	}
	m := r.Stats().Messages[0]
	if m.Plate != "1ABC001" || m.Camera != "cam01" || m.Country != "BE" || m.Sender != "5339" || !m.Time.Equal(passage(1).Time) {
		t.Errorf("first message = %+v", m)
	}
}

func TestEndpointDownForAWhile(t *testing.T) {
	pub, priv := newKey(t)
	r := amstest.NewReceiver(pub)
	t.Cleanup(r.Close)
	r.SetDown(true)
	q := openQueue(t, filepath.Join(t.TempDir(), "q.db"), testConfig(r, priv))
	run(t, q)
	enqueue(t, q, 1, 21)
	time.Sleep(400 * time.Millisecond)
	down := r.Stats()
	// Back-off: one request per wait (20 ms doubling to 100 ms, jittered),
	// not one per message per pass.
	if down.Requests < 2 || down.Requests > 30 {
		t.Errorf("%d requests in 400 ms while down; want a few, spaced by the back-off", down.Requests)
	}
	if s := state(t, q); s.Queued != 20 || !strings.Contains(s.LastError, "503") || s.LastErrorAt.IsZero() || s.Attempts == 0 {
		t.Errorf("state while down = %+v", s)
	}
	r.SetDown(false)
	waitFor(t, "an empty queue", func() bool { return state(t, q).Queued == 0 })
	// More passages once it is up again go straight out.
	enqueue(t, q, 21, 31)
	waitFor(t, "an empty queue", func() bool { return state(t, q).Queued == 0 })
	checkOnce(t, r, 1, 31)
}

// TestLostAcknowledgement: the receiver stores a message but its answer is
// lost; the sender sends it again (at least once) and the receiver's key
// keeps one copy.
func TestLostAcknowledgement(t *testing.T) {
	pub, priv := newKey(t)
	r := amstest.NewReceiver(pub)
	t.Cleanup(r.Close)
	r.DropAcks(1)
	q := openQueue(t, filepath.Join(t.TempDir(), "q.db"), testConfig(r, priv))
	run(t, q)
	enqueue(t, q, 1, 4)
	waitFor(t, "an empty queue", func() bool { return state(t, q).Queued == 0 })
	checkOnce(t, r, 1, 4)
	if st := r.Stats(); st.Stored[ams.Key("5339", 1)] != 2 || len(st.Messages) != 3 {
		t.Errorf("stored %v, %d messages; want key 1 twice (resent), 3 messages", st.Stored, len(st.Messages))
	}
}

func TestEnqueueOnce(t *testing.T) {
	pub, priv := newKey(t)
	r := amstest.NewReceiver(pub)
	t.Cleanup(r.Close)
	q := openQueue(t, filepath.Join(t.TempDir(), "q.db"), testConfig(r, priv))
	enqueue(t, q, 1, 2)
	enqueue(t, q, 1, 2)
	if s := state(t, q); s.Queued != 1 {
		t.Fatalf("queued %d after enqueueing one passage twice", s.Queued)
	}
	run(t, q)
	waitFor(t, "an empty queue", func() bool { return state(t, q).Queued == 0 })
	enqueue(t, q, 1, 2) // delivered: not queued again
	time.Sleep(50 * time.Millisecond)
	if s := state(t, q); s.Queued != 0 {
		t.Errorf("a delivered passage was queued again: %+v", s)
	}
	checkOnce(t, r, 1, 2)
}

func TestBadSignatureDetected(t *testing.T) {
	pub, _ := newKey(t)
	_, other := newKey(t) // the queue signs with a key the receiver does not hold
	r := amstest.NewReceiver(pub)
	t.Cleanup(r.Close)
	q := openQueue(t, filepath.Join(t.TempDir(), "q.db"), testConfig(r, other))
	run(t, q)
	enqueue(t, q, 1, 3)
	waitFor(t, "refusals", func() bool { return r.Stats().BadSignatures >= 2 })
	st := r.Stats()
	if len(st.Acked) != 0 || len(st.Stored) != 0 {
		t.Errorf("receiver stored %v with a bad signature", st.Stored)
	}
	if s := state(t, q); s.Queued != 2 || !strings.Contains(s.LastError, "401") {
		t.Errorf("state = %+v; want both kept, with the 401", s)
	}
}

func TestSecondDestinationRefused(t *testing.T) {
	pub, priv := newKey(t)
	a, b := amstest.NewReceiver(pub), amstest.NewReceiver(pub)
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	path := filepath.Join(t.TempDir(), "q.db")
	q := openQueue(t, path, testConfig(a, priv))
	enqueue(t, q, 1, 4)
	q.Close()
	// Queued for a: never sent to b.
	if q2, err := ams.Open(path, testConfig(b, priv)); !errors.Is(err, ams.ErrSecondDestination) {
		if q2 != nil {
			q2.Close()
		}
		t.Fatalf("Open with another endpoint while 3 are queued = %v, want ErrSecondDestination", err)
	}
	two := testConfig(a, priv)
	two.Endpoint = a.URL() + "," + b.URL()
	if _, err := ams.Open(path, two); !errors.Is(err, ams.ErrSecondDestination) {
		t.Errorf("Open with two endpoints = %v, want ErrSecondDestination", err)
	}
	// Once a has everything, the queue may move.
	q = openQueue(t, path, testConfig(a, priv))
	stop := run(t, q)
	waitFor(t, "an empty queue", func() bool { return state(t, q).Queued == 0 })
	stop()
	q.Close()
	q = openQueue(t, path, testConfig(b, priv))
	if s := state(t, q); s.Endpoint != b.URL() {
		t.Errorf("endpoint = %s, want %s", s.Endpoint, b.URL())
	}
	if len(b.Stats().Stored) != 0 {
		t.Errorf("b received %v", b.Stats().Stored)
	}
}

func TestConfigValidate(t *testing.T) {
	_, key := newKey(t)
	ok := ams.Config{Endpoint: "https://ams.anpr.police.be/v1/passages", Sender: "5339", Key: key}
	tests := []struct {
		name string
		edit func(*ams.Config)
		want error // nil: valid; errAny: any error
	}{
		{"national", func(*ams.Config) {}, nil},
		{"national with port", func(c *ams.Config) { c.Endpoint = "https://AMS.anpr.police.be:8443/p" }, nil},
		{"plain http", func(c *ams.Config) { c.Endpoint = "http://ams.anpr.police.be/p" }, errAny},
		{"third party", func(c *ams.Config) { c.Endpoint = "https://anpr.example.com/p" }, ams.ErrNotNational},
		{"lookalike", func(c *ams.Config) { c.Endpoint = "https://ams.anpr.police.be.example.com/p" }, ams.ErrNotNational},
		{"second destination", func(c *ams.Config) {
			c.Endpoint = "https://ams.anpr.police.be/p https://anpr.example.com/p"
		}, ams.ErrSecondDestination},
		{"credentials", func(c *ams.Config) { c.Endpoint = "https://u:p@ams.anpr.police.be/p" }, errAny},
		{"loopback without override", func(c *ams.Config) { c.Endpoint = "https://127.0.0.1:9/p" }, ams.ErrNotNational},
		{"loopback with override", func(c *ams.Config) {
			c.Endpoint, c.AllowLoopbackForTests = "https://127.0.0.1:9/p", true
		}, nil},
		{"override refuses national", func(c *ams.Config) { c.AllowLoopbackForTests = true }, ams.ErrNotNational},
		{"override refuses a name", func(c *ams.Config) {
			c.Endpoint, c.AllowLoopbackForTests = "https://localhost.example.com/p", true
		}, ams.ErrNotNational},
		{"no key", func(c *ams.Config) { c.Key = nil }, errAny},
		{"no sender", func(c *ams.Config) { c.Sender = "" }, errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			err := c.Validate()
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("Validate(%s) = %v, want nil", c.Endpoint, err)
			case tc.want == errAny && err == nil:
				t.Errorf("Validate(%s) = nil, want an error", c.Endpoint)
			case tc.want != nil && tc.want != errAny && !errors.Is(err, tc.want):
				t.Errorf("Validate(%s) = %v, want %v", c.Endpoint, err, tc.want)
			}
		})
	}
}

var errAny = errors.New("any error")
