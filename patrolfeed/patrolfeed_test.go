package patrolfeed_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/patrolfeed"
)

var at = time.UnixMilli(1763895929123).UTC()

// every is one message of each kind, and the edges of each field.
var every = []struct {
	name string
	msg  patrolfeed.Message
	line string
}{
	{"hello", patrolfeed.Hello{Server: "zoneconsole-sim", Version: 1}, "HELLO zoneconsole-sim 1"},
	{"hello version 0", patrolfeed.Hello{Server: "x", Version: 0}, "HELLO x 0"},
	{"pos", patrolfeed.Position{CallSign: "BORG 11", Lat: 50.80231, Lon: 5.34393, Time: at}, "POS BORG_11 50.802310 5.343930 1763895929123"},
	{"pos two spaces", patrolfeed.Position{CallSign: " A  B ", Lat: 0, Lon: 0, Time: at}, "POS _A__B_ 0.000000 0.000000 1763895929123"},
	{"pos edges", patrolfeed.Position{CallSign: "Z", Lat: -90, Lon: 180, Time: time.UnixMilli(-1).UTC()}, "POS Z -90.000000 180.000000 -1"},
	{"pos epoch", patrolfeed.Position{CallSign: "Z", Lat: 90, Lon: -180, Time: time.UnixMilli(0).UTC()}, "POS Z 90.000000 -180.000000 0"},
	{"pos zero time", patrolfeed.Position{CallSign: "Z", Lat: 1, Lon: 2}, "POS Z 1.000000 2.000000 -62135596800000"},
	{"arrived", patrolfeed.Arrived{CallSign: "BORG 12", Lat: 50.7979, Lon: 5.353, Time: at}, "ARRIVED BORG_12 50.797900 5.353000 1763895929123"},
	{"ok goto", patrolfeed.OK{Command: patrolfeed.VerbGoto, CallSign: "BORG 11"}, "OK GOTO BORG_11"},
	{"ok resume", patrolfeed.OK{Command: patrolfeed.VerbResume, CallSign: "BORG 11"}, "OK RESUME BORG_11"},
	{"err", patrolfeed.Err{Text: `unknown call sign "BORG 99"`}, `ERR unknown call sign "BORG 99"`},
	{"err tab inside", patrolfeed.Err{Text: "a\t b"}, "ERR a\t b"},
	{"err empty", patrolfeed.Err{}, "ERR"},
	{"goto", patrolfeed.Goto{CallSign: "BORG 11", Lat: 50.7979, Lon: 5.353}, "GOTO BORG_11 50.797900 5.353000"},
	{"goto negative", patrolfeed.Goto{CallSign: "K9", Lat: -33.868820, Lon: -151.209296}, "GOTO K9 -33.868820 -151.209296"},
	{"resume", patrolfeed.Resume{CallSign: "BORG 11"}, "RESUME BORG_11"},
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range every {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := patrolfeed.Encode(&buf, tc.msg); err != nil {
				t.Fatalf("Encode(%#v): %v", tc.msg, err)
			}
			if got := buf.String(); got != tc.line+"\n" {
				t.Fatalf("Encode(%#v) = %q, want %q", tc.msg, got, tc.line+"\n")
			}
			got, err := patrolfeed.NewDecoder(&buf, patrolfeed.Both).Decode()
			if err != nil {
				t.Fatalf("Decode(%q): %v", tc.line, err)
			}
			if got != tc.msg {
				t.Fatalf("Decode(%q) = %#v, want %#v", tc.line, got, tc.msg)
			}
			if got.Verb() != strings.Fields(tc.line)[0] {
				t.Errorf("Verb() = %q", got.Verb())
			}
		})
	}
}

