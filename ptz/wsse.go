package ptz

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/xml"
	"time"
)

// WS-Security UsernameToken (OASIS UsernameToken Profile 1.0), as ONVIF
// cameras ask for it. The library's gosoap.NewSecurity stamps Created with
// the console's own clock: a camera whose clock is off by more than its
// tolerance (often 5 s) refuses every request. So the token is written
// here, with Created on the camera's clock (local time plus the offset read
// with GetSystemDateAndTime), and the library only builds the envelope.
const (
	nsWSSE         = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	nsWSU          = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	passwordDigest = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
	base64Binary   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)

// Security is the header as sent and as a server reads it back (the sim
// device and the tests decode it with this same type).
type Security struct {
	XMLName xml.Name      `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd Security"`
	Token   UsernameToken `xml:"UsernameToken"`
}

// UsernameToken holds the digest, the nonce and the creation time.
type UsernameToken struct {
	Username string `xml:"Username"`
	Password struct {
		Type  string `xml:"Type,attr"`
		Value string `xml:",chardata"`
	} `xml:"Password"`
	Nonce struct {
		EncodingType string `xml:"EncodingType,attr"`
		Value        string `xml:",chardata"`
	} `xml:"Nonce"`
	Created string `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd Created"`
}

// Digest is base64(sha1(nonce + created + password)), nonce the raw bytes.
func Digest(nonce []byte, created, password string) string {
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(password))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// NewToken makes a token created at camTime (the camera's clock).
func NewToken(username, password string, camTime time.Time) Security {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce) // crypto/rand never fails on a supported OS
	created := camTime.UTC().Format("2006-01-02T15:04:05.000Z")
	var s Security
	s.Token.Username = username
	s.Token.Password.Type = passwordDigest
	s.Token.Password.Value = Digest(nonce, created, password)
	s.Token.Nonce.EncodingType = base64Binary
	s.Token.Nonce.Value = base64.StdEncoding.EncodeToString(nonce)
	s.Token.Created = created
	return s
}

// Verify checks a received token against the password and the receiver's
// clock now, allowing skew either way: the check a camera makes.
func (s Security) Verify(username, password string, now time.Time, skew time.Duration) bool {
	if s.Token.Username != username {
		return false
	}
	nonce, err := base64.StdEncoding.DecodeString(s.Token.Nonce.Value)
	if err != nil || len(nonce) == 0 {
		return false
	}
	created, err := time.Parse(time.RFC3339Nano, s.Token.Created)
	if err != nil {
		return false
	}
	if d := now.Sub(created); d > skew || d < -skew {
		return false
	}
	want := Digest(nonce, s.Token.Created, password)
	return subtle.ConstantTimeCompare([]byte(want), []byte(s.Token.Password.Value)) == 1
}
