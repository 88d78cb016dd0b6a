package video

import (
	"errors"
	"fmt"
	"image"
)

// Codec names a compressed video format the Decoder understands.
type Codec int

// The codecs a camera may send.
const (
	CodecH264 Codec = iota + 1
	CodecH265
	CodecMJPEG
)

func (c Codec) String() string {
	switch c {
	case CodecH264:
		return "H264"
	case CodecH265:
		return "H265"
	case CodecMJPEG:
		return "MJPEG"
	}
	return fmt.Sprintf("Codec(%d)", int(c))
}

var (
	// ErrNoFrame means the access unit was accepted but no picture came out yet
	// (parameter sets, or the decoder still buffering). It is flow, not failure.
	ErrNoFrame = errors.New("no frame yet")
	// ErrDecode wraps every error the codec reports on bad input.
	ErrDecode = errors.New("decode error")
	// ErrUnsupportedCodec is returned for a codec the decoder cannot build.
	ErrUnsupportedCodec = errors.New("unsupported codec")
	// ErrClosed is returned by Decode after Close.
	ErrClosed = errors.New("decoder closed")
)

// startCode precedes every NAL unit handed to libavcodec (Annex-B).
var startCode = [4]byte{0, 0, 0, 1}

// Decoder turns access units into RGBA pictures with libavcodec. The picture
// it returns lives in the decoder's own buffer and is valid only until the next
// Decode or Close, so callers copy what they keep. A Decoder is not safe for
// concurrent use; Source gives each connection its own.
type Decoder struct {
	codec Codec
	av    *avDecoder
}

// NewDecoder builds a decoder for codec. Close releases its C memory.
func NewDecoder(codec Codec) (*Decoder, error) {
	av, err := newAVDecoder(codec)
	if err != nil {
		return nil, err
	}
	return &Decoder{codec: codec, av: av}, nil
}

// Codec reports what the decoder was built for.
func (d *Decoder) Codec() Codec { return d.codec }

// Decode feeds one access unit: the NAL units of one picture for H.264/H.265
// (without start codes, as mediacommon gives them), or one whole JPEG for MJPEG.
// It returns ErrNoFrame when no picture is ready, an error wrapping ErrDecode on
// bad input (the decoder stays usable and resynchronises at the next IDR), and
// never nil, nil.
func (d *Decoder) Decode(au [][]byte) (*image.RGBA, error) {
	return d.decode(au, modeConvert, nil)
}

// decodeInto is Decode writing the RGBA picture straight into the image into
// returns for the picture's bounds (a pooled frame): no copy after swscale.
// On error the image into returned, if any, is handed back too.
func (d *Decoder) decodeInto(au [][]byte, into func(image.Rectangle) *image.RGBA) (*image.RGBA, error) {
	return d.decode(au, modeConvert, into)
}

// skip decodes au to keep the reference pictures current but produces no
// picture; nil means the codec accepted it.
func (d *Decoder) skip(au [][]byte) error {
	_, err := d.decode(au, modeSkip, nil)
	if errors.Is(err, ErrNoFrame) {
		return nil
	}
	return err
}

func (d *Decoder) decode(au [][]byte, mode decodeMode, into func(image.Rectangle) *image.RGBA) (*image.RGBA, error) {
	if d.av == nil {
		return nil, ErrClosed
	}
	n := 0
	for _, nalu := range au {
		if d.codec != CodecMJPEG {
			n += len(startCode)
		}
		n += len(nalu)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: empty access unit", ErrDecode)
	}
	buf, err := d.av.stage(n)
	if err != nil {
		return nil, err
	}
	off := 0
	for _, nalu := range au {
		if d.codec != CodecMJPEG {
			off += copy(buf[off:], startCode[:])
		}
		off += copy(buf[off:], nalu)
	}
	return d.av.decodeStaged(n, mode, into)
}

// decodeHeld decodes au and keeps the picture (in YUV, as the codec made
// it) for convertHeld, until the next decode: one decode, then one
// conversion per size the subscribers asked for. It returns the picture's
// size, ErrNoFrame when none came out, or a decode error.
func (d *Decoder) decodeHeld(au [][]byte) (image.Point, error) {
	if _, err := d.decode(au, modeHold, nil); err != nil {
		return image.Point{}, err
	}
	w, h, err := d.av.heldSize()
	return image.Pt(w, h), err
}

// convertHeld writes the held picture into dst, converted to RGBA and
// scaled to dst's size in one sws_scale pass.
func (d *Decoder) convertHeld(dst *image.RGBA) error {
	if d.av == nil {
		return ErrClosed
	}
	return d.av.convertHeld(dst)
}

// Close frees the codec. It is safe to call more than once.
func (d *Decoder) Close() error {
	if d.av != nil {
		d.av.close()
		d.av = nil
	}
	return nil
}
