package anpr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// withOrientation inserts an EXIF APP1 segment holding orientation o
// right after the JPEG's SOI marker.
func withOrientation(t *testing.T, jpg []byte, o uint16, bo binary.ByteOrder) []byte {
	t.Helper()
	var tiff bytes.Buffer
	if bo == binary.LittleEndian {
		tiff.WriteString("II")
	} else {
		tiff.WriteString("MM")
	}
	binary.Write(&tiff, bo, uint16(42))
	binary.Write(&tiff, bo, uint32(8))
	binary.Write(&tiff, bo, uint16(1))      // one entry
	binary.Write(&tiff, bo, uint16(0x0112)) // orientation
	binary.Write(&tiff, bo, uint16(3))      // SHORT
	binary.Write(&tiff, bo, uint32(1))
	binary.Write(&tiff, bo, o)
	binary.Write(&tiff, bo, uint16(0))
	binary.Write(&tiff, bo, uint32(0)) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

func TestDecodePhotoOrientation(t *testing.T) {
	// 80x40, a white block at the top-left corner.
	src := solid(80, 40, color.RGBA{0, 0, 0, 255})
	for y := 0; y < 10; y++ {
		for x := 0; x < 10; x++ {
			src.Set(x, y, color.White)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	bright := func(img image.Image, x, y int) bool {
		r, _, _, _ := img.At(x, y).RGBA()
		return r > 0x8000
	}
	tests := []struct {
		o      uint16
		bo     binary.ByteOrder
		w, h   int
		px, py int // where the white corner lands
	}{
		{1, binary.LittleEndian, 80, 40, 2, 2},
		{3, binary.BigEndian, 80, 40, 77, 37},
		{6, binary.LittleEndian, 40, 80, 37, 2},
		{8, binary.BigEndian, 40, 80, 2, 77},
	}
	for _, tc := range tests {
		img, err := DecodePhoto(bytes.NewReader(withOrientation(t, b.Bytes(), tc.o, tc.bo)))
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.o, err)
		}
		if img.Bounds().Dx() != tc.w || img.Bounds().Dy() != tc.h {
			t.Errorf("orientation %d: size %v, want %dx%d", tc.o, img.Bounds(), tc.w, tc.h)
		}
		if !bright(img, tc.px, tc.py) {
			t.Errorf("orientation %d: corner not at (%d,%d)", tc.o, tc.px, tc.py)
		}
	}
	if _, err := DecodePhoto(bytes.NewReader([]byte("not an image"))); err == nil {
		t.Error("DecodePhoto(garbage) succeeded")
	}
}

// TestDecodePhotoTooLarge: a header claiming a giant picture is refused
// before any pixel memory is asked for.
func TestDecodePhotoTooLarge(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	// IHDR: 8-byte signature, length, "IHDR", width, height, ..., CRC.
	binary.BigEndian.PutUint32(data[16:], 60000)
	binary.BigEndian.PutUint32(data[20:], 60000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	if _, err := DecodePhoto(bytes.NewReader(data)); !errors.Is(err, ErrPhotoTooLarge) {
		t.Fatalf("DecodePhoto(60000x60000 header) = %v, want ErrPhotoTooLarge", err)
	}
}
