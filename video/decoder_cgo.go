package video

// #cgo pkg-config: libavcodec libavutil libswscale
// #include <string.h>
// #include <libavcodec/avcodec.h>
// #include <libavutil/imgutils.h>
// #include <libavutil/log.h>
// #include <libavutil/mem.h>
// #include <libswscale/swscale.h>
//
// static int zc_eagain(void) { return AVERROR(EAGAIN); }
// static int zc_eof(void) { return AVERROR_EOF; }
//
// // zc_scale keeps the plane pointer arrays on the C side, so that no Go
// // memory holding pointers is handed to C.
// static int zc_scale(struct SwsContext *sws, AVFrame *src, uint8_t *dst, int dstStride) {
//     uint8_t *dstData[4] = { dst, NULL, NULL, NULL };
//     int dstLines[4] = { dstStride, 0, 0, 0 };
//     return sws_scale(sws, (const uint8_t * const *)src->data, src->linesize, 0, src->height, dstData, dstLines);
// }
//
// static void zc_set_low_delay(AVCodecContext *c) {
//     c->thread_count = 1;
//     c->flags |= AV_CODEC_FLAG_LOW_DELAY;
//     c->flags2 |= AV_CODEC_FLAG2_FAST;
// }
//
// static void zc_quiet(void) { av_log_set_level(AV_LOG_FATAL); }
import "C"

import (
	"errors"
	"fmt"
	"image"
	"unsafe"
)

// inputPadding mirrors AV_INPUT_BUFFER_PADDING_SIZE: libavcodec may read that far
// past the end of a packet, so the staging buffer always carries zeroed slack.
const inputPadding = C.AV_INPUT_BUFFER_PADDING_SIZE

// avDecoder holds every C object of one decoder. It is only touched by Decoder.
type avDecoder struct {
	ctx   *C.AVCodecContext
	pkt   *C.AVPacket
	frame *C.AVFrame

	in    *C.uint8_t // staging buffer for one access unit (av_malloc'd)
	inCap int

	// scalers convert the YUV picture to RGBA at one output size each, in
	// one sws_scale pass: the stream's own size, and every size a
	// subscriber asked for. A few at once (full size, a tile, an enlarged
	// tile); the least recently used one is rebuilt for a new size.
	scalers [maxScalers]scaler
	uses    uint64
	// held: the last picture decoded stays referenced in frame, for the
	// conversions at the subscribers' sizes, until the next decode.
	held    bool
	out     *C.uint8_t // RGBA destination of Decode (av_malloc'd), rebuilt on size change
	outSize int

	img image.RGBA // returned by decode; Pix points into out
}

func codecID(c Codec) (C.enum_AVCodecID, error) {
	switch c {
	case CodecH264:
		return C.AV_CODEC_ID_H264, nil
	case CodecH265:
		return C.AV_CODEC_ID_HEVC, nil
	case CodecMJPEG:
		return C.AV_CODEC_ID_MJPEG, nil
	}
	return 0, fmt.Errorf("codec %v: %w", c, ErrUnsupportedCodec)
}

func newAVDecoder(c Codec) (*avDecoder, error) {
	id, err := codecID(c)
	if err != nil {
		return nil, err
	}
	// libav* logs to stderr by default; a garbage stream would flood it. Our own
	// error counting and slog debug lines replace that output.
	C.zc_quiet()

	codec := C.avcodec_find_decoder(id)
	if codec == nil {
		return nil, fmt.Errorf("codec %v: avcodec_find_decoder: not built in", c)
	}
	d := &avDecoder{}
	d.ctx = C.avcodec_alloc_context3(codec)
	if d.ctx == nil {
		return nil, fmt.Errorf("codec %v: avcodec_alloc_context3 failed", c)
	}
	C.zc_set_low_delay(d.ctx)
	if res := C.avcodec_open2(d.ctx, codec, nil); res < 0 {
		d.close()
		return nil, fmt.Errorf("codec %v: avcodec_open2: %w", c, avError(res))
	}
	d.pkt = C.av_packet_alloc()
	d.frame = C.av_frame_alloc()
	if d.pkt == nil || d.frame == nil {
		d.close()
		return nil, fmt.Errorf("codec %v: allocating packet/frame failed", c)
	}
	return d, nil
}

func (d *avDecoder) close() {
	for i := range d.scalers {
		if d.scalers[i].sws != nil {
			C.sws_freeContext(d.scalers[i].sws)
			d.scalers[i] = scaler{}
		}
	}
	d.held = false
	if d.out != nil {
		C.av_free(unsafe.Pointer(d.out))
		d.out = nil
	}
	if d.in != nil {
		C.av_free(unsafe.Pointer(d.in))
		d.in = nil
	}
	if d.frame != nil {
		C.av_frame_free(&d.frame)
	}
	if d.pkt != nil {
		C.av_packet_free(&d.pkt)
	}
	if d.ctx != nil {
		C.avcodec_free_context(&d.ctx)
	}
}

