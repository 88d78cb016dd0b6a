package video

import "image"

// DecodeInto is Decode writing the picture into dst when dst has the
// picture's size (a reader's reused buffer), or into a new image that it
// returns otherwise. Playback keeps one frame buffer per reader this way,
// so that a frame stays valid across a re-decode (one frame back) that
// needs a fresh Decoder.
func (d *Decoder) DecodeInto(au [][]byte, dst *image.RGBA) (*image.RGBA, error) {
	return d.decodeInto(au, func(r image.Rectangle) *image.RGBA {
		if dst == nil || dst.Rect != r || dst.Stride != 4*r.Dx() {
			dst = image.NewRGBA(r)
		}
		return dst
	})
}

// DecodeSkip decodes au to bring the reference pictures up to date without
// converting the picture to RGBA: what a seek does with the frames between
// the keyframe and the one it lands on. It returns nil when a picture came
// out (and was thrown away), ErrNoFrame when none did, and a decode error
// otherwise.
func (d *Decoder) DecodeSkip(au [][]byte) error {
	_, err := d.decode(au, modeSkip, nil)
	return err
}
