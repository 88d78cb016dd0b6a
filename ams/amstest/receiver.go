// Package amstest is a stand-in for the national AMS receiver, for tests
// and the simulated zone: an HTTPS server on loopback that verifies each
// message's signature, stores each idempotency key once, and can be taken
// down and brought back.
package amstest

import (
	"crypto/ed25519"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/politiezone/zoneconsole/ams"
)

// Receiver is the test receiver. Its zero value is not usable: NewReceiver.
type Receiver struct {
	srv *httptest.Server
	pub ed25519.PublicKey

	mu       sync.Mutex
	down     bool
	dropNext int            // requests to store but answer with a cut connection
	stored   map[string]int // how often each key arrived with a valid signature
	acked    map[string]int // how often each key was acknowledged (2xx written)
	afterAck int            // requests for a key already acknowledged
	badSig   int
	requests int
	unavail  int
	messages []ams.Message
}

// NewReceiver starts a receiver trusting pub for every sender.
func NewReceiver(pub ed25519.PublicKey) *Receiver {
	r := &Receiver{pub: pub, stored: map[string]int{}, acked: map[string]int{}}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(r.serve))
	return r
}

// URL is the endpoint to configure (https://127.0.0.1:port/passages).
func (r *Receiver) URL() string { return r.srv.URL + "/passages" }

// Client trusts the receiver's certificate.
func (r *Receiver) Client() *http.Client { return r.srv.Client() }

// Close stops the server.
func (r *Receiver) Close() { r.srv.Close() }

// SetDown makes the receiver answer 503 (true) or serve again (false).
func (r *Receiver) SetDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

// DropAcks makes the next n valid messages be stored but their answer
// lost (the connection is cut): the sender must send them again.
func (r *Receiver) DropAcks(n int) {
	r.mu.Lock()
	r.dropNext = n
	r.mu.Unlock()
}

// Stats is what the receiver saw.
type Stats struct {
	Requests, Unavailable, BadSignatures int
	// AfterAck counts requests for a key the receiver had already
	// acknowledged: a sender that honours acknowledgements sends none.
	AfterAck int
	Stored   map[string]int // per key: arrivals with a valid signature
	Acked    map[string]int // per key: acknowledgements written
	Messages []ams.Message  // the first arrival of each key, in order
}

// Stats returns a copy of what the receiver saw.
func (r *Receiver) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Stats{Requests: r.requests, Unavailable: r.unavail, BadSignatures: r.badSig, AfterAck: r.afterAck,
		Stored: map[string]int{}, Acked: map[string]int{}, Messages: append([]ams.Message(nil), r.messages...)}
	for k, v := range r.stored {
		s.Stored[k] = v
	}
	for k, v := range r.acked {
		s.Acked[k] = v
	}
	return s
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<16))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.down {
		r.unavail++
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	if err != nil || req.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	// The signature first, over the bytes as received; only then parse.
	if err := ams.Verify(r.pub, body, req.Header.Get(ams.HeaderSignature)); err != nil {
		r.badSig++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	m, err := ams.Decode(body)
	if err != nil || m.ID != req.Header.Get(ams.HeaderIdempotencyKey) || m.Sender != req.Header.Get(ams.HeaderSender) {
		http.Error(w, "message and headers disagree", http.StatusBadRequest)
		return
	}
	if r.acked[m.ID] > 0 {
		r.afterAck++
	}
	if r.stored[m.ID] == 0 {
		r.messages = append(r.messages, m)
	}
	r.stored[m.ID]++
	if r.dropNext > 0 {
		r.dropNext--
		// Stored, but the answer never reaches the sender.
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
	}
	r.acked[m.ID]++
	w.WriteHeader(http.StatusOK)
}
