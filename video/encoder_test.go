package video

import (
	"image"
	"testing"
)

// encoderPicture draws a gradient with a bright square at x, so that a
// picture decoded back can be told from another.
func encoderPicture(w, h, x int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for i := range w {
			o := img.PixOffset(i, y)
			v := uint8(40 + (i*120)/w)
			if i >= x && i < x+64 && y >= 100 && y < 164 {
				v = 230
			}
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = v, v, v, 255
		}
	}
	return img
}

// TestEncoderRoundTrip encodes pictures with libx264 and decodes them back
// with the Decoder: one access unit per picture, SPS and PPS with every
// keyframe, a keyframe every GOP, and the pictures come back close to what
// was drawn (the square where it was).
func TestEncoderRoundTrip(t *testing.T) {
	const w, h, n, gop = 320, 240, 20, 10
	enc, err := NewEncoder(EncoderConfig{Width: w, Height: h, FPS: 10, GOP: gop, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := NewDecoder(CodecH264)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var dst *image.RGBA
	for i := range n {
		src := encoderPicture(w, h, 10*i)
		units, err := enc.Encode(src, int64(i)*9000, i == 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(units) != 1 {
			t.Fatalf("picture %d: %d access units, want 1", i, len(units))
		}
		u := units[0]
		if u.PTS != int64(i)*9000 {
			t.Errorf("picture %d: PTS %d", i, u.PTS)
		}
		// A forced keyframe at 5 restarts the GOP count: 0, 5, 15.
		if wantKey := i == 0 || i == 5 || i == 15; u.Keyframe != wantKey {
			t.Errorf("picture %d: keyframe %v", i, u.Keyframe)
		}
		if u.Keyframe {
			var sps, pps bool
			for _, nalu := range u.AU {
				sps = sps || nalu[0]&0x1f == 7
				pps = pps || nalu[0]&0x1f == 8
			}
			if !sps || !pps {
				t.Errorf("keyframe %d without SPS/PPS in band", i)
			}
		}
		dst, err = dec.DecodeInto(u.AU, dst)
		if err != nil {
			t.Fatalf("decode %d: %v", i, err)
		}
		var diff, px int
		for k := 0; k < len(src.Pix); k += 4 {
			d := int(src.Pix[k]) - int(dst.Pix[k])
			diff += max(d, -d)
			px++
		}
		if mean := float64(diff) / float64(px); mean > 6 {
			t.Errorf("picture %d: mean difference %.1f after the round trip", i, mean)
		}
	}
	if rest, err := enc.Flush(); err != nil || len(rest) != 0 {
		t.Errorf("Flush = %d units, %v; want none held (zerolatency)", len(rest), err)
	}
	if _, err := NewEncoder(EncoderConfig{Width: 321, Height: 240}); err == nil {
		t.Error("odd width accepted")
	}
}
