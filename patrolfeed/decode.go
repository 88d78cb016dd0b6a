package patrolfeed

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Direction is which side's lines a Decoder accepts: a verb of the other
// side reads as ErrUnknownVerb, as an unknown one does.
type Direction uint8

const (
	// ToClient are the lines a server sends: HELLO, POS, ARRIVED, OK, ERR.
	ToClient Direction = 1 << iota
	// ToServer are the lines a client sends: GOTO, RESUME.
	ToServer
	// Both accepts every verb (tests, tools).
	Both = ToClient | ToServer
)

// DefaultMaxLine is NewDecoder's bound on a line, its '\n' included.
const DefaultMaxLine = 4096

// What is wrong with a line; a *SyntaxError wraps one of them.
var (
	ErrEmpty       = errors.New("empty line")
	ErrUnknownVerb = errors.New("unknown verb")
	ErrFields      = errors.New("wrong number of fields")
	ErrNumber      = errors.New("bad number")
	ErrChar        = errors.New("character outside printable ASCII")
	ErrTooLong     = errors.New("line too long")
)

// SyntaxError is a line that is not a message. The Decoder goes on with the
// next line after it, after an over-long one too (ErrTooLong; the rest of
// that line is skipped).
type SyntaxError struct {
	Line   int    // the line's number in the stream, from 1; 0 from Parse
	Text   string // the line as read, without its end, cut to 80 bytes
	Verb   string // its first field as written, "" if none
	Err    error  // ErrEmpty, ErrUnknownVerb, ErrFields, ErrNumber, ErrChar or ErrTooLong
	Detail string // what exactly, may be ""
}

