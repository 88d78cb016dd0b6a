package parse

import (
	"context"
	"errors"
	"io"
	"unicode/utf8"
)

// maxValueBytes bounds what the parser may read past the last record (CSV)
// or value (JSON) it was handed: a legitimate record is a few kilobytes
// (maxTextLen per field), so anything longer is a broken or hostile file, and
// without the bound the CSV reader or the JSON decoder would buffer it whole.
const maxValueBytes = 1 << 20

// errValueTooLong ends a parse whose current record or value passed maxValueBytes.
var errValueTooLong = errors.New("value too long")

// trackReader sits between the file and the CSV reader or JSON decoder. It
// leaves the bytes alone and notes what those parsers do not say: where the
// lines end (for JSON line numbers), where UTF-8 is invalid (encoding/json
// silently turns it into U+FFFD), and how far the parser has read past the
// last point it claimed (maxValueBytes). It stops on ctx, so that a long
// import can be cancelled. Offsets count from the first byte after the BOM.
type trackReader struct {
	ctx context.Context
	r   io.Reader
	off int64 // bytes read so far
	err error // the first error of r (not io.EOF), or ctx's, or errValueTooLong

	mark int64   // the last claimed offset
	line int     // the line at mark
	nl   []int64 // offsets of the newlines at or after mark
	bad  []int64 // offsets of invalid UTF-8 at or after mark
	pend []byte  // an incomplete rune at the end of the last read
	utf8 bool    // track bad (JSON only: CSV validates its fields)
}

func newTrackReader(ctx context.Context, r io.Reader, trackUTF8 bool) *trackReader {
	return &trackReader{ctx: ctx, r: r, line: 1, utf8: trackUTF8}
}

func (t *trackReader) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	if err := t.ctx.Err(); err != nil {
		t.err = err
		return 0, err
	}
	if t.off-t.mark > maxValueBytes {
		t.err = errValueTooLong
		return 0, t.err
	}
	n, err := t.r.Read(p)
	t.scan(p[:n], err == io.EOF)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

func (t *trackReader) scan(p []byte, eof bool) {
	start := t.off - int64(len(t.pend)) // offset of buf[0]
	t.off += int64(len(p))
	buf := p
	if len(t.pend) > 0 {
		buf = append(t.pend, p...)
		t.pend = nil
	}
	for i := 0; i < len(buf); {
		c := buf[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				t.nl = append(t.nl, start+int64(i))
			}
			i++
			continue
		}
		if !t.utf8 {
			i++
			continue
		}
		if !eof && !utf8.FullRune(buf[i:]) {
			t.pend = append([]byte(nil), buf[i:]...) // at most 3 bytes
			break
		}
		r, size := utf8.DecodeRune(buf[i:])
		if r == utf8.RuneError && size == 1 {
			t.bad = append(t.bad, start+int64(i))
		}
		i += size
	}
}

// claim moves the mark to off (the parser has consumed everything before
// it) and reports whether the bytes since the last mark held invalid UTF-8.
// Offsets never go back: each parser claims in reading order.
func (t *trackReader) claim(off int64) (badUTF8 bool) {
	if off < t.mark {
		return false
	}
	t.line = t.lineAt(off)
	n := 0
	for n < len(t.nl) && t.nl[n] < off {
		n++
	}
	t.nl = t.nl[:copy(t.nl, t.nl[n:])]
	n = 0
	for n < len(t.bad) && t.bad[n] < off {
		n++
	}
	t.bad = t.bad[:copy(t.bad, t.bad[n:])]
	t.mark = off
	return n > 0
}

// lineAt is the line of the byte at off, for off at or after the mark.
func (t *trackReader) lineAt(off int64) int {
	line := t.line
	for _, o := range t.nl {
		if o >= off {
			break
		}
		line++
	}
	return line
}

// ioErr is the error that ended reading, other than the file's own syntax:
// a failing reader or a cancelled context. A value too long is the file's
// fault and is reported as a FieldError instead.
func (t *trackReader) ioErr() error {
	if t.err == nil || errors.Is(t.err, errValueTooLong) {
		return nil
	}
	return t.err
}

func (t *trackReader) tooLong() bool { return errors.Is(t.err, errValueTooLong) }

// tooLongMsg goes with errValueTooLong.
const tooLongMsg = "longer than 1 MiB (maxValueBytes): not a hotlist entry"
