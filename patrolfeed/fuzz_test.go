package patrolfeed_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/politiezone/zoneconsole/patrolfeed"
)

// FuzzDecode feeds any bytes to a Decoder (both directions, a 64-byte
// bound). It must not panic or loop; every error is a *SyntaxError naming
// its line, or io.EOF at the end; every message it returns can be encoded,
// and its encoding reads back as a message with the same encoding. The seed
// corpus (f.Add below and testdata/fuzz/FuzzDecode) runs in plain go test;
// `go test -fuzz FuzzDecode ./patrolfeed/` searches further.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"HELLO zoneconsole-sim 1\nPOS BORG_11 50.802310 5.343930 1763895929123\n",
		"ARRIVED BORG_11 50.797900 5.353000 1763895931456\r\n",
		"OK GOTO BORG_11\nOK RESUME BORG_11\nERR unknown call sign \"BORG_99\"\nERR\n",
		"GOTO BORG 11 50.79790 5.35300\nRESUME BORG_11\n",
		"goto _ -90 -180\nresume __\n\n \t\n",
		"POS A 1e5 nan 1\nPOS A 0x1p1 +Inf 9223372036854775807\nPOS A -.5 5. -9223372036854775808\n",
		"HELLO x 2147483647\nHELLO x 2147483648\nOK goto a b\n",
		"ERR \t a \t \nERR\xff\nPOS \x00 1 1 1\n",
		"POS BORG_11 50.8 5.3 1000 POS BORG_11 50.8 5.3 1000 POS BORG_11 50.8 5.3 1000\nRESUME A",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := patrolfeed.NewDecoderSize(bytes.NewReader(data), patrolfeed.Both, 64)
		for calls := 0; ; calls++ {
			if calls > len(data)+1 {
				t.Fatalf("%d calls on %d bytes without io.EOF", calls, len(data))
			}
			m, err := dec.Decode()
			if err == io.EOF {
				return
			}
			if err != nil {
				var se *patrolfeed.SyntaxError
				if !errors.As(err, &se) || se.Line != dec.Line() || se.Line < 1 || m != nil {
					t.Fatalf("Decode = %#v, %v (line %d): want a *SyntaxError of the line", m, err, dec.Line())
				}
				_ = err.Error()
				continue
			}
			enc, err := patrolfeed.AppendLine(nil, m)
			if err != nil {
				t.Fatalf("decoded %#v cannot be encoded: %v", m, err)
			}
			back, err := patrolfeed.Parse(string(enc), patrolfeed.Both)
			if err != nil {
				t.Fatalf("%q (from %#v) does not read back: %v", enc, m, err)
			}
			again, err := patrolfeed.AppendLine(nil, back)
			if err != nil || !bytes.Equal(again, enc) {
				t.Fatalf("%q read back as %#v, encoded %q, %v", enc, back, again, err)
			}
			if back.Verb() != m.Verb() {
				t.Fatalf("%#v read back as %#v", m, back)
			}
		}
	})
}