// TestGolden pins the exact bytes of the protocol (sim/PATROLFEED.md):
// testdata/golden.txt is written by hand, not by this package.
func TestGolden(t *testing.T) {
	want, err := os.ReadFile("testdata/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	msgs := []patrolfeed.Message{
		patrolfeed.Hello{Server: "zoneconsole-sim", Version: patrolfeed.Version},
		patrolfeed.Position{CallSign: "BORG 11", Lat: 50.802310, Lon: 5.343930, Time: at},
		patrolfeed.Position{CallSign: "BORG 12", Lat: 50.796880, Lon: 5.357020, Time: at.Add(time.Nanosecond * 999999)},
		patrolfeed.Arrived{CallSign: "BORG 11", Lat: 50.7979, Lon: 5.353, Time: time.UnixMilli(1763895931456).In(time.FixedZone("CET", 3600))},
		patrolfeed.OK{Command: "GOTO", CallSign: "BORG 11"},
		patrolfeed.OK{Command: "RESUME", CallSign: "BORG 11"},
		patrolfeed.Err{Text: `unknown call sign "BORG_99"`},
		patrolfeed.Err{},
		patrolfeed.Goto{CallSign: "BORG 11", Lat: 50.79790, Lon: 5.35300},
		patrolfeed.Resume{CallSign: "BORG 11"},
		patrolfeed.Position{CallSign: "X", Lat: -0.0000006, Lon: -179.9999994, Time: time.UnixMilli(-1)},
	}
	var got bytes.Buffer
	for _, m := range msgs {
		if err := patrolfeed.Encode(&got, m); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("encoded:\n%s\nwant (testdata/golden.txt):\n%s", got.Bytes(), want)
	}
	// And back: the golden file reads as the same messages, but for the
	// times' sub-millisecond part and zone, and the positions' rounding.
	dec := patrolfeed.NewDecoder(bytes.NewReader(want), patrolfeed.Both)
	for i := 0; ; i++ {
		m, err := dec.Decode()
		if err == io.EOF {
			if i != len(msgs) {
				t.Fatalf("%d messages, want %d", i, len(msgs))
			}
			break
		}
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if m.Verb() != msgs[i].Verb() {
			t.Errorf("line %d: %T, want %T", i+1, m, msgs[i])
		}
	}
}