func (e *SyntaxError) Error() string {
	where := "line"
	if e.Line > 0 {
		where = "line " + strconv.Itoa(e.Line)
	}
	what := e.Err.Error()
	if e.Detail != "" {
		what += " (" + e.Detail + ")"
	}
	return fmt.Sprintf("patrolfeed: %s %q: %s", where, e.Text, what)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

const textCut = 80

func cut(s string) string {
	if len(s) > textCut {
		return s[:textCut] + "..."
	}
	return s
}

// Decoder reads messages from a stream, one line at a time.
type Decoder struct {
	r    *bufio.Reader
	to   Direction
	max  int
	line int
	skip bool // in the rest of an over-long line
}

// NewDecoder reads the lines of r meant for to (0 reads as Both), each at
// most DefaultMaxLine bytes long with its '\n'.
func NewDecoder(r io.Reader, to Direction) *Decoder { return NewDecoderSize(r, to, DefaultMaxLine) }

// NewDecoderSize is NewDecoder with a bound of maxLine bytes on a line, its
// '\n' included (DefaultMaxLine if maxLine < 2). It holds one buffer of
// that size, whatever the input.
func NewDecoderSize(r io.Reader, to Direction, maxLine int) *Decoder {
	if to == 0 {
		to = Both
	}
	if maxLine < 2 {
		maxLine = DefaultMaxLine
	}
	return &Decoder{r: bufio.NewReaderSize(r, maxLine), to: to, max: maxLine}
}

// Line is the number of lines read so far (that of the last one decoded).
func (d *Decoder) Line() int { return d.line }

// Decode reads the next line and returns its message. A line that is not a
// message gives a *SyntaxError, and the next Decode reads the line after
// it. The stream's end gives io.EOF (a last line without its '\n' is read
// as a line); an error of the reader is returned as it is.
func (d *Decoder) Decode() (Message, error) {
	for {
		b, err := d.r.ReadSlice('\n')
		if d.skip {
			switch err {
			case bufio.ErrBufferFull:
				continue
			case nil:
				d.skip = false
				continue
			}
			d.skip = false
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, err
		}
		switch {
		case err == nil:
			d.line++
			if len(b) > d.max {
				return nil, d.tooLong(b[:len(b)-1])
			}
			return parse(string(b[:len(b)-1]), d.to, d.line)
		case errors.Is(err, bufio.ErrBufferFull):
			d.line++
			d.skip = true
			return nil, d.tooLong(b)
		case errors.Is(err, io.EOF) && len(b) > 0:
			d.line++
			if len(b)+1 > d.max {
				return nil, d.tooLong(b)
			}
			return parse(string(b), d.to, d.line)
		default:
			return nil, err
		}
	}
}

func (d *Decoder) tooLong(b []byte) error {
	s := string(b[:min(len(b), textCut+1)])
	return &SyntaxError{Line: d.line, Text: cut(s), Verb: firstField(s), Err: ErrTooLong,
		Detail: fmt.Sprintf("over %d bytes", d.max)}
}

// Parse reads one line, with or without its '\n', as a message meant for
// to (0 reads as Both). It does not bound the line's length.
func Parse(line string, to Direction) (Message, error) {
	if to == 0 {
		to = Both
	}
	return parse(strings.TrimSuffix(line, "\n"), to, 0)
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' }

func firstField(s string) string {
	s = strings.TrimLeft(s, " \t")
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// parse reads line s (without its '\n'); n is its number for the error.
func parse(s string, to Direction, n int) (Message, error) {
	s = strings.TrimSuffix(s, "\r")
	f := strings.FieldsFunc(s, isBlank)
	fail := func(err error, detail string) error {
		e := &SyntaxError{Line: n, Text: cut(s), Err: err, Detail: detail}
		if len(f) > 0 {
			e.Verb = f[0]
		}
		return e
	}
	if len(f) == 0 {
		return nil, fail(ErrEmpty, "")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && (c < 0x20 || c > 0x7e) {
			return nil, fail(ErrChar, fmt.Sprintf("byte %#02x at %d", c, i+1))
		}
	}
	verb := strings.ToUpper(f[0])
	fields := func(want string, ok bool) error {
		if ok {
			return nil
		}
		return fail(ErrFields, fmt.Sprintf("%d, want %s %s", len(f), verb, want))
	}
	if to&ToClient != 0 {
		switch verb {
		case VerbHello:
			if err := fields("<server> <version>", len(f) == 3); err != nil {
				return nil, err
			}
			v, err := strconv.ParseUint(f[2], 10, 31)
			if err != nil {
				return nil, fail(ErrNumber, "version "+strconv.Quote(f[2]))
			}
			return Hello{Server: f[1], Version: int(v)}, nil
		case VerbPos, VerbArrived:
			if err := fields("<callsign> <lat> <lon> <unix-ms>", len(f) == 5); err != nil {
				return nil, err
			}
			lat, lon, err := latLon(f[2], f[3])
			if err != "" {
				return nil, fail(ErrNumber, err)
			}
			ms, perr := strconv.ParseInt(f[4], 10, 64)
			if perr != nil {
				return nil, fail(ErrNumber, "time "+strconv.Quote(f[4]))
			}
			cs, t := callSign(f[1:2]), time.UnixMilli(ms).UTC()
			if verb == VerbArrived {
				return Arrived{CallSign: cs, Lat: lat, Lon: lon, Time: t}, nil
			}
			return Position{CallSign: cs, Lat: lat, Lon: lon, Time: t}, nil
		case VerbOK:
			if err := fields("<command> <callsign>", len(f) == 3); err != nil {
				return nil, err
			}
			cmd := strings.ToUpper(f[1])
			if cmd != VerbGoto && cmd != VerbResume {
				return nil, fail(ErrUnknownVerb, "OK for "+strconv.Quote(f[1]))
			}
			return OK{Command: cmd, CallSign: callSign(f[2:])}, nil
		case VerbErr:
			rest := strings.TrimLeft(s, " \t")[len(f[0]):]
			return Err{Text: strings.Trim(rest, " \t")}, nil
		}
	}
	if to&ToServer != 0 {
		switch verb {
		case VerbGoto:
			// The call sign may be written with its spaces ("BORG 11").
			if err := fields("<callsign> <lat> <lon>", len(f) >= 4); err != nil {
				return nil, err
			}
			lat, lon, err := latLon(f[len(f)-2], f[len(f)-1])
			if err != "" {
				return nil, fail(ErrNumber, err)
			}
			return Goto{CallSign: callSign(f[1 : len(f)-2]), Lat: lat, Lon: lon}, nil
		case VerbResume:
			if err := fields("<callsign>", len(f) >= 2); err != nil {
				return nil, err
			}
			return Resume{CallSign: callSign(f[1:])}, nil
		}
	}
	return nil, fail(ErrUnknownVerb, "")
}

// callSign joins the fields of a call sign; '_' stands for a space.
func callSign(f []string) string { return strings.ReplaceAll(strings.Join(f, " "), "_", " ") }

// latLon reads a position; the error says what is wrong ("" if nothing).
func latLon(a, b string) (lat, lon float64, err string) {
	lat, ok := decimal(a)
	if !ok || lat < -90 || lat > 90 {
		return 0, 0, "latitude " + strconv.Quote(a)
	}
	lon, ok = decimal(b)
	if !ok || lon < -180 || lon > 180 {
		return 0, 0, "longitude " + strconv.Quote(b)
	}
	return lat, lon, ""
}

// decimal reads [+-]digits[.digits] (or [+-].digits): decimal degrees, no
// exponent, no hexadecimal, no NaN or Inf.
func decimal(s string) (float64, bool) {
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
