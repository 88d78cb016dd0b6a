// Package patrolfeed is the wire codec of the patrol feed (the
// vehicle-location, AVL, feed of sim/PATROLFEED.md): typed messages, Encode
// and AppendLine to write one, and a Decoder that reads one line at a time,
// bounded in length, and returns a typed message or a *SyntaxError that
// names the line. The console's client (hits) and the simulated zone's feed
// (sim) both speak through it, so they cannot drift apart.
//
// The wire is plain ASCII, one message per line, fields separated by a
// space. A call sign is one field: its spaces are written as '_' ("BORG 11"
// is BORG_11 on the wire), so a call sign cannot itself hold a '_'.
package patrolfeed

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// The verbs, the first field of a line. On reading, verbs are
// case-insensitive.
const (
	VerbHello   = "HELLO"   // server: first line, server name and protocol version
	VerbPos     = "POS"     // server: a unit's position
	VerbArrived = "ARRIVED" // server: a unit sent with GOTO reached the spot
	VerbOK      = "OK"      // server: a command was done
	VerbErr     = "ERR"     // server: a command was refused
	VerbGoto    = "GOTO"    // client: send a unit to a spot
	VerbResume  = "RESUME"  // client: the unit patrols again
)

// Version is the protocol version the simulator announces in HELLO.
const Version = 1

// Message is one line of the feed: Hello, Position, Arrived, OK or Err (to
// the client), Goto or Resume (to the server).
type Message interface {
	// Verb is the message's first field (VerbPos, ...).
	Verb() string
	isMessage()
}

// Hello is the server's first line: `HELLO <server> <version>`.
type Hello struct {
	Server  string // one field, "zoneconsole-sim"
	Version int    // 0 or more; 1 today
}

// Position is a unit's report: `POS <callsign> <lat> <lon> <unix-ms>`.
type Position struct {
	CallSign string  // "BORG 11"
	Lat, Lon float64 // WGS84 degrees, written with six decimals
	Time     time.Time
}

// Arrived says a unit sent with GOTO reached its spot:
// `ARRIVED <callsign> <lat> <lon> <unix-ms>`.
type Arrived struct {
	CallSign string
	Lat, Lon float64
	Time     time.Time
}

// OK is the reply to a command that was done: `OK <command> <callsign>`.
type OK struct {
	Command  string // VerbGoto or VerbResume
	CallSign string
}

// Err is the reply to a command that could not be done: `ERR <text>`.
type Err struct {
	Text string // printable ASCII, no leading or trailing blank; may be ""
}

// Goto sends a unit to a spot: `GOTO <callsign> <lat> <lon>`.
type Goto struct {
	CallSign string
	Lat, Lon float64
}

// Resume sends a unit back on patrol: `RESUME <callsign>`.
type Resume struct {
	CallSign string
}

func (Hello) Verb() string    { return VerbHello }
func (Position) Verb() string { return VerbPos }
func (Arrived) Verb() string  { return VerbArrived }
func (OK) Verb() string       { return VerbOK }
func (Err) Verb() string      { return VerbErr }
func (Goto) Verb() string     { return VerbGoto }
func (Resume) Verb() string   { return VerbResume }

func (Hello) isMessage()    {}
func (Position) isMessage() {}
func (Arrived) isMessage()  {}
func (OK) isMessage()       {}
func (Err) isMessage()      {}
func (Goto) isMessage()     {}
func (Resume) isMessage()   {}

// ErrInvalid is wrapped by every error of Encode and AppendLine: the
// message cannot be written so that it reads back the same.
var ErrInvalid = errors.New("patrolfeed: message cannot be written")

