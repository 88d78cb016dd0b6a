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

	sws     *C.struct_SwsContext
	swsW    C.int
	swsH    C.int
	swsFmt  C.int
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
	if d.sws != nil {
		C.sws_freeContext(d.sws)
		d.sws = nil
	}
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

// decodeStaged hands the first n staged bytes to libavcodec and receives at
// most one frame, converted to RGBA unless convert is false (a replay that
// only has to bring the decoder's references up to date). With into, the
// RGBA pixels go straight into the image it returns (a pooled frame), so
// nothing is copied after swscale; without, into the decoder's own buffer.
func (d *avDecoder) decodeStaged(n int, convert bool, into func(image.Rectangle) *image.RGBA) (*image.RGBA, error) {
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
	defer C.av_frame_unref(d.frame)
	if !convert {
		return nil, nil
	}
	return d.toRGBA(into)
}

func (d *avDecoder) toRGBA(into func(image.Rectangle) *image.RGBA) (*image.RGBA, error) {
	w, h, f := d.frame.width, d.frame.height, C.int(d.frame.format)
	if w <= 0 || h <= 0 || f < 0 {
		return nil, fmt.Errorf("%w: frame %dx%d format %d", ErrDecode, w, h, f)
	}
	if d.sws == nil || w != d.swsW || h != d.swsH || f != d.swsFmt {
		if err := d.rebuildScaler(w, h, f); err != nil {
			return nil, err
		}
	}
	stride := 4 * int(w)
	rect := image.Rect(0, 0, int(w), int(h))
	if into != nil {
		img := into(rect)
		if img == nil || img.Rect != rect || img.Stride != stride || len(img.Pix) < stride*int(h) {
			return nil, fmt.Errorf("decode target does not fit a %dx%d picture", w, h)
		}
		// A Go pointer to pointer-free memory, not kept by C after the call.
		if res := C.zc_scale(d.sws, d.frame, (*C.uint8_t)(unsafe.Pointer(&img.Pix[0])), C.int(stride)); res < 0 {
			return img, fmt.Errorf("%w: sws_scale: %w", ErrDecode, avError(res))
		}
		return img, nil
	}
	if d.out == nil || d.outSize != stride*int(h) {
		if d.out != nil {
			C.av_free(unsafe.Pointer(d.out))
		}
		d.outSize = stride * int(h)
		d.out = (*C.uint8_t)(C.av_malloc(C.size_t(d.outSize + inputPadding)))
		if d.out == nil {
			d.outSize = 0
			return nil, fmt.Errorf("av_malloc(%d) failed", stride*int(h))
		}
	}
	if res := C.zc_scale(d.sws, d.frame, d.out, C.int(stride)); res < 0 {
		return nil, fmt.Errorf("%w: sws_scale: %w", ErrDecode, avError(res))
	}
	d.img.Pix = unsafe.Slice((*byte)(unsafe.Pointer(d.out)), d.outSize)
	d.img.Stride = stride
	d.img.Rect = rect
	return &d.img, nil
}

func (d *avDecoder) rebuildScaler(w, h, f C.int) error {
	if d.sws != nil {
		C.sws_freeContext(d.sws)
		d.sws = nil
	}
	d.sws = C.sws_getContext(w, h, int32(f), w, h, C.AV_PIX_FMT_RGBA, C.SWS_BILINEAR, nil, nil, nil)
	if d.sws == nil {
		return fmt.Errorf("%w: sws_getContext %dx%d format %d failed", ErrDecode, w, h, f)
	}
	d.swsW, d.swsH, d.swsFmt = w, h, f
	return nil
}

// avErr is a libav error code with its message.
type avErr struct{ code int }

func avError(code C.int) error { return avErr{code: int(code)} }

func (e avErr) Error() string {
	var buf [C.AV_ERROR_MAX_STRING_SIZE]C.char
	C.av_strerror(C.int(e.code), &buf[0], C.size_t(len(buf)))
	return fmt.Sprintf("%s (%d)", C.GoString(&buf[0]), e.code)
}