// stage returns a C-side buffer of at least n bytes (plus zeroed padding).
// It grows rarely, so steady state allocates nothing.
func (d *avDecoder) stage(n int) ([]byte, error) {
	if n > d.inCap {
		if d.in != nil {
			C.av_free(unsafe.Pointer(d.in))
			d.in = nil
			d.inCap = 0
		}
		c := n + n/2
		d.in = (*C.uint8_t)(C.av_mallocz(C.size_t(c + inputPadding)))
		if d.in == nil {
			return nil, fmt.Errorf("av_mallocz(%d) failed", c)
		}
		d.inCap = c
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(d.in)), d.inCap+inputPadding)
	clear(buf[n : n+inputPadding])
	return buf[:n], nil
}

// decodeMode is what decodeStaged does with the picture it receives.
type decodeMode int

const (
	modeSkip    decodeMode = iota // throw it away (a replay bringing the references up to date)
	modeConvert                   // convert it to RGBA at the stream's size
	modeHold                      // keep it for convertHeld at the subscribers' sizes
)

// decodeStaged hands the first n staged bytes to libavcodec and receives at
// most one frame, converted to RGBA at its own size (modeConvert), kept in
// the decoder for convertHeld (modeHold) or thrown away (modeSkip). With
// into, the RGBA pixels go straight into the image it returns (a pooled
// frame), so nothing is copied after swscale; without, into the decoder's
// own buffer.
func (d *avDecoder) decodeStaged(n int, mode decodeMode, into func(image.Rectangle) *image.RGBA) (*image.RGBA, error) {
	d.unhold()
	d.pkt.data = d.in
	d.pkt.size = C.int(n)
	defer func() {
		d.pkt.data = nil
		d.pkt.size = 0
	}()
	res := C.avcodec_send_packet(d.ctx, d.pkt)
	refused := res == C.zc_eagain()
	if res < 0 && !refused {
		return nil, fmt.Errorf("%w: avcodec_send_packet: %w", ErrDecode, avError(res))
	}
	res = C.avcodec_receive_frame(d.ctx, d.frame)
	if refused {
		// The codec still held a picture from earlier input and would not
		// take this access unit before it was read. Now that it is, send the
		// unit again (libavcodec's contract): dropping it would leave the
		// following pictures without their reference.
		if r := C.avcodec_send_packet(d.ctx, d.pkt); r < 0 {
			if res >= 0 {
				C.av_frame_unref(d.frame)
			}
			return nil, fmt.Errorf("%w: avcodec_send_packet after reading a picture: %w", ErrDecode, avError(r))
		}
	}
	if res == C.zc_eagain() || res == C.zc_eof() {
		return nil, ErrNoFrame
	}
	if res < 0 {
		return nil, fmt.Errorf("%w: avcodec_receive_frame: %w", ErrDecode, avError(res))
	}
	switch mode {
	case modeSkip:
		C.av_frame_unref(d.frame)
		return nil, nil
	case modeHold:
		if _, _, err := d.heldSize(); err != nil {
			C.av_frame_unref(d.frame)
			return nil, err
		}
		d.held = true
		return nil, nil
	}
	defer C.av_frame_unref(d.frame)
	return d.toRGBA(into)
}

// unhold lets go of a held picture, so the codec can reuse its surface.
func (d *avDecoder) unhold() {
	if d.held {
		C.av_frame_unref(d.frame)
		d.held = false
	}
}

// heldSize is the size of the picture in frame, checked fit for swscale.
func (d *avDecoder) heldSize() (w, h int, err error) {
	fw, fh, f := d.frame.width, d.frame.height, C.int(d.frame.format)
	if fw <= 0 || fh <= 0 || f < 0 {
		return 0, 0, fmt.Errorf("%w: frame %dx%d format %d", ErrDecode, fw, fh, f)
	}
	return int(fw), int(fh), nil
}

// convertHeld converts the held picture into dst in one sws_scale call:
// the YUV to RGBA conversion and the scaling to dst's size together.
func (d *avDecoder) convertHeld(dst *image.RGBA) error {
	if !d.held {
		return errors.New("convert: no picture held")
	}
	return d.scaleInto(dst)
}

