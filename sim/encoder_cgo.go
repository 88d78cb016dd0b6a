package sim

/*
#cgo pkg-config: libavcodec libavutil
#include <errno.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <libavutil/frame.h>

typedef struct {
	AVCodecContext *ctx;
	AVFrame *frame;
	AVPacket *pkt;
} simenc;

static int simenc_open(simenc *e, int w, int h, int fps, int gop, double crf) {
	const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
	if (!codec) return AVERROR_ENCODER_NOT_FOUND;
	e->ctx = avcodec_alloc_context3(codec);
	if (!e->ctx) return AVERROR(ENOMEM);
	e->ctx->width = w;
	e->ctx->height = h;
	e->ctx->pix_fmt = AV_PIX_FMT_YUV420P;
	e->ctx->time_base = (AVRational){1, 90000};
	e->ctx->framerate = (AVRational){fps, 1};
	e->ctx->gop_size = gop;
	e->ctx->max_b_frames = 0;
	// One thread per encoder: the zone runs many streams on few cores, so
	// parallelism comes from running streams side by side, not from slices.
	e->ctx->thread_count = 1;
	av_opt_set(e->ctx->priv_data, "preset", "ultrafast", 0);
	av_opt_set(e->ctx->priv_data, "tune", "zerolatency", 0);
	av_opt_set_double(e->ctx->priv_data, "crf", crf, 0);
	// A forced keyframe must be an IDR so that a reader joining the stream
	// can start decoding from it.
	av_opt_set_int(e->ctx->priv_data, "forced-idr", 1, 0);
	// x264's own log: errors only (its per-encoder statistics would flood
	// the zone's output); x264-params is applied after the wrapper's defaults.
	av_opt_set(e->ctx->priv_data, "x264-params", "log=0", 0);
	int ret = avcodec_open2(e->ctx, codec, NULL);
	if (ret < 0) return ret;
	e->frame = av_frame_alloc();
	e->pkt = av_packet_alloc();
	if (!e->frame || !e->pkt) return AVERROR(ENOMEM);
	e->frame->format = AV_PIX_FMT_YUV420P;
	e->frame->width = w;
	e->frame->height = h;
	return av_frame_get_buffer(e->frame, 0);
}

static void simenc_close(simenc *e) {
	if (e->pkt) av_packet_free(&e->pkt);
	if (e->frame) av_frame_free(&e->frame);
	if (e->ctx) avcodec_free_context(&e->ctx);
}

static int simenc_writable(simenc *e) {
	return av_frame_make_writable(e->frame);
}

static int simenc_send(simenc *e, int64_t pts, int idr) {
	e->frame->pts = pts;
	e->frame->pict_type = idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
	return avcodec_send_frame(e->ctx, e->frame);
}

static int simenc_receive(simenc *e) {
	av_packet_unref(e->pkt);
	return avcodec_receive_packet(e->ctx, e->pkt);
}

static uint8_t *simenc_plane(simenc *e, int i) { return e->frame->data[i]; }
static int simenc_stride(simenc *e, int i) { return e->frame->linesize[i]; }
static uint8_t *simenc_pkt_data(simenc *e) { return e->pkt->data; }
static int simenc_pkt_size(simenc *e) { return e->pkt->size; }
static int simenc_eagain(void) { return AVERROR(EAGAIN); }
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// encoder is one live H.264 encoder (libx264 through libavcodec). The frame
// and packet are allocated once; the caller draws straight into the frame's
// planes, so a frame costs no copy and no allocation on the C side.
type encoder struct {
	e      C.simenc
	w, h   int
	closed bool
}

func avErr(code C.int) error {
	var buf [128]C.char
	C.av_strerror(code, &buf[0], C.size_t(len(buf)))
	return fmt.Errorf("libavcodec: %s (%d)", C.GoString(&buf[0]), int(code))
}

// newEncoder opens libx264 for w×h at fps with a keyframe every gop frames.
func newEncoder(w, h, fps, gop int, crf float64) (*encoder, error) {
	enc := &encoder{w: w, h: h}
	if ret := C.simenc_open(&enc.e, C.int(w), C.int(h), C.int(fps), C.int(gop), C.double(crf)); ret < 0 {
		err := avErr(ret)
		C.simenc_close(&enc.e)
		enc.closed = true
		return nil, fmt.Errorf("open libx264 %dx%d: %w", w, h, err)
	}
	return enc, nil
}

// picture returns the frame's planes, ready to be drawn on. The views are
// valid until the next call to encode or close.
func (enc *encoder) picture() (yuvImage, error) {
	if enc.closed {
		return yuvImage{}, errors.New("encoder closed")
	}
	if ret := C.simenc_writable(&enc.e); ret < 0 {
		return yuvImage{}, fmt.Errorf("make frame writable: %w", avErr(ret))
	}
	sy := int(C.simenc_stride(&enc.e, 0))
	sc := int(C.simenc_stride(&enc.e, 1))
	ch := (enc.h + 1) / 2
	return yuvImage{
		W: enc.w, H: enc.h, SY: sy, SC: sc,
		Y: unsafe.Slice((*byte)(unsafe.Pointer(C.simenc_plane(&enc.e, 0))), sy*enc.h),
		U: unsafe.Slice((*byte)(unsafe.Pointer(C.simenc_plane(&enc.e, 1))), sc*ch),
		V: unsafe.Slice((*byte)(unsafe.Pointer(C.simenc_plane(&enc.e, 2))), sc*ch),
	}, nil
}

// encode compresses the picture drawn since the last call and appends the
// resulting Annex-B bytes to dst. pts is in 90 kHz units.
func (enc *encoder) encode(dst []byte, pts int64, idr bool) ([]byte, error) {
	if enc.closed {
		return dst, errors.New("encoder closed")
	}
	flag := C.int(0)
	if idr {
		flag = 1
	}
	if ret := C.simenc_send(&enc.e, C.int64_t(pts), flag); ret < 0 {
		return dst, fmt.Errorf("send frame: %w", avErr(ret))
	}
	for {
		ret := C.simenc_receive(&enc.e)
		if ret == C.simenc_eagain() {
			return dst, nil
		}
		if ret < 0 {
			return dst, fmt.Errorf("receive packet: %w", avErr(ret))
		}
		n := int(C.simenc_pkt_size(&enc.e))
		dst = append(dst, unsafe.Slice((*byte)(unsafe.Pointer(C.simenc_pkt_data(&enc.e))), n)...)
	}
}

// close frees the encoder; it is safe to call twice.
func (enc *encoder) close() {
	if enc == nil || enc.closed {
		return
	}
	enc.closed = true
	C.simenc_close(&enc.e)
}