// The positions are written as the simulator's Sprintf("%.6f") wrote them.
func TestSixDecimalsAsPrintf(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		lat, lon := r.Float64()*180-90, r.Float64()*360-180
		if i%4 == 0 {
			lat, lon = math.Round(lat*1e7)/1e7, math.Round(lon*1e6)/1e6+5e-7
		}
		ms := r.Int64() - math.MaxInt64/2
		want := fmt.Sprintf("POS BORG_11 %.6f %.6f %d\n", lat, lon, ms)
		got, err := patrolfeed.AppendLine(nil, patrolfeed.Position{CallSign: "BORG 11", Lat: lat, Lon: lon, Time: time.UnixMilli(ms)})
		if err != nil || string(got) != want {
			t.Fatalf("AppendLine = %q, %v; want %q", got, err, want)
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	for _, m := range []patrolfeed.Message{
		nil,
		patrolfeed.Position{CallSign: "", Lat: 1, Lon: 1},
		patrolfeed.Position{CallSign: "BORG_11", Lat: 1, Lon: 1},
		patrolfeed.Position{CallSign: "BORG\n11", Lat: 1, Lon: 1},
		patrolfeed.Position{CallSign: "BORG\t11", Lat: 1, Lon: 1},
		patrolfeed.Position{CallSign: "BÖRG", Lat: 1, Lon: 1},
		patrolfeed.Position{CallSign: "A", Lat: math.NaN(), Lon: 1},
		patrolfeed.Arrived{CallSign: "A", Lat: 1, Lon: math.Inf(1)},
		patrolfeed.Goto{CallSign: "A", Lat: 90.0000001, Lon: 1},
		patrolfeed.Goto{CallSign: "A", Lat: 1, Lon: -180.5},
		patrolfeed.Resume{},
		patrolfeed.OK{Command: "goto", CallSign: "A"},
		patrolfeed.OK{Command: "", CallSign: "A"},
		patrolfeed.OK{Command: "GOTO"},
		patrolfeed.Err{Text: "two\nlines"},
		patrolfeed.Err{Text: " leading"},
		patrolfeed.Err{Text: "trailing\t"},
		patrolfeed.Err{Text: "caf\u00e9"},
		patrolfeed.Hello{Server: "", Version: 1},
		patrolfeed.Hello{Server: "two words", Version: 1},
		patrolfeed.Hello{Server: "x", Version: -1},
		&patrolfeed.Resume{CallSign: "A"},
	} {
		var buf bytes.Buffer
		err := patrolfeed.Encode(&buf, m)
		if !errors.Is(err, patrolfeed.ErrInvalid) || buf.Len() != 0 {
			t.Errorf("Encode(%#v) = %v, wrote %q; want ErrInvalid and nothing written", m, err, buf.Bytes())
		}
		dst := []byte("kept")
		if b, _ := patrolfeed.AppendLine(dst, m); string(b) != "kept" {
			t.Errorf("AppendLine(%#v) changed dst to %q", m, b)
		}
	}
}

// What the peers write that is not the canonical form still reads.
func TestDecodeLenient(t *testing.T) {
	for _, tc := range []struct {
		line string
		to   patrolfeed.Direction
		want patrolfeed.Message
	}{
		{"GOTO BORG 11 50.79790 5.35300", patrolfeed.ToServer, patrolfeed.Goto{CallSign: "BORG 11", Lat: 50.7979, Lon: 5.353}},
		{"goto borg_11 50 5", patrolfeed.ToServer, patrolfeed.Goto{CallSign: "borg 11", Lat: 50, Lon: 5}},
		{"  GOTO\tBORG   11  +50.5 -.5  ", patrolfeed.ToServer, patrolfeed.Goto{CallSign: "BORG 11", Lat: 50.5, Lon: -0.5}},
		{"Resume BORG 11\r", patrolfeed.ToServer, patrolfeed.Resume{CallSign: "BORG 11"}},
		{"pos BORG_11 50.8 5.3 1000", patrolfeed.ToClient, patrolfeed.Position{CallSign: "BORG 11", Lat: 50.8, Lon: 5.3, Time: time.UnixMilli(1000).UTC()}},
		{"arrived A 1. 2 +5", patrolfeed.ToClient, patrolfeed.Arrived{CallSign: "A", Lat: 1, Lon: 2, Time: time.UnixMilli(5).UTC()}},
		{"ok goto BORG_11", patrolfeed.ToClient, patrolfeed.OK{Command: "GOTO", CallSign: "BORG 11"}},
		{"ERR   bad  position  ", patrolfeed.ToClient, patrolfeed.Err{Text: "bad  position"}},
		{"ERR\t", patrolfeed.ToClient, patrolfeed.Err{}},
	} {
		got, err := patrolfeed.Parse(tc.line, tc.to)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", tc.line, got, err, tc.want)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		line string
		to   patrolfeed.Direction
		want error
		verb string
	}{
		{"", patrolfeed.Both, patrolfeed.ErrEmpty, ""},
		{" \t \r", patrolfeed.Both, patrolfeed.ErrEmpty, ""},
		{"HELLO zoneconsole-sim", patrolfeed.ToClient, patrolfeed.ErrFields, "HELLO"},
		{"HELLO zoneconsole-sim -1", patrolfeed.ToClient, patrolfeed.ErrNumber, "HELLO"},
		{"POS BORG 11 50.8 5.3 1000", patrolfeed.ToClient, patrolfeed.ErrFields, "POS"},
		{"POS BORG_11 50.8 5.3", patrolfeed.ToClient, patrolfeed.ErrFields, "POS"},
		{"POS BORG_11 NaN 5.3 1", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 50.8 inf 1", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 0x1p5 5 1", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 5e1 5 1", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 90.5 5 1", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 50 180.1 1", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 50 5 1.5", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 50 5 99999999999999999999", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"POS BORG_11 . 5 1", patrolfeed.ToClient, patrolfeed.ErrNumber, "POS"},
		{"OK GOTO", patrolfeed.ToClient, patrolfeed.ErrFields, "OK"},
		{"OK", patrolfeed.ToClient, patrolfeed.ErrFields, "OK"},
		{"OK JUMP BORG_11", patrolfeed.ToClient, patrolfeed.ErrUnknownVerb, "OK"},
		{"GOTO BORG_11 50 5", patrolfeed.ToClient, patrolfeed.ErrUnknownVerb, "GOTO"},
		{"POS BORG_11 50 5 1", patrolfeed.ToServer, patrolfeed.ErrUnknownVerb, "POS"},
		{"pos BORG_11 50 5 1", patrolfeed.ToServer, patrolfeed.ErrUnknownVerb, "pos"},
		{"JUMP BORG_11", patrolfeed.Both, patrolfeed.ErrUnknownVerb, "JUMP"},
		{"GOTO BORG_11 50", patrolfeed.ToServer, patrolfeed.ErrFields, "GOTO"},
		{"GOTO BORG_11 91 5", patrolfeed.ToServer, patrolfeed.ErrNumber, "GOTO"},
		{"RESUME", patrolfeed.ToServer, patrolfeed.ErrFields, "RESUME"},
		{"RESUME BÖRG", patrolfeed.ToServer, patrolfeed.ErrChar, "RESUME"},
		{"RESUME BORG\x0011", patrolfeed.ToServer, patrolfeed.ErrChar, "RESUME"},
		{"ERR a\rb", patrolfeed.ToClient, patrolfeed.ErrChar, "ERR"},
		{"ERR a\r\r", patrolfeed.ToClient, patrolfeed.ErrChar, "ERR"},
	} {
		m, err := patrolfeed.Parse(tc.line, tc.to)
		var se *patrolfeed.SyntaxError
		if m != nil || !errors.As(err, &se) || !errors.Is(err, tc.want) || se.Verb != tc.verb {
			t.Errorf("Parse(%q) = %#v, %v; want %v with verb %q", tc.line, m, err, tc.want, tc.verb)
		}
	}
}

// A Decoder goes on after a bad line and names it; an over-long line is
// skipped whole, with a bounded buffer.
func TestDecoderStream(t *testing.T) {
	long := "POS " + strings.Repeat("A", 200) + " 1 2 3"
	in := "HELLO zoneconsole-sim 1\r\n" +
		"POS BORG_11 50.8 5.3 1000\n" +
		"\n" +
		"POS BORG_11 nope 5.3 1000\n" +
		long + "\n" +
		strings.Repeat("x", 63) + "\n" + // 64 bytes with '\n': just fits
		strings.Repeat("y", 64) + "\n" + // one too many
		"POS BORG_12 50.9 5.4 2000" // no '\n' at the end
	type step struct {
		msg  patrolfeed.Message
		err  error
		line int
	}
	want := []step{
		{patrolfeed.Hello{Server: "zoneconsole-sim", Version: 1}, nil, 1},
		{patrolfeed.Position{CallSign: "BORG 11", Lat: 50.8, Lon: 5.3, Time: time.UnixMilli(1000).UTC()}, nil, 2},
		{nil, patrolfeed.ErrEmpty, 3},
		{nil, patrolfeed.ErrNumber, 4},
		{nil, patrolfeed.ErrTooLong, 5},
		{nil, patrolfeed.ErrUnknownVerb, 6},
		{nil, patrolfeed.ErrTooLong, 7},
		{patrolfeed.Position{CallSign: "BORG 12", Lat: 50.9, Lon: 5.4, Time: time.UnixMilli(2000).UTC()}, nil, 8},
	}
	// Byte by byte too: the reader's chunks do not matter.
	for _, r := range []io.Reader{strings.NewReader(in), &oneByte{in}} {
		dec := patrolfeed.NewDecoderSize(r, patrolfeed.ToClient, 64)
		for _, w := range want {
			m, err := dec.Decode()
			if m != w.msg || !errors.Is(err, w.err) || (w.err == nil) != (err == nil) || dec.Line() != w.line {
				t.Fatalf("line %d: Decode = %#v, %v (at line %d); want %#v, %v", w.line, m, err, dec.Line(), w.msg, w.err)
			}
			if err != nil {
				var se *patrolfeed.SyntaxError
				if !errors.As(err, &se) || se.Line != w.line || !strings.Contains(err.Error(), fmt.Sprintf("line %d ", w.line)) {
					t.Errorf("error %q does not name line %d", err, w.line)
				}
				if len(se.Text) > 90 {
					t.Errorf("error text %d bytes long", len(se.Text))
				}
			}
		}
		for i := 0; i < 2; i++ {
			if m, err := dec.Decode(); m != nil || err != io.EOF {
				t.Fatalf("at the end: %#v, %v; want io.EOF", m, err)
			}
		}
	}
}

type oneByte struct{ s string }

func (r *oneByte) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0], r.s = r.s[0], r.s[1:]
	return 1, nil
}

// A reader's error comes back as it is, not as a SyntaxError; an over-long
// last line at the end of the stream is too long, then io.EOF.
func TestDecoderReaderError(t *testing.T) {
	boom := errors.New("connection reset")
	dec := patrolfeed.NewDecoder(io.MultiReader(strings.NewReader("RESUME A\nRESU"), &failing{boom}), patrolfeed.ToServer)
	if m, err := dec.Decode(); m != (patrolfeed.Resume{CallSign: "A"}) || err != nil {
		t.Fatalf("Decode = %#v, %v", m, err)
	}
	if _, err := dec.Decode(); err != boom {
		t.Fatalf("Decode = %v, want the reader's error", err)
	}
	dec = patrolfeed.NewDecoderSize(strings.NewReader(strings.Repeat("z", 100)), patrolfeed.ToServer, 32)
	if _, err := dec.Decode(); !errors.Is(err, patrolfeed.ErrTooLong) {
		t.Fatalf("Decode = %v, want ErrTooLong", err)
	}
	if _, err := dec.Decode(); err != io.EOF {
		t.Fatalf("Decode = %v, want io.EOF", err)
	}
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }
