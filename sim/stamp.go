package sim

import (
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"time"
)

// Stamp is the machine-readable mark burned into the top of every frame.
type Stamp struct {
	Seq      uint64    // frame counter of the stream (32 bits are carried)
	Captured time.Time // when the frame was rendered, just before encoding (ms precision)
}

// The stamp is two rows of 52 cells across the full width of the picture,
// each row stampRowFrac of the height: cells 0-1 are white/black and 50-51
// black/white (sync, and the reference levels), 2-49 carry 48 data bits.
// 96 bits: seq (32), unix ms (48), and the low 16 bits of a CRC-32 of both.
// Cells are 24×18 px at 720p and 12×9 px at 360p: large enough that H.264
// at any sane quality keeps their centre clean.
const (
	stampCells    = 52
	stampRows     = 2
	stampRowFrac  = 1.0 / 40
	stampDataBits = 48
)

var stampBlack, stampWhite = yuvColor{16, 128, 128}, yuvColor{235, 128, 128}

func stampBits(seq uint64, ms int64) [stampRows * stampDataBits]bool {
	var buf [10]byte
	binary.BigEndian.PutUint32(buf[0:4], uint32(seq))
	binary.BigEndian.PutUint16(buf[4:6], uint16(uint64(ms)>>32))
	binary.BigEndian.PutUint32(buf[6:10], uint32(ms))
	sum := uint16(crc32.ChecksumIEEE(buf[:]))
	var all [12]byte
	copy(all[:], buf[:])
	binary.BigEndian.PutUint16(all[10:], sum)
	var bits [stampRows * stampDataBits]bool
	for i := range bits {
		bits[i] = all[i/8]&(0x80>>(i%8)) != 0
	}
	return bits
}

// stampHeight is the height in pixels of the stamp band for a picture height.
func stampHeight(h int) int { return stampRows * int(float64(h)*stampRowFrac+0.5) }

// drawStamp burns seq and the capture time into the top band of p.
func drawStamp(p yuvImage, seq uint64, captured time.Time) {
	bits := stampBits(seq, captured.UnixMilli())
	rh := int(float64(p.H)*stampRowFrac + 0.5)
	for row := 0; row < stampRows; row++ {
		for cell := 0; cell < stampCells; cell++ {
			var on bool
			switch {
			case cell == 0 || cell == stampCells-1:
				on = true
			case cell == 1 || cell == stampCells-2:
				on = false
			default:
				on = bits[row*stampDataBits+cell-2]
			}
			c := stampBlack
			if on {
				c = stampWhite
			}
			x0 := cell * p.W / stampCells
			x1 := (cell + 1) * p.W / stampCells
			p.fill(image.Rect(x0, row*rh, x1, (row+1)*rh), c)
		}
	}
}

// ReadStamp decodes the stamp from a decoded frame of any size with the
// aspect ratio it was made with. It reports false when no valid stamp is
// there (no sync, too little contrast, or a checksum mismatch).
func ReadStamp(img image.Image) (Stamp, bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < stampCells*2 || h < 40 {
		return Stamp{}, false
	}
	rh := float64(h) * stampRowFrac
	cw := float64(w) / stampCells
	level := func(row, cell int) int {
		// Mean luma over the middle half of the cell, away from the edges
		// where the codec rings.
		x0 := b.Min.X + int(float64(cell)*cw+cw/4)
		x1 := b.Min.X + int(float64(cell)*cw+3*cw/4)
		y0 := b.Min.Y + int(float64(row)*rh+rh/4)
		y1 := b.Min.Y + int(float64(row)*rh+3*rh/4)
		if x1 <= x0 {
			x1 = x0 + 1
		}
		if y1 <= y0 {
			y1 = y0 + 1
		}
		sum, n := 0, 0
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				sum += luma(img, x, y)
				n++
			}
		}
		return sum / n
	}
	var bits [stampRows * stampDataBits]bool
	for row := 0; row < stampRows; row++ {
		w0, b0 := level(row, 0), level(row, 1)
		b1, w1 := level(row, stampCells-2), level(row, stampCells-1)
		white, black := (w0+w1)/2, (b0+b1)/2
		if white-black < 60 || w0-b0 < 40 || w1-b1 < 40 {
			return Stamp{}, false
		}
		thr := (white + black) / 2
		for i := 0; i < stampDataBits; i++ {
			bits[row*stampDataBits+i] = level(row, i+2) > thr
		}
	}
	var all [12]byte
	for i, on := range bits {
		if on {
			all[i/8] |= 0x80 >> (i % 8)
		}
	}
	if uint16(crc32.ChecksumIEEE(all[:10])) != binary.BigEndian.Uint16(all[10:]) {
		return Stamp{}, false
	}
	seq := uint64(binary.BigEndian.Uint32(all[0:4]))
	ms := int64(binary.BigEndian.Uint16(all[4:6]))<<32 | int64(binary.BigEndian.Uint32(all[6:10]))
	return Stamp{Seq: seq, Captured: time.UnixMilli(ms).UTC()}, true
}

// luma returns the 0..255 luma of one pixel, with fast paths for the image
// types decoders hand out.
func luma(img image.Image, x, y int) int {
	switch m := img.(type) {
	case *image.YCbCr:
		return int(m.Y[m.YOffset(x, y)])
	case *image.RGBA:
		i := m.PixOffset(x, y)
		return (299*int(m.Pix[i]) + 587*int(m.Pix[i+1]) + 114*int(m.Pix[i+2])) / 1000
	case *image.NRGBA:
		i := m.PixOffset(x, y)
		return (299*int(m.Pix[i]) + 587*int(m.Pix[i+1]) + 114*int(m.Pix[i+2])) / 1000
	case *image.Gray:
		return int(m.Pix[m.PixOffset(x, y)])
	}
	c := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
	return int(c.Y)
}
