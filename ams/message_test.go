package ams

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// TestVerifyProbes corrupts a good signed message every way a wire or an
// attacker could: each probe must fail.
func TestVerifyProbes(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	otherPub, _, _ := ed25519.GenerateKey(nil)
	body, _ := json.Marshal(NewMessage("5339", Passage{ID: 7, Time: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Camera: "cam01", Plate: "1ABC123", Country: "BE", Confidence: 0.9}))
	sig := Sign(key, body)
	if err := Verify(pub, body, sig); err != nil {
		t.Fatalf("good message: %v", err)
	}
	flip := func(b []byte, i int) []byte { c := append([]byte(nil), b...); c[i] ^= 1; return c }
	rawSig := ed25519.Sign(key, body) // without the prefix: another use of the key
	probes := []struct {
		name string
		pub  ed25519.PublicKey
		body []byte
		sig  string
	}{
		{"body bit flipped", pub, flip(body, 10), sig},
		{"body truncated", pub, body[:len(body)-1], sig},
		{"body appended", pub, append(append([]byte(nil), body...), ' '), sig},
		{"body prepended", pub, append([]byte(" "), body...), sig},
		{"signature bit flipped", pub, body, sig[:20] + string(sig[20]^1) + sig[21:]},
		{"signature truncated", pub, body, sig[:len(sig)-4]},
		{"other key", otherPub, body, sig},
		{"no prefix", pub, body, "ed25519 " + encode(rawSig)},
		{"other algorithm", pub, body, "rsa" + sig[7:]},
		{"empty", pub, body, ""},
	}
	for _, p := range probes {
		if err := Verify(p.pub, p.body, p.sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: Verify = %v, want ErrBadSignature", p.name, err)
		}
	}
	m, err := Decode(body)
	if err != nil || m.ID != "5339/7" || m.Plate != "1ABC123" {
		t.Errorf("Decode = %+v, %v", m, err)
	}
	if _, err := Decode([]byte(`{"v":1,"id":"5339/8","sender":"5339","passage_id":7}`)); err == nil {
		t.Error("Decode accepted an id that is not sender/passage_id")
	}
	if _, err := Decode([]byte(`{"v":1,"id":"5339/7","sender":"5339","passage_id":7,"extra":1}`)); err == nil {
		t.Error("Decode accepted an unknown field")
	}
}
