package ams

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names of a forwarded passage.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderSender         = "X-AMS-Sender"
	HeaderSignature      = "X-AMS-Signature"
)

// signPrefix separates a passage signature from any other use of the key.
const signPrefix = "zoneconsole-ams-passage-v1\n"

// Passage is what the console forwards of one passage.
type Passage struct {
	ID         int64 // the passage store's id
	Time       time.Time
	Camera     string
	Plate      string // normalised
	Country    string
	Confidence float64
}

// Message is the JSON body of one forwarded passage (see the package
// documentation).
type Message struct {
	V          int       `json:"v"`
	ID         string    `json:"id"`
	Sender     string    `json:"sender"`
	PassageID  int64     `json:"passage_id"`
	Time       time.Time `json:"time"`
	Camera     string    `json:"camera"`
	Plate      string    `json:"plate"`
	Country    string    `json:"country"`
	Confidence float64   `json:"confidence"`
}

// Key is the idempotency key of passage id from sender.
func Key(sender string, id int64) string { return sender + "/" + strconv.FormatInt(id, 10) }

// NewMessage is the message for p sent by sender.
func NewMessage(sender string, p Passage) Message {
	return Message{V: 1, ID: Key(sender, p.ID), Sender: sender, PassageID: p.ID,
		Time: p.Time.UTC().Truncate(time.Millisecond), Camera: p.Camera, Plate: p.Plate,
		Country: p.Country, Confidence: p.Confidence}
}

// Sign returns the X-AMS-Signature value for body.
func Sign(key ed25519.PrivateKey, body []byte) string {
	return "ed25519 " + encode(ed25519.Sign(key, signed(body)))
}

// ErrBadSignature is returned by Verify for a signature that does not
// verify, or a header that is not one.
var ErrBadSignature = errors.New("ams: bad signature")

// Verify checks an X-AMS-Signature value over body with pub. It is the
// receiver's check, and needs nothing but the bytes received.
func Verify(pub ed25519.PublicKey, body []byte, header string) error {
	alg, b64, ok := strings.Cut(header, " ")
	if !ok || alg != "ed25519" {
		return fmt.Errorf("%w: header %q is not \"ed25519 <base64>\"", ErrBadSignature, header)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: not a %d-byte base64 signature", ErrBadSignature, ed25519.SignatureSize)
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: public key of %d bytes", ErrBadSignature, len(pub))
	}
	if !ed25519.Verify(pub, signed(body), sig) {
		return ErrBadSignature
	}
	return nil
}

func signed(body []byte) []byte {
	return append([]byte(signPrefix), body...)
}

// Decode parses a verified body. It refuses an unknown version, unknown
// fields and a message without its key.
func Decode(body []byte) (Message, error) {
	var m Message
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Message{}, fmt.Errorf("ams: message: %w", err)
	}
	if m.V != 1 {
		return Message{}, fmt.Errorf("ams: message version %d", m.V)
	}
	if m.ID != Key(m.Sender, m.PassageID) {
		return Message{}, fmt.Errorf("ams: message id %q is not %q", m.ID, Key(m.Sender, m.PassageID))
	}
	return m, nil
}

func encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
