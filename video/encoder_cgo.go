package video

/*
#cgo pkg-config: libavcodec libavutil libswscale
#include <stdlib.h>
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>

typedef struct {
	AVCodecContext *ctx;
	AVFrame *frame;
	AVPacket *pkt;
	struct SwsContext *sws;
} zcenc;

static int zcenc_open(zcenc *e, int w, int h, int fps, int gop, double crf, const char *preset, int threads) {
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
	e->ctx->thread_count = threads;
	av_opt_set(e->ctx->priv_data, "preset", preset, 0);
	// zerolatency: no lookahead and no B-frames, so every picture sent
	// comes out as one access unit at once and DTS equals PTS.
	av_opt_set(e->ctx->priv_data, "tune", "zerolatency", 0);
	av_opt_set_double(e->ctx->priv_data, "crf", crf, 0);
	av_opt_set_int(e->ctx->priv_data, "forced-idr", 1, 0);
	av_opt_set(e->ctx->priv_data, "x264-params", "log=0", 0);
	int ret = avcodec_open2(e->ctx, codec, NULL);
	if (ret < 0) return ret;
	e->frame = av_frame_alloc();
	e->pkt = av_packet_alloc();
	if (!e->frame || !e->pkt) return AVERROR(ENOMEM);
	e->frame->format = AV_PIX_FMT_YUV420P;
	e->frame->width = w;
	e->frame->height = h;
	ret = av_frame_get_buffer(e->frame, 0);
	if (ret < 0) return ret;
	e->sws = sws_getContext(w, h, AV_PIX_FMT_RGBA, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
	if (!e->sws) return AVERROR(EINVAL);
	return 0;
}

static void zcenc_close(zcenc *e) {
	if (e->sws) { sws_freeContext(e->sws); e->sws = NULL; }
	if (e->pkt) av_packet_free(&e->pkt);
	if (e->frame) av_frame_free(&e->frame);
	if (e->ctx) avcodec_free_context(&e->ctx);
}

// zcenc_send converts one RGBA picture into the frame and sends it; the
// plane pointer arrays stay on the C side.
static int zcenc_send(zcenc *e, uint8_t *rgba, int stride, int64_t pts, int idr) {
	int ret = av_frame_make_writable(e->frame);
	if (ret < 0) return ret;
	const uint8_t *src[4] = { rgba, NULL, NULL, NULL };
	int srcStride[4] = { stride, 0, 0, 0 };
	ret = sws_scale(e->sws, src, srcStride, 0, e->ctx->height, e->frame->data, e->frame->linesize);
	if (ret < 0) return ret;
	e->frame->pts = pts;
	e->frame->pict_type = idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
	return avcodec_send_frame(e->ctx, e->frame);
}

static int zcenc_flush(zcenc *e) { return avcodec_send_frame(e->ctx, NULL); }

static int zcenc_receive(zcenc *e) {
	av_packet_unref(e->pkt);
	return avcodec_receive_packet(e->ctx, e->pkt);
}

static uint8_t *zcenc_pkt_data(zcenc *e) { return e->pkt->data; }
static int zcenc_pkt_size(zcenc *e) { return e->pkt->size; }
static int64_t zcenc_pkt_pts(zcenc *e) { return e->pkt->pts; }
static int zcenc_pkt_key(zcenc *e) { return (e->pkt->flags & AV_PKT_FLAG_KEY) != 0; }
static int zcenc_eagain(void) { return AVERROR(EAGAIN); }
static int zcenc_eof(void) { return AVERROR_EOF; }
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"unsafe"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// EncoderConfig sets up an Encoder. Zero values take the defaults.
type EncoderConfig struct {
	Width, Height int
	FPS           int     // nominal rate, for rate control; default 15
	GOP           int     // a keyframe at least every GOP pictures; default FPS
	CRF           float64 // libx264 constant rate factor; default 20 (evidence: visually lossless)
	Preset        string  // libx264 preset; default "veryfast"
	Threads       int     // libx264 threads; 0 lets libx264 choose
}

// EncodedUnit is one compressed access unit.
type EncodedUnit struct {
	AU       [][]byte // NAL units without start codes; valid until the next Encode
	PTS      int64    // 90 kHz, as given to Encode
	Keyframe bool
}

// Encoder compresses RGBA pictures to H.264 with libx264: the re-encoding
// of an export with privacy masks burned in. It is not safe for concurrent
// use; Close frees its C memory.
type Encoder struct {
	e      C.zcenc
	cfg    EncoderConfig
	buf    []byte
	closed bool
}

// NewEncoder opens libx264 for cfg.Width×cfg.Height pictures.
func NewEncoder(cfg EncoderConfig) (*Encoder, error) {
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width%2 != 0 || cfg.Height%2 != 0 {
		return nil, fmt.Errorf("encoder: size %dx%d: width and height must be even and positive", cfg.Width, cfg.Height)
	}
	if cfg.FPS <= 0 {
		cfg.FPS = 15
	}
	if cfg.GOP <= 0 {
		cfg.GOP = cfg.FPS
	}
	if cfg.CRF <= 0 {
		cfg.CRF = 20
	}
	if cfg.Preset == "" {
		cfg.Preset = "veryfast"
	}
	enc := &Encoder{cfg: cfg}
	preset := C.CString(cfg.Preset)
	defer C.free(unsafe.Pointer(preset))
	if ret := C.zcenc_open(&enc.e, C.int(cfg.Width), C.int(cfg.Height), C.int(cfg.FPS), C.int(cfg.GOP),
		C.double(cfg.CRF), preset, C.int(cfg.Threads)); ret < 0 {
		C.zcenc_close(&enc.e)
		return nil, fmt.Errorf("encoder: open libx264 %dx%d: %w", cfg.Width, cfg.Height, avError(ret))
	}
	return enc, nil
}

// Encode compresses img (of the configured size) shown at pts (90 kHz);
// keyframe forces an IDR. It returns the access units that came out: one
// per picture with zerolatency, none only if libx264 buffers.
func (enc *Encoder) Encode(img *image.RGBA, pts int64, keyframe bool) ([]EncodedUnit, error) {
	if enc.closed {
		return nil, errors.New("encoder closed")
	}
	if img.Rect.Dx() != enc.cfg.Width || img.Rect.Dy() != enc.cfg.Height {
		return nil, fmt.Errorf("encoder: picture %dx%d, encoder %dx%d", img.Rect.Dx(), img.Rect.Dy(), enc.cfg.Width, enc.cfg.Height)
	}
	idr := C.int(0)
	if keyframe {
		idr = 1
	}
	// A Go pointer to pointer-free memory, not kept by C after the call.
	start := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y)
	if ret := C.zcenc_send(&enc.e, (*C.uint8_t)(unsafe.Pointer(&img.Pix[start])), C.int(img.Stride), C.int64_t(pts), idr); ret < 0 {
		return nil, fmt.Errorf("encoder: send picture: %w", avError(ret))
	}
	return enc.receive()
}

// Flush ends the stream and returns what libx264 still held. The encoder
// takes no picture afterwards.
func (enc *Encoder) Flush() ([]EncodedUnit, error) {
	if enc.closed {
		return nil, errors.New("encoder closed")
	}
	if ret := C.zcenc_flush(&enc.e); ret < 0 {
		return nil, fmt.Errorf("encoder: flush: %w", avError(ret))
	}
	return enc.receive()
}

func (enc *Encoder) receive() ([]EncodedUnit, error) {
	enc.buf = enc.buf[:0]
	type pkt struct {
		start, end int
		pts        int64
		key        bool
	}
	var pkts []pkt
	for {
		ret := C.zcenc_receive(&enc.e)
		if ret == C.zcenc_eagain() || ret == C.zcenc_eof() {
			break
		}
		if ret < 0 {
			return nil, fmt.Errorf("encoder: receive packet: %w", avError(ret))
		}
		n := int(C.zcenc_pkt_size(&enc.e))
		start := len(enc.buf)
		enc.buf = append(enc.buf, unsafe.Slice((*byte)(unsafe.Pointer(C.zcenc_pkt_data(&enc.e))), n)...)
		pkts = append(pkts, pkt{start, len(enc.buf), int64(C.zcenc_pkt_pts(&enc.e)), C.zcenc_pkt_key(&enc.e) != 0})
	}
	out := make([]EncodedUnit, 0, len(pkts))
	for _, p := range pkts {
		var au h264.AnnexB
		if err := au.Unmarshal(enc.buf[p.start:p.end]); err != nil {
			return nil, fmt.Errorf("encoder: libx264 output: %w", err)
		}
		out = append(out, EncodedUnit{AU: au, PTS: p.pts, Keyframe: p.key})
	}
	return out, nil
}

// Close frees the encoder. It is idempotent.
func (enc *Encoder) Close() error {
	if enc != nil && !enc.closed {
		enc.closed = true
		C.zcenc_close(&enc.e)
	}
	return nil
}