// scaleInto runs the one sws_scale pass from frame into dst (any size; Go
// memory without pointers, not kept by C after the call).
func (d *avDecoder) scaleInto(dst *image.RGBA) error {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if w <= 0 || h <= 0 || dst.Stride < 4*w || len(dst.Pix) < dst.Stride*(h-1)+4*w {
		return fmt.Errorf("convert: target %v stride %d does not hold the picture", dst.Rect, dst.Stride)
	}
	sws, err := d.scalerFor(C.int(w), C.int(h))
	if err != nil {
		return err
	}
	if res := C.zc_scale(sws, d.frame, (*C.uint8_t)(unsafe.Pointer(&dst.Pix[0])), C.int(dst.Stride)); res < 0 {
		return fmt.Errorf("%w: sws_scale to %dx%d: %w", ErrDecode, w, h, avError(res))
	}
	return nil
}

func (d *avDecoder) toRGBA(into func(image.Rectangle) *image.RGBA) (*image.RGBA, error) {
	w, h, err := d.heldSize()
	if err != nil {
		return nil, err
	}
	stride := 4 * w
	rect := image.Rect(0, 0, w, h)
	if into != nil {
		img := into(rect)
		if img == nil || img.Rect != rect || img.Stride != stride || len(img.Pix) < stride*h {
			return nil, fmt.Errorf("decode target does not fit a %dx%d picture", w, h)
		}
		return img, d.scaleInto(img)
	}
	if d.out == nil || d.outSize != stride*h {
		if d.out != nil {
			C.av_free(unsafe.Pointer(d.out))
		}
		d.outSize = stride * h
		d.out = (*C.uint8_t)(C.av_malloc(C.size_t(d.outSize + inputPadding)))
		if d.out == nil {
			d.outSize = 0
			return nil, fmt.Errorf("av_malloc(%d) failed", stride*h)
		}
	}
	d.img.Pix = unsafe.Slice((*byte)(unsafe.Pointer(d.out)), d.outSize)
	d.img.Stride = stride
	d.img.Rect = rect
	if err := d.scaleInto(&d.img); err != nil {
		return nil, err
	}
	return &d.img, nil
}

// maxScalers is how many output sizes keep their scaler at once.
const maxScalers = 4

// scaler is one swscale context: from the stream's size and pixel format
// to RGBA at dstW×dstH.
type scaler struct {
	sws                *C.struct_SwsContext
	srcW, srcH, srcFmt C.int
	dstW, dstH         C.int
	used               uint64
}

// scalerFor returns the context converting frame to RGBA at w×h, reusing
// the one made for that size, else rebuilding the least recently used.
func (d *avDecoder) scalerFor(w, h C.int) (*C.struct_SwsContext, error) {
	sw, sh, sf := d.frame.width, d.frame.height, C.int(d.frame.format)
	d.uses++
	lru := 0
	for i := range d.scalers {
		sc := &d.scalers[i]
		if sc.sws != nil && sc.dstW == w && sc.dstH == h {
			if sc.srcW != sw || sc.srcH != sh || sc.srcFmt != sf {
				// The camera changed resolution or format: same output,
				// new source.
				break
			}
			sc.used = d.uses
			return sc.sws, nil
		}
		if sc.used < d.scalers[lru].used {
			lru = i
		}
	}
	for i := range d.scalers {
		if d.scalers[i].dstW == w && d.scalers[i].dstH == h {
			lru = i
			break
		}
	}
	sc := &d.scalers[lru]
	// At the stream's size the conversion is the one it always was
	// (SWS_BILINEAR: the chroma upsampling the ANPR reader was tuned on).
	// Shrinking, SWS_AREA averages the source pixels under each output
	// pixel: no aliasing on a 4x shrink, and measured a third cheaper than
	// SWS_BILINEAR's widened filter (BenchmarkTileConversion).
	flags := C.int(C.SWS_BILINEAR)
	if w != sw || h != sh {
		flags = C.SWS_AREA
	}
	sws := C.sws_getCachedContext(sc.sws, sw, sh, int32(sf), w, h, C.AV_PIX_FMT_RGBA, flags, nil, nil, nil)
	if sws == nil {
		// getCachedContext freed the old context on the way.
		*sc = scaler{}
		return nil, fmt.Errorf("%w: sws_getCachedContext %dx%d format %d to %dx%d failed", ErrDecode, sw, sh, sf, w, h)
	}
	*sc = scaler{sws: sws, srcW: sw, srcH: sh, srcFmt: sf, dstW: w, dstH: h, used: d.uses}
	return sws, nil
}

// avErr is a libav error code with its message.
type avErr struct{ code int }

func avError(code C.int) error { return avErr{code: int(code)} }

func (e avErr) Error() string {
	var buf [C.AV_ERROR_MAX_STRING_SIZE]C.char
	C.av_strerror(C.int(e.code), &buf[0], C.size_t(len(buf)))
	return fmt.Sprintf("%s (%d)", C.GoString(&buf[0]), e.code)
}