// Encode writes m as one line, its '\n' included, in a single Write. An
// invalid message (see AppendLine) writes nothing.
func Encode(w io.Writer, m Message) error {
	b, err := AppendLine(make([]byte, 0, 64), m)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendLine appends m as one line, its '\n' included, to dst. It refuses
// (an error wrapping ErrInvalid, dst unchanged) what would not read back as
// the same message: an empty call sign, or one with a '_' or a character
// outside printable ASCII; a latitude outside -90..90 or a longitude outside
// -180..180 (NaN included); an OK for another command than GOTO or RESUME;
// an Err text with a character outside printable ASCII and tab, or with a
// leading or trailing blank; a Hello whose server is not one field or whose
// version is negative; a nil or foreign Message.
func AppendLine(dst []byte, m Message) ([]byte, error) {
	b := dst
	var err error
	switch m := m.(type) {
	case Hello:
		if !isToken(m.Server) {
			return dst, invalid(m, "server %q is not one field of printable ASCII", m.Server)
		}
		if m.Version < 0 || m.Version > math.MaxInt32 {
			return dst, invalid(m, "version %d out of range", m.Version)
		}
		b = append(b, VerbHello+" "...)
		b = append(b, m.Server...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(m.Version), 10)
	case Position:
		b, err = appendReport(b, m, m.CallSign, m.Lat, m.Lon, m.Time)
	case Arrived:
		b, err = appendReport(b, m, m.CallSign, m.Lat, m.Lon, m.Time)
	case OK:
		if m.Command != VerbGoto && m.Command != VerbResume {
			return dst, invalid(m, "command %q is not GOTO or RESUME", m.Command)
		}
		b = append(b, VerbOK+" "...)
		b = append(b, m.Command...)
		b = append(b, ' ')
		b, err = appendCallSign(b, m, m.CallSign)
	case Err:
		if err := checkText(m.Text); err != "" {
			return dst, invalid(m, "text %q: %s", m.Text, err)
		}
		b = append(b, VerbErr...)
		if m.Text != "" {
			b = append(b, ' ')
			b = append(b, m.Text...)
		}
	case Goto:
		b = append(b, VerbGoto+" "...)
		if b, err = appendCallSign(b, m, m.CallSign); err == nil {
			b, err = appendLatLon(b, m, m.Lat, m.Lon)
		}
	case Resume:
		b = append(b, VerbResume+" "...)
		b, err = appendCallSign(b, m, m.CallSign)
	default:
		return dst, fmt.Errorf("%w: %T is not a patrol feed message", ErrInvalid, m)
	}
	if err != nil {
		return dst, err
	}
	return append(b, '\n'), nil
}

func appendReport(b []byte, m Message, cs string, lat, lon float64, t time.Time) ([]byte, error) {
	b = append(b, m.Verb()...)
	b = append(b, ' ')
	b, err := appendCallSign(b, m, cs)
	if err != nil {
		return b, err
	}
	if b, err = appendLatLon(b, m, lat, lon); err != nil {
		return b, err
	}
	b = append(b, ' ')
	return strconv.AppendInt(b, t.UnixMilli(), 10), nil
}

// appendCallSign writes cs as one field: spaces become '_'.
func appendCallSign(b []byte, m Message, cs string) ([]byte, error) {
	if cs == "" {
		return b, invalid(m, "empty call sign")
	}
	for i := 0; i < len(cs); i++ {
		c := cs[i]
		switch {
		case c == ' ':
			b = append(b, '_')
		case c == '_':
			return b, invalid(m, "call sign %q holds a '_' (it stands for a space on the wire)", cs)
		case c < 0x21 || c > 0x7e:
			return b, invalid(m, "call sign %q is not printable ASCII", cs)
		default:
			b = append(b, c)
		}
	}
	return b, nil
}

func appendLatLon(b []byte, m Message, lat, lon float64) ([]byte, error) {
	if !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
		return b, invalid(m, "position %v,%v out of range", lat, lon)
	}
	b = append(b, ' ')
	b = strconv.AppendFloat(b, lat, 'f', 6, 64)
	b = append(b, ' ')
	return strconv.AppendFloat(b, lon, 'f', 6, 64), nil
}

func invalid(m Message, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, m.Verb(), fmt.Sprintf(format, args...))
}

// isToken reports whether s is one non-empty field of printable ASCII.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// checkText says what is wrong with an Err text ("" if nothing).
func checkText(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && (c < 0x20 || c > 0x7e) {
			return "not printable ASCII"
		}
	}
	if strings.Trim(s, " \t") != s {
		return "leading or trailing blank"
	}
	return ""
}
